import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { SUBGRAPH_NAMES } from '@cgp/core';
import { readCommittedSupergraph } from '@cgp/gateway';
import { INFRA, K8S_BASE, K8S_OVERLAY, kustomizeBuild, peerCalls, podSpec, ROOT, SERVICES, type K8sObject } from './support';

/**
 * The Kubernetes manifests, validated offline: every object against the Kubernetes JSON schemas
 * bundled in the kubernetes-models package, and strictly (no unknown field anywhere) against the
 * kubernetes-types definitions by the TypeScript compiler; then what the platform needs of them.
 */

const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Service': Service,
};

/** kubernetes-types module and type name for each kind the manifests use. */
const TYPES: Record<string, [string, string]> = {
  'apps/v1/Deployment': ['kubernetes-types/apps/v1', 'Deployment'],
  'autoscaling/v2/HorizontalPodAutoscaler': ['kubernetes-types/autoscaling/v2', 'HorizontalPodAutoscaler'],
  'batch/v1/Job': ['kubernetes-types/batch/v1', 'Job'],
  'networking.k8s.io/v1/NetworkPolicy': ['kubernetes-types/networking/v1', 'NetworkPolicy'],
  'policy/v1/PodDisruptionBudget': ['kubernetes-types/policy/v1', 'PodDisruptionBudget'],
  'v1/ConfigMap': ['kubernetes-types/core/v1', 'ConfigMap'],
  'v1/Namespace': ['kubernetes-types/core/v1', 'Namespace'],
  'v1/Service': ['kubernetes-types/core/v1', 'Service'],
};

const typeKey = (r: K8sObject) => `${r.apiVersion}/${r.kind}`;
const label = (r: K8sObject) => `${r.kind}/${r.metadata?.name}`;

/**
 * Type-checks every object as a literal of its kubernetes-types type: TypeScript's excess-property
 * check refuses any field Kubernetes does not know (a misspelt `livenessprobe` or `replicaz`, which
 * a JSON schema without additionalProperties lets through), and wrong types or missing required
 * fields. One compilation for all groups; the errors come back as `<group> <Kind/name>: <message>`.
 */
function strictTypeErrors(groups: Record<string, K8sObject[]>): string[] {
  const file = join(INFRA, 'test', '__manifests_typecheck__.ts');
  const imports = new Map<string, string>();
  const lines: string[] = [];
  for (const [group, resources] of Object.entries(groups)) {
    resources.forEach((r, i) => {
      const [module, type] = TYPES[typeKey(r)];
      if (!imports.has(module)) imports.set(module, `m${imports.size}`);
      lines.push(`// ${group} ${label(r)}\nexport const ${group}_${i}: ${imports.get(module)}.${type} = ${JSON.stringify(r, null, 1)};`);
    });
  }
  const source = [...[...imports].map(([module, alias]) => `import type * as ${alias} from '${module}';`), ...lines].join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    types: [],
    lib: ['lib.es5.d.ts'],
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) => (name === file ? ts.createSourceFile(name, source, version) : getSourceFile(name, version, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  const sourceLines = source.split('\n');
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return text;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    const owner = sourceLines
      .slice(0, line + 1)
      .reverse()
      .find((l) => l.startsWith('// '));
    return `${owner?.slice(3) ?? d.file.fileName}: ${text}`;
  });
}

const BUILDS = { base: kustomizeBuild(K8S_BASE), overlay: kustomizeBuild(K8S_OVERLAY) };

/** The strict check of both builds, plus a gateway Deployment with one misspelt field (the check must catch it). */
let strictErrors: string[];
beforeAll(() => {
  const mutant = structuredClone(BUILDS.base.resources.find((r) => r.kind === 'Deployment' && r.metadata.name === 'cgp-gateway')!);
  podSpec(mutant).containers[0].livenessprobe = podSpec(mutant).containers[0].livenessProbe;
  strictErrors = strictTypeErrors({ base: BUILDS.base.resources, overlay: BUILDS.overlay.resources, mutant: [mutant] });
});

