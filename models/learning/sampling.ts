/** Seeded sampling for training and evaluation splits: the same seed gives the same rows in every run. */
import { seededRandom } from "./random";

export { seededRandom };

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function groupIndices<T>(items: readonly T[], key: (item: T) => string): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  items.forEach((item, i) => {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(i);
    else groups.set(k, [i]);
  });
  return groups;
}

/** Stratified split: per label, a seeded shuffle, the first `testFraction` (rounded) to test. Returns indices. */
export function stratifiedSplit<T>(
  items: readonly T[],
  key: (item: T) => string,
  testFraction: number,
  seed: number,
): { train: number[]; test: number[] } {
  const random = seededRandom(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const indices of [...groupIndices(items, key).entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v)) {
    const order = shuffled(indices, random);
    const nTest = Math.round(order.length * testFraction);
    test.push(...order.slice(0, nTest));
    train.push(...order.slice(nTest));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}

/** K examples per label, seeded: the "an agent corrected K tickets per category" scenario. */
export function samplePerLabel<T>(items: readonly T[], indices: readonly number[], key: (item: T) => string, k: number, seed: number): number[] {
  const random = seededRandom(seed);
  const groups = groupIndices(indices.map((i) => items[i]!), key);
  const out: number[] = [];
  for (const [, local] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    out.push(...shuffled(local, random).slice(0, k).map((j) => indices[j]!));
  }
  return out.sort((a, b) => a - b);
}
