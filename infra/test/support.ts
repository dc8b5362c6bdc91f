import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { DEFAULT_PORTS, SUBGRAPH_NAMES } from '@cgp/core';

/** Helpers shared by the infra tests: the repository's layout and an offline `kustomize build`. */

export const ROOT = resolve(__dirname, '..', '..');
export const INFRA = join(ROOT, 'infra');
export const K8S_BASE = join(INFRA, 'k8s', 'base');
export const K8S_OVERLAY = join(INFRA, 'k8s', 'overlays', 'example');

/** Every service that runs as its own process: the gateway and the seven subgraphs, with their ports. */
export const SERVICES = (['gateway', ...SUBGRAPH_NAMES] as const).map((name) => ({ name, port: DEFAULT_PORTS[name] }));

/** The file the image runs for a service (the Dockerfile copies it from the `tsc -b` output). */
export function mainFile(service: string): string {
  return service === 'gateway' ? 'gateway/dist/main.js' : `subgraphs/${service}/dist/main.js`;
}

/** The subgraphs owning units of the five tiers (core peer.ts, existingUnitCodes). */
const UNIT_OWNERS = ['district', 'street', 'community', 'grid', 'building'];

/**
 * Who calls which subgraph besides the gateway, read from the subgraphs' sources: every
 * `callPeer<...>(ctx, '<target>'` and unit lookup in subgraphs/<caller>/src, and every subgraph's
 * checks of its callers. Returns `<caller>→<target>` pairs.
 */
export function peerCalls(): Set<string> {
  const edges = new Set<string>();
  const walk = (dir: string, caller: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path, caller);
      else if (path.endsWith('.ts')) {
        const text = readFileSync(path, 'utf8');
        for (const m of text.matchAll(/callPeer\s*(?:<[^(]*>)?\s*\(\s*\w+\s*,\s*'([a-z]+)'/g)) edges.add(`${caller}→${m[1]}`);
        // Unit lookups by code (core peer.ts) ask the subgraph owning each tier; a unit registry (core
        // unit-registry.ts) asks its parent's subgraph and its children's.
        if (/\b(existingUnitCodes|unitRegistry)\(/.test(text)) for (const owner of UNIT_OWNERS) if (owner !== caller) edges.add(`${caller}→${owner}`);
      }
    }
  };
  for (const name of SUBGRAPH_NAMES) {
    walk(join(ROOT, 'subgraphs', name, 'src'), name);
    // Every subgraph checks the callers it serves (core service.ts): partner tokens made from an API key
    // with the pairing subgraph, staff tokens against their appointments with the district subgraph.
    for (const checker of ['pairing', 'district']) if (name !== checker) edges.add(`${name}→${checker}`);
  }
  return edges;
}

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: any;
};