describe.each([
  ['base', K8S_BASE],
  ['overlay', K8S_OVERLAY],
] as const)('Kubernetes manifests (%s)', (group, dir) => {
  const { resources, files } = BUILDS[group];
  const find = (kind: string, name: string) => resources.find((r) => r.kind === kind && r.metadata.name === name);

  it('every object is a kind the validators know, valid against the Kubernetes JSON schemas', () => {
    expect(resources.length).toBeGreaterThan(30);
    const problems: string[] = [];
    for (const r of resources) {
      const Model = MODELS[typeKey(r)];
      if (!Model) {
        problems.push(`${label(r)}: no schema for ${typeKey(r)} (add it to MODELS and TYPES)`);
        continue;
      }
      try {
        new Model(r).validate();
      } catch (error) {
        problems.push(`${label(r)}: ${(error as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('every object passes the strict check: no field Kubernetes does not know, no wrong type', () => {
    expect(strictErrors.filter((e) => e.startsWith(`${group} `))).toEqual([]);
  });

  it('the checks are not vacuous: a misspelt field and a wrong type are caught', () => {
    const caught = strictErrors.filter((e) => e.startsWith('mutant '));
    expect(caught).toHaveLength(1);
    expect(caught[0]).toContain('livenessprobe');
    const deployment = find('Deployment', 'cgp-gateway')!;
    expect(() => new Deployment({ ...deployment, spec: { ...deployment.spec, replicas: 'two' } }).validate()).toThrow(/replicas/);
  });

  it('names are unique per kind, and every YAML file of the folder is part of the build', () => {
    const keys = resources.map((r) => `${r.kind}/${r.metadata.namespace ?? ''}/${r.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    const yamlFiles = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml');
    for (const f of yamlFiles) expect(files).toContain(relative(ROOT, join(dir, f)));
  });

  it.each(SERVICES)('$name: a Deployment with probes on /health and /ready, resources, a Service, an autoscaler and a disruption budget', ({ name, port }) => {
    const deployment = find('Deployment', `cgp-${name}`)!;
    expect(deployment).toBeDefined();
    const pod = podSpec(deployment);
    const labels = deployment.spec.template.metadata.labels;
    expect(labels).toMatchObject({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'cgp' });
    expect(Object.entries(deployment.spec.selector.matchLabels).every(([k, v]) => labels[k] === v)).toBe(true);
    // The HorizontalPodAutoscaler owns the replica count.
    expect(deployment.spec.replicas).toBeUndefined();

    expect(pod.containers).toHaveLength(1);
    const [c] = pod.containers;
    expect(c.args).toEqual(['serve']);
    const env = Object.fromEntries((c.env ?? []).map((e: { name: string; value?: string }) => [e.name, e.value]));
    // /metrics is on the operations port (the service's port + 100), which Prometheus scrapes per pod.
    expect(env).toMatchObject({ SERVICE: name, PORT: String(port), METRICS_PORT: String(port + 100) });
    expect(c.ports).toEqual([
      { name: 'http', containerPort: port, protocol: 'TCP' },
      { name: 'metrics', containerPort: port + 100, protocol: 'TCP' },
    ]);
    expect(deployment.spec.template.metadata.annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': String(port + 100),
      'prometheus.io/path': '/metrics',
    });
    for (const [probe, path] of [
      ['livenessProbe', '/health'],
      ['readinessProbe', '/ready'],
      ['startupProbe', '/health'],
    ] as const) {
      expect(c[probe]?.httpGet).toEqual({ path, port: 'http' });
    }
    for (const kind of ['requests', 'limits'] as const) {
      expect(c.resources?.[kind]?.cpu).toBeDefined();
      expect(c.resources?.[kind]?.memory).toBeDefined();
    }
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
    // Graceful shutdown: the pod gets time to finish in-flight requests after SIGTERM.
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30);

    const service = find('Service', `cgp-${name}`)!;
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    // Only the public port: nothing routed through a Service reaches /metrics.
    expect(service.spec.ports).toEqual([{ name: 'http', port, targetPort: 'http', protocol: 'TCP' }]);

    const hpa = find('HorizontalPodAutoscaler', `cgp-${name}`)!;
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: `cgp-${name}` });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
    expect(hpa.spec.metrics.some((m: { resource?: { name: string } }) => m.resource?.name === 'cpu')).toBe(true);

    const pdb = find('PodDisruptionBudget', `cgp-${name}`)!;
    expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
  });

  it('the gateway mounts the supergraph ConfigMap where the image keeps the supergraph, and it is the committed one', () => {
    const pod = podSpec(find('Deployment', 'cgp-gateway')!);
    const volume = pod.volumes.find((v: { configMap?: { name: string } }) => v.configMap?.name === 'cgp-supergraph');
    expect(volume).toBeDefined();
    const mount = pod.containers[0].volumeMounts.find((m: { name: string }) => m.name === volume.name);
    // The image's WORKDIR is /app and the gateway reads gateway/supergraph.graphql (gateway/src/compose.ts).
    expect(mount).toMatchObject({ mountPath: '/app/gateway/supergraph.graphql', subPath: 'supergraph.graphql', readOnly: true });
    const configMap = find('ConfigMap', 'cgp-supergraph')!;
    expect(configMap.data['supergraph.graphql']).toBe(readCommittedSupergraph());
  });

  it('every service finds each subgraph through its Service (cgp-config <NAME>_URL)', () => {
    const config = find('ConfigMap', 'cgp-config')!;
    for (const name of SUBGRAPH_NAMES) {
      const url = new URL(config.data[`${name.toUpperCase()}_URL`]);
      const service = find('Service', url.hostname)!;
      expect(service?.metadata.labels?.['app.kubernetes.io/name']).toBe(name);
      expect(Number(url.port)).toBe(service.spec.ports[0].port);
      expect(url.pathname).toBe('/graphql');
    }
    for (const d of resources.filter((r) => r.kind === 'Deployment')) {
      expect(podSpec(d).containers[0].envFrom).toContainEqual({ configMapRef: { name: 'cgp-config' } });
    }
    // The services listen on 127.0.0.1 by default (packages/core/src/http.ts): in a pod, on every address.
    expect(['0.0.0.0', '::']).toContain(config.data.HOST);
  });

  it('secrets are referenced, never committed, and each is documented in secrets.example.env', () => {
    expect(resources.filter((r) => r.kind === 'Secret')).toEqual([]);
    const referenced = new Set<string>();
    for (const r of resources) {
      for (const c of podSpec(r)?.containers ?? []) {
        for (const from of c.envFrom ?? []) if (from.secretRef) referenced.add(from.secretRef.name);
        for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef) referenced.add(e.valueFrom.secretKeyRef.name);
      }
    }
    expect([...referenced].sort()).toEqual(['cgp-auth', 'cgp-database-app', 'cgp-database-owner']);
    const documented = readFileSync(join(INFRA, 'k8s', 'secrets.example.env'), 'utf8');
    for (const name of referenced) expect(documented).toContain(`--- ${name} `);
    // Only the migration Job sees the database owner's credentials.
    const owners = resources.filter((r) =>
      podSpec(r)?.containers.some((c: { envFrom?: { secretRef?: { name: string } }[] }) => c.envFrom?.some((f) => f.secretRef?.name === 'cgp-database-owner')),
    );
    expect(owners.map(label)).toEqual(['Job/cgp-migrate']);
  });

  it('one migration Job runs every subgraph’s migrations once, in one pod, before the services', () => {
    const jobs = resources.filter((r) => r.kind === 'Job');
    expect(jobs.map(label)).toEqual(['Job/cgp-migrate']);
    const [job] = jobs;
    expect(job.spec).toMatchObject({ parallelism: 1, completions: 1 });
    expect(job.metadata.labels?.['app.kubernetes.io/component']).toBe('migration');
    expect(job.metadata.annotations?.['argocd.argoproj.io/hook']).toBe('PreSync');
    const pod = podSpec(job);
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.containers).toHaveLength(1);
    expect(pod.containers[0].args).toEqual(['migrate', ...SUBGRAPH_NAMES]);
    expect(pod.containers[0].image).toBe(podSpec(find('Deployment', 'cgp-gateway')!).containers[0].image);
    // No service migrates on start (several replicas would race).
    for (const d of resources.filter((r) => r.kind === 'Deployment')) expect(podSpec(d).containers[0].args).toEqual(['serve']);
    // deploy.sh applies the Job alone by this label, waits for it, then the rest.
    const deploy = readFileSync(join(INFRA, 'k8s', 'deploy.sh'), 'utf8');
    expect(deploy).toContain("MIGRATION='app.kubernetes.io/component=migration'");
    expect(deploy.indexOf('-l "$MIGRATION"')).toBeLessThan(deploy.indexOf('-l "app.kubernetes.io/component!=migration"'));
  });

  describe('network policies', () => {
    const policies = resources.filter((r) => r.kind === 'NetworkPolicy');
    const matches = (selector: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } | undefined, labels: Record<string, string>) => {
      if (selector?.matchExpressions?.length) throw new Error('matchExpressions are not evaluated by this test');
      return Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
    };
    const podLabels = (name: string) => find('Deployment', `cgp-${name}`)!.spec.template.metadata.labels as Record<string, string>;

    /** Whether a pod with `from` labels, in the same namespace, may open a connection to `to`'s port (NetworkPolicy semantics). */
    function admits(from: Record<string, string>, to: string): boolean {
      const target = podLabels(to);
      const selecting = policies.filter((p) => (p.spec.policyTypes ?? ['Ingress']).includes('Ingress') && matches(p.spec.podSelector, target));
      if (selecting.length === 0) return true;
      return selecting.some((p) =>
        (p.spec.ingress ?? []).some(
          (rule: { from?: { podSelector?: never; namespaceSelector?: unknown; ipBlock?: unknown }[]; ports?: { port: unknown }[] }) => {
            const portOk = !rule.ports || rule.ports.some((port) => port.port === 'http' || port.port === SERVICES.find((s) => s.name === to)!.port);
            const fromOk = !rule.from || rule.from.some((peer) => !peer.namespaceSelector && !peer.ipBlock && matches(peer.podSelector, from));
            return portOk && fromOk;
          },
        ),
      );
    }

    it('only the gateway reaches a subgraph, plus the subgraphs that call it on the caller’s behalf (read from the code)', () => {
      const calls = peerCalls();
      // The calls that exist today: building reports cases to grid, community checks party members.
      expect(calls.size).toBeGreaterThan(0);
      for (const target of SUBGRAPH_NAMES) {
        expect(admits(podLabels('gateway'), target)).toBe(true);
        for (const source of SUBGRAPH_NAMES) {
          if (source === target) continue;
          expect([`${source}→${target}`, admits(podLabels(source), target)]).toEqual([`${source}→${target}`, calls.has(`${source}→${target}`)]);
        }
        // Any other pod of the namespace, or of another one, is refused.
        expect(admits({ app: 'debug-shell' }, target)).toBe(false);
        expect(admits({ 'app.kubernetes.io/part-of': 'cgp' }, target)).toBe(false);
      }
    });

    it('the operations port (metrics) of every pod is open to the monitoring namespace only', () => {
      for (const { name } of SERVICES) {
        const rules = policies
          .filter((p) => matches(p.spec.podSelector, podLabels(name)))
          .flatMap((p) => p.spec.ingress ?? [])
          .filter((rule: { ports?: { port: unknown }[] }) => !rule.ports || rule.ports.some((port) => port.port === 'metrics'));
        expect([name, rules]).toEqual([
          name,
          [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 'metrics', protocol: 'TCP' }] }],
        ]);
      }
      // The services bind their operations port to 127.0.0.1 unless METRICS_HOST says otherwise: Prometheus could not reach it.
      expect(['0.0.0.0', '::']).toContain(find('ConfigMap', 'cgp-config')!.data.METRICS_HOST);
    });

    it('the gateway takes traffic from anywhere; nothing selects a subgraph with an open rule', () => {
      expect(admits({ app: 'ingress-nginx' }, 'gateway')).toBe(true);
      for (const p of policies) {
        if (matches(p.spec.podSelector, podLabels('gateway')) && p.metadata.name !== 'cgp-default-deny-ingress') continue;
        for (const rule of p.spec.ingress ?? []) expect(rule.from?.length).toBeGreaterThan(0);
      }
    });
  });
});

describe('the supergraph ConfigMap source', () => {
  it('infra/k8s/base/supergraph.graphql is the committed gateway/supergraph.graphql (run `node gateway/dist/compose.js` when it is not)', () => {
    expect(readFileSync(join(K8S_BASE, 'supergraph.graphql'), 'utf8')).toBe(readCommittedSupergraph());
  });
});
