import { composeSupergraph, readCommittedSupergraph } from '../src';

describe('committed supergraph', () => {
  it('composes from the seven subgraphs and matches the committed gateway/supergraph.graphql (run `pnpm compose` when it does not)', async () => {
    const fresh = await composeSupergraph();
    expect(readCommittedSupergraph()).toBe(fresh);
  });
});
