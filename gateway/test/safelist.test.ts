import { createHash } from 'node:crypto';
import { buildSchema, parse, validate } from 'graphql';
import { buildManifest, readCommittedSupergraph, readManifest, safelistSource } from '../src';

/** The partner safelist as committed: fresh, hashed right, and every operation valid against the supergraph. */
describe('partner safelist', () => {
  const manifest = readManifest();

  it('matches its source gateway/safelist/partner-operations.graphql (run `pnpm safelist` when it does not)', () => {
    expect(manifest).toEqual(buildManifest(safelistSource()));
  });

  it('identifies each operation by the SHA-256 of its body, with unique names', () => {
    for (const op of manifest.operations) expect(op.id).toBe(createHash('sha256').update(op.body).digest('hex'));
    expect(new Set(manifest.operations.map((o) => o.name)).size).toBe(manifest.operations.length);
  });

  it('holds only operations that are valid against the committed supergraph, including the partner’s writes', () => {
    const schema = buildSchema(readCommittedSupergraph());
    for (const op of manifest.operations) expect([op.name, validate(schema, parse(op.body)).map((e) => e.message)]).toEqual([op.name, []]);
    expect(
      manifest.operations
        .filter((o) => o.type === 'mutation')
        .map((o) => o.name)
        .sort(),
    ).toEqual(['PartnerClaimWish', 'PartnerDisableWebhookEndpoint', 'PartnerFulfilWish', 'PartnerRecordActivity', 'PartnerRegisterWebhookEndpoint']);
  });

  it('refuses to build a manifest from unnamed or duplicate operations or unknown fragments', () => {
    expect(() => buildManifest('{ me { sub } }')).toThrow(/needs a name/);
    expect(() => buildManifest('query A { me { sub } } query A { me { tier } }')).toThrow(/Two safelisted operations are called A/);
    expect(() => buildManifest('query A { me { ...Nope } }')).toThrow(/unknown fragment Nope/);
  });
});
