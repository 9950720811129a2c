/**
 * A shared, batching poller for ECS services (the `ServiceWatcher` strategies use).
 *
 *   follower A ─ next(web, 2s) ─┐
 *   follower B ─ next(api, 9s) ─┼─► one timer at the earliest due time ─► DescribeServices(cluster, ≤10 names)
 *   follower C ─ next(jobs, 3s) ┘      (also takes everything due within `batchWindowMs`)   └► resolves each
 *
 * Each follower picks its own delay (quick at first, backing off); the poller only coalesces: requests for the
 * same cluster that fall due together share one call of up to 10 services (aws-semantics.md §1.3, §6.1).
 * "Together" is relative to the delay asked for: a request may be served up to a quarter of its delay early, so
 * followers whose independent jitter (±10 %) spreads their due times by a few seconds still share a call instead
 * of drifting into one call each.
 */
import type { AwsPorts, EcsService } from '../aws/ports.js';
import { DescribedServices, describeServiceBatch, type ServiceBatch, serviceBatches } from '../live/describe-services.js';
import type { ServiceWatcher } from '../strategies/types.js';
import { abortReason, type Clock } from '../util/clock.js';

interface Request {
  cluster: string;
  service: string;
  due: number;
  /** Served by any call made from this time on (`due` minus its share of slack). */
  earliest: number;
  resolve(s: EcsService | undefined): void;
  reject(e: unknown): void;
  cleanup(): void;
}

/** How early, as a share of its delay, a request may be served with a call that is made anyway. */
const EARLY_SHARE = 0.25;

export class BatchingServiceWatcher implements ServiceWatcher {
  private pending: Request[] = [];
  private timer: { due: number; ctl: AbortController } | undefined;
  /** DescribeServices calls made (for tests and the verbose summary). */
  describeCalls = 0;

  constructor(
    private readonly ports: AwsPorts,
    private readonly clock: Clock,
    private readonly batchWindowMs = 1000,
  ) {}

  next(cluster: string, service: string, delayMs: number, signal: AbortSignal): Promise<EcsService | undefined> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(abortReason(signal));
        return;
      }
      const onAbort = () => {
        this.pending = this.pending.filter((r) => r !== req);
        reject(abortReason(signal));
      };
      const req: Request = {
        cluster,
        service,
        due: this.clock.now() + Math.max(0, delayMs),
        earliest: this.clock.now() + Math.max(0, delayMs) - Math.max(this.batchWindowMs, EARLY_SHARE * Math.max(0, delayMs)),
        resolve,
        reject,
        cleanup: () => signal.removeEventListener('abort', onAbort),
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.push(req);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.pending.length === 0) return;
    const due = Math.min(...this.pending.map((r) => r.due));
    if (this.timer && this.timer.due <= due) return;
    this.timer?.ctl.abort();
    const ctl = new AbortController();
    this.timer = { due, ctl };
    this.clock.sleep(Math.max(0, due - this.clock.now()), ctl.signal).then(
      () => {
        if (this.timer?.ctl !== ctl) return;
        this.timer = undefined;
        void this.fire();
      },
      () => {
        // superseded by an earlier request
      },
    );
  }

  private async fire(): Promise<void> {
    const now = this.clock.now();
    const ready = this.pending.filter((r) => r.earliest <= now);
    this.pending = this.pending.filter((r) => r.earliest > now);
    this.schedule();
    await Promise.all(serviceBatches(ready).map((batch) => this.describe(batch)));
  }

  private async describe(batch: ServiceBatch<Request>): Promise<void> {
    try {
      this.describeCalls += 1;
      const described = new DescribedServices();
      described.add(batch.cluster, await describeServiceBatch(this.ports, batch));
      for (const r of batch.refs) {
        r.cleanup();
        // INACTIVE included: the follower reports a deleted service as such.
        r.resolve(described.findAny(r.cluster, r.service));
      }
    } catch (error) {
      for (const r of batch.refs) {
        r.cleanup();
        r.reject(error);
      }
    }
  }
}
