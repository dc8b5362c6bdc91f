import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isFed1Supergraph, ROUTER_SUPPORTED_SUPERGRAPH_FEATURES, Supergraph } from '@apollo/federation-internals';
import { Kind, parse, type ConstDirectiveNode, type SchemaDefinitionNode } from 'graphql';
import { SUBGRAPH_NAMES } from '@cgp/core';
import { readCommittedSupergraph } from '@cgp/gateway';
import { limitsFromEnvironment } from '../../gateway/src/limits';
import { subgraphFetchFromEnvironment } from '../../gateway/src/subgraph-source';
import { parse as parseYaml } from 'yaml';
import { INFRA, K8S_BASE, kustomizeBuild } from './support';

/**
 * The committed supergraph in Apollo Router. The router binary cannot be fetched here, so this checks
 * what the router checks when it loads a supergraph: a Federation 2 schema (`@link` to link/v1.0),
 * join directives of a version it executes, and only spec features it supports — with
 * @apollo/federation-internals' own list of the router's supported features and its supergraph
 * validation (the composition output the router consumes) — and that infra/router/router.yaml
 * routes every subgraph of that supergraph and passes on the headers the subgraphs need.
 */

const LINK = 'https://specs.apollo.dev/link/v1.0';

function links(sdl: string): { url: string; for?: string }[] {
  const schemaDef = parse(sdl).definitions.find((d): d is SchemaDefinitionNode => d.kind === Kind.SCHEMA_DEFINITION)!;
  return (schemaDef.directives ?? [])
    .filter((d: ConstDirectiveNode) => d.name.value === 'link')
    .map((d) => {
      const arg = (name: string) => {
        const value = d.arguments?.find((a) => a.name.value === name)?.value;
        return value && (value.kind === Kind.STRING || value.kind === Kind.ENUM) ? value.value : undefined;
      };
      return { url: arg('url')!, for: arg('for') };
    });
}

/** Loads a supergraph as the router would refuse it: only the router's supported features, validated. */
const loadAsRouter = (sdl: string) => Supergraph.build(sdl, { supportedFeatures: ROUTER_SUPPORTED_SUPERGRAPH_FEATURES, validateSupergraph: true });

describe('the supergraph in Apollo Router', () => {
  const sdl = readCommittedSupergraph();

  it('is a Federation 2 supergraph: @link to link/v1.0 first, join for EXECUTION, every feature one the router supports', () => {
    const linked = links(sdl);
    expect(linked[0]).toEqual({ url: LINK, for: undefined });
    const join = linked.find((l) => l.url.startsWith('https://specs.apollo.dev/join/'));
    expect(join).toEqual({ url: expect.stringMatching(/^https:\/\/specs\.apollo\.dev\/join\/v0\.[3-5]$/), for: 'EXECUTION' });
    for (const { url } of linked.slice(1)) expect([url, ROUTER_SUPPORTED_SUPERGRAPH_FEATURES.has(url)]).toEqual([url, true]);
    expect(isFed1Supergraph(loadAsRouter(sdl).schema)).toBe(false);
  });

  it('loads and validates with the router’s feature set; its join__Graph names the seven subgraphs', () => {
    const supergraph = loadAsRouter(sdl);
    const names = supergraph.subgraphsMetadata().map((s) => s.name);
    expect(names.sort()).toEqual([...SUBGRAPH_NAMES].sort());
    // Every subgraph's own schema can be extracted back from the join directives (what query planning relies on).
    const extracted = supergraph.subgraphs();
    expect([...extracted.names()].sort()).toEqual([...SUBGRAPH_NAMES].sort());
    for (const name of SUBGRAPH_NAMES) expect(extracted.get(name)!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
  });

  it('the check is not vacuous: an unsupported feature or join version is refused', () => {
    const unknownFeature = sdl.replace(`@link(url: "${LINK}")`, `@link(url: "${LINK}")\n  @link(url: "https://specs.apollo.dev/unknown/v0.1", for: EXECUTION)`);
    expect(() => loadAsRouter(unknownFeature)).toThrow(/unknown\/v0\.1/);
    const futureJoin = sdl.replace(/join\/v0\.\d/, 'join/v9.9');
    expect(() => loadAsRouter(futureJoin)).toThrow();
  });
});

describe('infra/router/router.yaml', () => {
  const config = parseYaml(readFileSync(join(INFRA, 'router', 'router.yaml'), 'utf8'));
  const graphNames = [...loadAsRouter(readCommittedSupergraph()).subgraphNameToGraphEnumValue().keys()];

  it('serves /graphql on port 4000 like the gateway, introspection off, health check on', () => {
    expect(config.supergraph).toMatchObject({ listen: '0.0.0.0:4000', path: '/graphql', introspection: false });
    expect(config.health_check).toMatchObject({ enabled: true });
  });

  it('passes Authorization and x-request-id on to every subgraph', () => {
    const rules = config.headers.all.request as { propagate?: { named?: string } }[];
    const propagated = rules.map((r) => r.propagate?.named?.toLowerCase());
    expect(propagated).toEqual(expect.arrayContaining(['authorization', 'x-request-id']));
  });

  it('overrides the URL of every subgraph of the supergraph: <NAME>_URL, else its Kubernetes Service', () => {
    expect(Object.keys(config.override_subgraph_url).sort()).toEqual([...graphNames].sort());
    const cgpConfig = kustomizeBuild(K8S_BASE).resources.find((r) => r.kind === 'ConfigMap' && r.metadata.name === 'cgp-config')!;
    for (const name of graphNames) {
      const variable = `${name.toUpperCase()}_URL`;
      expect(config.override_subgraph_url[name]).toBe(`\${env.${variable}:-${cgpConfig.data[variable]}}`);
    }
  });

  it('keeps the subgraphs’ coded errors, and the gateway’s timeout and token limit', () => {
    expect(config.include_subgraph_errors).toEqual({ all: true });
    expect(config.traffic_shaping.all.timeout).toBe(`${subgraphFetchFromEnvironment({}).timeoutMs / 1000}s`);
    expect(config.limits.parser_max_tokens).toBe(limitsFromEnvironment({}).maxTokens);
  });

  it('infra/README.md shows how to run it', () => {
    const readme = readFileSync(join(INFRA, 'README.md'), 'utf8');
    expect(readme).toContain('--config infra/router/router.yaml');
    expect(readme).toContain('--supergraph gateway/supergraph.graphql');
  });
});
