/**
 * Reads and writes a canary's state tags on its canary ECS service (the codec is `model/canary-state.ts`), through
 * the ECS ports and the call runner, so `--dry-run` shows them and the audit sees them.
 */
import type { AwsPorts } from '../aws/ports.js';
import { ALL_CANARY_TAG_KEYS, type CanaryState, decodeCanaryState, encodeCanaryState } from '../model/canary-state.js';
import type { StrategyContext } from './types.js';

export async function readCanaryState(ports: AwsPorts, serviceArn: string, signal: AbortSignal): Promise<CanaryState | undefined> {
  const out = await ports.ecs.listTagsForResource({ resourceArn: serviceArn }, { signal });
  return decodeCanaryState(out.tags);
}

export async function writeCanaryState(
  context: Pick<StrategyContext, 'ports' | 'calls'>,
  serviceArn: string,
  state: CanaryState,
  label: string,
): Promise<void> {
  const tags = encodeCanaryState(state);
  // A field that is no longer set (a pause that ended) must not linger from an earlier write.
  const stale = ALL_CANARY_TAG_KEYS.filter((k) => !tags.some((t) => t.key === k));
  await context.calls.mutate(
    { service: 'ECS', operation: 'TagResource', summary: `record the canary state on ${label}: ${state.phase}, step ${state.step}` },
    (signal) => context.ports.ecs.tagResource({ resourceArn: serviceArn, tags }, { signal }),
  );
  if (stale.length > 0) {
    await context.calls.mutate({ service: 'ECS', operation: 'UntagResource', summary: `clear ${stale.join(', ')} on ${label}` }, (signal) =>
      context.ports.ecs.untagResource({ resourceArn: serviceArn, tagKeys: stale }, { signal }),
    );
  }
}

export async function clearCanaryState(
  context: Pick<StrategyContext, 'ports' | 'calls'>,
  serviceArn: string,
  label: string,
): Promise<void> {
  await context.calls.mutate({ service: 'ECS', operation: 'UntagResource', summary: `clear the canary state on ${label}` }, (signal) =>
    context.ports.ecs.untagResource({ resourceArn: serviceArn, tagKeys: ALL_CANARY_TAG_KEYS }, { signal }),
  );
}
