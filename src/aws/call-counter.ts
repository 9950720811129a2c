import type { CallCounter } from './ports.js';

/** A {@link CallCounter} the port wrappers can add to. Counts logical calls: SDK retries are not counted again. */
export interface MutableCallCounter extends CallCounter {
  record(name: string): void;
}

export function createCallCounter(): MutableCallCounter {
  const counts = new Map<string, number>();
  return {
    record(name) {
      counts.set(name, (counts.get(name) ?? 0) + 1);
    },
    counts() {
      // Sorted by name so printed and saved counts are stable between runs.
      return Object.fromEntries([...counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
    },
    total() {
      let sum = 0;
      for (const n of counts.values()) sum += n;
      return sum;
    },
  };
}
