import { LRUCache } from 'lru-cache';
import type { Identity } from './auth/identity';
import { pathOfCode } from './tier';

/**
 * A short-lived, per-process cache of dashboard figures (statistics, trends, rankings), so a district
 * dashboard that many people keep open does not re-aggregate years of records on every refresh.
 *
 * - **Never another scope's numbers.** An entry's key holds everything row-level security and the
 *   statistics statements see of the caller (kind, unit path, partner organisation and communities),
 *   the figure's name with its arguments (period, metric, page size) and the unit's code. Two callers
 *   share an entry only when the database would show them the same rows.
 * - **Invalidated by writes.** A mutation committed in this process evicts every entry whose unit
 *   overlaps the writer's subtree (the unit is above it or inside it): row-level security keeps a
 *   caller's writes inside that subtree. A computation that overlapped an eviction is not stored
 *   (it may have read rows from before the write).
 * - **Short-lived.** Entries expire after `ttlMs`, which bounds how stale a figure can be when the
 *   write happened elsewhere (another replica, the import command) or the figure depends on the
 *   clock ("overdue now").
 */
export class FiguresCache {
  private readonly entries?: LRUCache<string, { unitPath: string; value: NonNullable<unknown> }>;
  /** Computations under way, by entry key, with the generation they started in. */
  private readonly inflight = new Map<string, { generation: number; value: Promise<unknown> }>();
  /** Bumped by every eviction: a computation that started before it may hold old rows. */
  private generation = 0;

  constructor(
    readonly ttlMs: number,
    max = 20_000,
    /** Told the hits and misses of every lookup (the subgraph's /metrics counts them). */
    private readonly observe?: (hits: number, misses: number) => void,
  ) {
    if (ttlMs > 0) this.entries = new LRUCache({ max, ttl: ttlMs, ttlAutopurge: false });
  }

  get enabled(): boolean {
    return this.entries !== undefined;
  }

  /** The part of the key that stands for what the caller may see. */
  static scopeKey(identity: Identity): string {
    return [identity.kind, identity.unitPath ?? '', identity.org ?? '', [...identity.communities].sort().join(',')].join('\u0001');
  }

  /**
   * Figures of `codes` for `name`: cached ones from the cache; ones another request is computing
   * right now (since the last eviction) from that computation; the rest from `compute` (one call for
   * all of them, as a DataLoader batch), stored unless a write was committed meanwhile. So ten
   * dashboards opened together after a write cost one aggregate, not ten.
   */
  async load<V>(
    scope: string,
    name: string,
    codes: readonly string[],
    compute: (codes: readonly string[]) => Promise<ArrayLike<V | Error>>,
  ): Promise<(V | Error)[]> {
    if (!this.entries) return Array.from(await compute(codes));
    const key = (code: string) => `${scope}\u0000${name}\u0000${code}`;
    const answers: (V | Error | undefined)[] = codes.map((code) => this.entries!.get(key(code))?.value as V | undefined);
    const generation = this.generation;
    const joined: { index: number; value: Promise<unknown> }[] = [];
    const own: string[] = [];
    codes.forEach((code, index) => {
      if (answers[index] !== undefined) return;
      const running = this.inflight.get(key(code));
      if (running && running.generation === generation) joined.push({ index, value: running.value });
      else own.push(code);
    });
    this.observe?.(codes.length - own.length, own.length);
    if (own.length) {
      const computing = compute(own);
      own.forEach((code, i) => {
        const k = key(code);
        const entry = { generation, value: computing.then((all) => all[i]) };
        this.inflight.set(k, entry);
        entry.value
          .then(
            () => undefined,
            () => undefined,
          )
          .finally(() => {
            if (this.inflight.get(k) === entry) this.inflight.delete(k);
          });
      });
      const computed = await computing;
      const store = generation === this.generation;
      own.forEach((code, i) => {
        const value = computed[i];
        answers[codes.indexOf(code)] = value;
        if (store && value !== undefined && value !== null && !(value instanceof Error))
          this.entries!.set(key(code), { unitPath: pathOfCode(code), value: value });
      });
    }
    for (const { index, value } of joined) {
      try {
        answers[index] = (await value) as V;
      } catch {
        // The request that computed it failed (its transaction, say): this one computes its own.
        answers[index] = (await compute([codes[index]]))[0];
      }
    }
    return answers as (V | Error)[];
  }

  /**
   * Evicts what a committed write by `identity` may have changed: entries of units above or inside
   * the writer's subtree (or of its partner communities); everything when the writer has neither.
   */
  invalidateFor(identity: Identity): void {
    if (!this.entries) return;
    this.generation++;
    const subtrees = identity.unitPath ? [identity.unitPath] : identity.communities.map(pathOfCode);
    if (!subtrees.length) {
      this.entries.clear();
      return;
    }
    const overlaps = (unit: string) => subtrees.some((s) => unit === s || s.startsWith(`${unit}.`) || unit.startsWith(`${s}.`));
    for (const [key, entry] of this.entries.entries()) {
      if (overlaps(entry.unitPath)) this.entries.delete(key);
    }
  }

  clear(): void {
    this.generation++;
    this.entries?.clear();
  }
}
