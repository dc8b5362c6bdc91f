import { composeSupergraph, readCommittedSupergraph } from '../src';

describe('committed supergraph', () => {
  it("composes from the seven subgraphs' committed SDL (subgraphs/<name>/schema.graphql) and matches the committed gateway/supergraph.graphql (run `pnpm compose` when it does not)", async () => {
    const fresh = await composeSupergraph();
    expect(readCommittedSupergraph()).toBe(fresh);
  });
});
