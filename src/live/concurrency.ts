/**
 * A limit on AWS calls in flight, shared by everything one read does (services, task definitions, preflight),
 * so the bound holds however the work is interleaved. Never call `limit` from inside a limited function: a
 * parent holding a slot while waiting for a child's slot can deadlock.
 */
import { InterruptedError } from '../errors/index.js';

export type Limit = <R>(fn: () => Promise<R>) => Promise<R>;

export function createLimit(concurrency: number, signal?: AbortSignal): Limit {
  const max = Math.max(1, Math.floor(concurrency));
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    active--;
    waiting.shift()?.();
  };
  return async (fn) => {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      // Start nothing new once cancelled; calls already in flight see the signal themselves.
      if (signal?.aborted) throw new InterruptedError('cancelled while reading live state');
      return await fn();
    } finally {
      release();
    }
  };
}

/**
 * `fn` over every item under `limit`, results in input order. After the first failure nothing new starts; it is
 * thrown once the calls in flight settle (so none is left running unobserved).
 */
export async function mapLimited<T, R>(items: readonly T[], limit: Limit, fn: (item: T) => Promise<R>): Promise<R[]> {
  let failure: { reason: unknown } | undefined;
  const results = await Promise.all(
    items.map((item) =>
      limit(async () => {
        if (failure) return undefined;
        try {
          return await fn(item);
        } catch (reason) {
          failure ??= { reason };
          return undefined;
        }
      }),
    ),
  );
  if (failure) throw failure.reason;
  return results as R[];
}
