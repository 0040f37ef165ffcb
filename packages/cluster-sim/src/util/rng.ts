/** Small deterministic random helpers (no global state). */

/** 32-bit FNV-1a hash of a string. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Mixes integers into a 32-bit seed (order-sensitive). */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h ^= Math.imul(((p | 0) ^ (p / 4294967296)) | 0, 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** A seeded uniform generator in [0, 1) (mulberry32). */
export type Rng = () => number;

export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform in [0,1) that depends only on (seed, index): pure, order-independent. */
export function uniformAt(seed: number, index: number): number {
  return createRng(mixSeed(seed, index))();
}

/** A standard normal that depends only on (seed, index) (Box-Muller). */
export function normalAt(seed: number, index: number): number {
  const rng = createRng(mixSeed(seed, index));
  const u1 = Math.max(rng(), 1e-12);
  const u2 = rng();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** A short lowercase alphanumeric suffix like Kubernetes' generated names (no vowels). */
export function randomSuffix(rng: Rng, length = 5): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let i = 0; i < length; i++)
    s += alphabet[Math.floor(rng() * alphabet.length)];
  return s;
}
