import { createHash } from 'node:crypto';

/** mulberry32: a small, fast, seeded PRNG, so the same seed always gives the same city. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** A generator that continues from this one's state (this one is left as it is). */
  clone(): Random {
    const copy = new Random(0);
    copy.state = this.state;
    return copy;
  }
  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

/** A stable UUID derived from a name (same name, same id, on every machine). */
export function stableId(...parts: (string | number)[]): string {
  const h = createHash('sha1').update(parts.join('/')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

/** Splits `total` into `parts` positive integers that differ by at most one, in random order. */
export function spread(random: Random, total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  const counts = Array.from({ length: parts }, () => base);
  let rest = total - base * parts;
  while (rest > 0) {
    const i = random.int(0, parts - 1);
    if (counts[i] === base) {
      counts[i]++;
      rest--;
    }
  }
  return counts;
}
