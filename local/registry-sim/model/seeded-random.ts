/**
 * A small seeded generator (mulberry32): the same seed gives the same sequence, so that fault
 * injection and generated registries are reproducible run after run.
 */
export type RandomSource = () => number;

export function createSeededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Derives an independent seed for a named stream, so that streams do not disturb each other. */
export function deriveSeed(seed: number, stream: string): number {
  let hash = seed >>> 0 || 1;
  for (let i = 0; i < stream.length; i++) {
    hash = Math.imul(hash ^ stream.charCodeAt(i), 0x01000193) >>> 0;
  }
  return hash;
}
