import { join } from 'node:path';
import { configProblems, VARIABLE_NAMES, type ServiceId } from '@cgp/core';
import { INFRA, K8S_BASE, K8S_OVERLAY, kustomizeBuild, podSpec, readYaml } from './support';

/** Variables the deployment sets for the image's entrypoint (infra/docker/entrypoint.sh) or for PostgreSQL, not for the services. */
const NOT_SERVICE_SETTINGS = new Set(['SERVICE', 'APP_DIR', 'POSTGRES_USER', 'POSTGRES_DB', 'POSTGRES_PASSWORD']);
const DECLARED = new Set<string>(VARIABLE_NAMES);

/** Only the variables given, nothing else: a problem found is one the deployment causes. */
function problemsOf(env: Record<string, string>, service: ServiceId): string[] {
  // Secrets come from a Secret (Kubernetes) or infra/.env (compose): checked where they are set, not here.
  const rules = /^No way to verify tokens|^No database configured/;
  return configProblems(env, service).filter((p) => !rules.test(p));
}

/**
 * What the deployment files set is what the services read: every variable a manifest or the compose
 * file gives a service is declared in the configuration (a renamed or misspelt one would be silently
 * ignored), and every value it gives passes the service's checks at start.
 */
describe('deployment settings and the configuration', () => {
  for (const [label, dir] of [
    ['k8s base', K8S_BASE],
    ['k8s example overlay', K8S_OVERLAY],
  ] as const) {
    it(`${label}: every variable is declared and every value valid for the service it runs`, () => {
      const { resources } = kustomizeBuild(dir);
      const configMaps = new Map(resources.filter((r) => r.kind === 'ConfigMap').map((r) => [r.metadata.name, r.data as Record<string, string>]));
      let checked = 0;
      for (const r of resources) {
        for (const c of podSpec(r)?.containers ?? []) {
          const env: Record<string, string> = {};
          for (const from of c.envFrom ?? []) if (from.configMapRef) Object.assign(env, configMaps.get(from.configMapRef.name));
          for (const e of c.env ?? []) if (typeof e.value === 'string') env[e.name] = e.value;
          const undeclared = Object.keys(env).filter((n) => !DECLARED.has(n) && !NOT_SERVICE_SETTINGS.has(n));
          expect({ workload: r.metadata.name, undeclared }).toEqual({ workload: r.metadata.name, undeclared: [] });
          const service = (r.kind === 'Job' ? 'migrations' : env.SERVICE) as ServiceId;
          expect({ workload: r.metadata.name, problems: problemsOf(env, service) }).toEqual({ workload: r.metadata.name, problems: [] });
          checked++;
        }
      }
      // The gateway, seven subgraphs and the migrations job.
      expect(checked).toBe(9);
    });
  }

  it('docker-compose: every variable is declared and every default value valid for the service it runs', () => {
    const compose = readYaml(join(INFRA, 'docker-compose.yml'), { merge: true }) as {
      services: Record<string, { environment?: Record<string, string | number>; command?: string[] }>;
    };
    let checked = 0;
    for (const [name, service] of Object.entries(compose.services)) {
      if (name === 'postgres') continue;
      const env: Record<string, string> = {};
      // `${X:-default}` as compose gives it without infra/.env; `${X:?message}` must be set there: a stand-in.
      for (const [key, raw] of Object.entries(service.environment ?? {})) {
        env[key] = String(raw)
          .replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')
          .replace(/\$\{[A-Z_]+:\?[^}]*\}/g, 'set-in-infra-env-file');
      }
      const undeclared = Object.keys(env).filter((n) => !DECLARED.has(n) && !NOT_SERVICE_SETTINGS.has(n));
      expect({ service: name, undeclared }).toEqual({ service: name, undeclared: [] });
      const id = (name === 'migrate' ? 'migrations' : (env.SERVICE ?? name)) as ServiceId;
      expect({ service: name, problems: problemsOf(env, id) }).toEqual({ service: name, problems: [] });
      checked++;
    }
    expect(checked).toBe(9);
  });
});
