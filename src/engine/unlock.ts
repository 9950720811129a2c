/**
 * `ecsdeploy unlock`: releases ecsdeploy locks that a run left behind (it died, or its runner was lost), so nobody
 * has to wait for them to expire. One DescribeServices (with tags) per 10 services, one UntagResource per lock
 * released. An expired lock blocks nobody and is removed; a live one may belong to a run that is still deploying,
 * so it is only removed with `force` (naming the run with `runId` limits everything to that run's locks).
 */
import type { AwsPorts } from '../aws/ports.js';
import { describeServices, type ServiceRef } from '../live/describe-services.js';
import type { LockStatus } from '../model/status.js';
import { LOCK_TAG } from '../plan/in-flight.js';
import { errorMessage } from '../util/error-text.js';
import { lockStatus } from './status.js';

export interface UnlockOptions {
  /** Only this run's locks. */
  runId?: string;
  /** Also locks that have not expired (their run may be alive). */
  force: boolean;
  /** Epoch ms, by the engine clock. */
  now: number;
  signal?: AbortSignal;
}

export interface UnlockResult {
  key: string;
  service: string;
  cluster: string;
  /** The lock found, if any. */
  lock?: LockStatus;
  /**
   * `released`; `none`: no lock; `other-run`: held by another run than `--run`; `live`: not expired and not forced;
   * `missing`: the service does not exist; `failed`: UntagResource failed (see `error`).
   */
  action: 'released' | 'none' | 'other-run' | 'live' | 'missing' | 'failed';
  error?: string;
}

export async function releaseLocks(ports: AwsPorts, services: (ServiceRef & { key: string })[], o: UnlockOptions): Promise<UnlockResult[]> {
  const described = await describeServices(ports, services, { include: ['TAGS'], ...(o.signal ? { signal: o.signal } : {}) });
  return Promise.all(
    services.map(async (s): Promise<UnlockResult> => {
      const base = { key: s.key, service: s.service, cluster: s.cluster };
      const svc = described.find(s.cluster, s.service);
      if (!svc?.serviceArn) return { ...base, action: 'missing' };
      const lock = lockStatus(svc, o.now);
      if (!lock) return { ...base, action: 'none' };
      if (o.runId !== undefined && lock.runId !== o.runId) return { ...base, lock, action: 'other-run' };
      if (!lock.expired && !o.force) return { ...base, lock, action: 'live' };
      try {
        await ports.ecs.untagResource({ resourceArn: svc.serviceArn, tagKeys: [LOCK_TAG] }, o.signal ? { signal: o.signal } : undefined);
        return { ...base, lock, action: 'released' };
      } catch (error) {
        return { ...base, lock, action: 'failed', error: errorMessage(error) };
      }
    }),
  );
}
