/** Splits a list into batches of at most `size` (DescribeServices takes 10 names, DescribeTasks 100). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