/** Every YAML document of a file (empty documents skipped); throws on any YAML error. */
export function readYamlDocuments(path: string): unknown[] {
  const docs = parseAllDocuments(readFileSync(path, 'utf8'));
  const out: unknown[] = [];
  for (const doc of docs) {
    if (doc.errors.length) throw new Error(`${relative(ROOT, path)}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJS();
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

export function readYaml(path: string, options: { merge?: boolean } = {}): unknown {
  return parseYaml(readFileSync(path, 'utf8'), { merge: options.merge ?? false, prettyErrors: true });
}

const KUSTOMIZATION_FIELDS = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'images', 'configMapGenerator', 'labels', 'patches', 'components']);

interface ConfigMapGenerator {
  name: string;
  behavior?: 'create' | 'merge' | 'replace';
  files?: string[];
  literals?: string[];
}

export interface KustomizeResult {
  resources: K8sObject[];
  /** Every file the build read, relative to the repository. */
  files: string[];
}

/**
 * What `kustomize build DIR` does with the features these manifests use, offline: resources (files
 * and directories), configMapGenerator (files, literals; create and merge), namespace and images.
 * Throws, as kustomize would, on an unknown field, a missing file or a file outside the directory.
 * (Generated names get no hash suffix here; references are checked by name.)
 */
export function kustomizeBuild(dir: string): KustomizeResult {
  const path = join(dir, 'kustomization.yaml');
  if (!existsSync(path)) throw new Error(`${relative(ROOT, dir)} has no kustomization.yaml`);
  const k = readYaml(path) as Record<string, unknown>;
  for (const key of Object.keys(k)) if (!KUSTOMIZATION_FIELDS.has(key)) throw new Error(`${relative(ROOT, path)}: unknown field ${key}`);
  if (k.apiVersion !== 'kustomize.config.k8s.io/v1beta1' || k.kind !== 'Kustomization') throw new Error(`${relative(ROOT, path)}: not a Kustomization`);
  const files = [relative(ROOT, path)];
  const resources: K8sObject[] = [];
  const inside = (file: string) => {
    const full = resolve(dir, file);
    if (relative(dir, full).startsWith('..'))
      throw new Error(`${relative(ROOT, path)}: ${file} is outside the kustomization's directory (kustomize refuses it)`);
    if (!existsSync(full)) throw new Error(`${relative(ROOT, path)}: ${file} does not exist`);
    return full;
  };
  for (const entry of (k.resources as string[] | undefined) ?? []) {
    const full = resolve(dir, entry);
    if (!existsSync(full)) throw new Error(`${relative(ROOT, path)}: resource ${entry} does not exist`);
    if (statSync(full).isDirectory()) {
      const sub = kustomizeBuild(full);
      resources.push(...sub.resources);
      files.push(...sub.files);
    } else {
      files.push(relative(ROOT, full));
      for (const doc of readYamlDocuments(full)) resources.push(doc as K8sObject);
    }
  }
  for (const gen of (k.configMapGenerator as ConfigMapGenerator[] | undefined) ?? []) {
    const data: Record<string, string> = {};
    for (const file of gen.files ?? []) {
      const [key, source] = file.includes('=') ? file.split('=', 2) : [file.split('/').pop()!, file];
      const full = inside(source);
      files.push(relative(ROOT, full));
      data[key] = readFileSync(full, 'utf8');
    }
    for (const literal of gen.literals ?? []) {
      const at = literal.indexOf('=');
      if (at <= 0) throw new Error(`${relative(ROOT, path)}: literal ${literal} is not KEY=VALUE`);
      data[literal.slice(0, at)] = literal.slice(at + 1);
    }
    const existing = resources.find((r) => r.kind === 'ConfigMap' && r.metadata.name === gen.name);
    const behavior = gen.behavior ?? 'create';
    if (behavior === 'create') {
      if (existing) throw new Error(`${relative(ROOT, path)}: ConfigMap ${gen.name} already exists (use behavior: merge)`);
      resources.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: gen.name }, data });
    } else {
      if (!existing) throw new Error(`${relative(ROOT, path)}: ConfigMap ${gen.name} to ${behavior} does not exist`);
      existing.data = behavior === 'merge' ? { ...existing.data, ...data } : data;
    }
  }
  if (typeof k.namespace === 'string') {
    for (const r of resources) if (r.kind !== 'Namespace') r.metadata.namespace = k.namespace;
  }
  for (const image of (k.images as { name: string; newName?: string; newTag?: string }[] | undefined) ?? []) {
    for (const r of resources) {
      for (const c of podSpec(r)?.containers ?? []) {
        const [name, tag] = splitImage(c.image);
        if (name === image.name) c.image = `${image.newName ?? name}${image.newTag ? `:${image.newTag}` : tag ? `:${tag}` : ''}`;
      }
    }
  }
  return { resources, files: [...new Set(files)] };
}

function splitImage(image: string): [string, string | undefined] {
  const at = image.lastIndexOf(':');
  return at > image.lastIndexOf('/') ? [image.slice(0, at), image.slice(at + 1)] : [image, undefined];
}

/** The pod spec of a workload (Deployment, Job, ...), if it has one. */

export function podSpec(r: K8sObject): any {
  return r.spec?.template?.spec;
}

/** The directory of a file relative to the repository, for messages. */
export function where(path: string): string {
  return relative(ROOT, dirname(path));
}
