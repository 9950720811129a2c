/**
 * A `ProtocolHost` over a world and a clock: the seeded streams for faults and request ids, and the call log that
 * `SandboxRuntime.calls()` reports (tests assert on calls made; `--verbose` can print the counts).
 */
import type { Clock } from '../../util/clock.js';
import { requestIdFrom, seededRandom } from './random.js';
import type { CallLogEntry, DispatchWorld, ProtocolHost } from './types.js';

export interface CallSummary {
  log: CallLogEntry[];
  /** Calls per `service.Operation`, e.g. `ecs.DescribeServices`. */
  counts: Record<string, number>;
}

export interface RecordingHost extends ProtocolHost {
  calls(): CallSummary;
}

export function createProtocolHost(world: DispatchWorld, clock: Clock, seed = 1): RecordingHost {
  const random = seededRandom(seed);
  const requestId = requestIdFrom(seededRandom(seed ^ 0x5eed));
  const log: CallLogEntry[] = [];
  const counts: Record<string, number> = {};
  return {
    world,
    clock,
    random,
    requestId,
    record(entry) {
      log.push(entry);
      const key = `${entry.service}.${entry.operation}`;
      counts[key] = (counts[key] ?? 0) + 1;
    },
    calls: () => ({ log: log.map((e) => ({ ...e })), counts: { ...counts } }),
  };
}
