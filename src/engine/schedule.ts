/**
 * Runs services in `dependsOn` order, independent ones in parallel up to `concurrency`. Once `canStart()` says
 * no (a failure, an interrupt), nothing new starts; what is pending is reported as skipped with the reason.
 * Dependencies on services outside the run (unchanged, not selected) count as satisfied.
 */

export interface Schedulable {
  key: string;
  dependsOn: string[];
}

export type ScheduleState = { status: 'ok' | 'failed' } | { status: 'skipped'; reason: string };

export function runInOrder<T extends Schedulable>(
  items: T[],
  concurrency: number,
  run: (item: T) => Promise<boolean>,
  canStart: () => string | undefined,
  /** Told at once when an item will not start (while others may still run). */
  onSkip: (item: T, reason: string) => void = () => {},
): Promise<Map<string, ScheduleState>> {
  const keys = new Set(items.map((i) => i.key));
  const done = new Map<string, ScheduleState>();
  const pending = [...items];
  let running = 0;
  return new Promise((resolve) => {
    const pump = () => {
      const stop = canStart();
      let changed = true;
      while (changed) {
        changed = false;
        for (let i = 0; i < pending.length; ) {
          const item = pending[i] as T;
          const blocker = item.dependsOn.find((d) => keys.has(d) && done.has(d) && done.get(d)?.status !== 'ok');
          if (stop || blocker) {
            const reason = stop ?? `not started: ${blocker} did not succeed`;
            done.set(item.key, { status: 'skipped', reason });
            pending.splice(i, 1);
            onSkip(item, reason);
            changed = true;
            continue;
          }
          const ready = item.dependsOn.every((d) => !keys.has(d) || done.get(d)?.status === 'ok');
          if (ready && running < Math.max(1, concurrency)) {
            pending.splice(i, 1);
            running += 1;
            run(item)
              .then(
                (ok) => done.set(item.key, { status: ok ? 'ok' : 'failed' }),
                () => done.set(item.key, { status: 'failed' }),
              )
              .finally(() => {
                running -= 1;
                pump();
              });
            continue;
          }
          i += 1;
        }
      }
      if (running === 0) {
        // Whatever is left waits on something that can never finish (a cycle the manifest rules missed).
        for (const item of pending.splice(0)) {
          done.set(item.key, { status: 'skipped', reason: 'not started: dependency cycle' });
          onSkip(item, 'not started: dependency cycle');
        }
        resolve(done);
      }
    };
    pump();
  });
}
