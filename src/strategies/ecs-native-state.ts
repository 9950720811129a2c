/**
 * Reads and writes an ECS-native deployment's state tags on its ECS service (the codec is model/ecs-native-state.ts),
 * through the call runner, so `--dry-run` shows them and the audit sees them.
 */
import { ALL_ECS_NATIVE_TAG_KEYS, decodeEcsNativeState, type EcsNativeState, encodeEcsNativeState } from '../model/ecs-native-state.js';
import type { StrategyContext } from './types.js';

export function stateFromTags(tags: readonly { key?: string; value?: string }[] | undefined): EcsNativeState | undefined {
  return decodeEcsNativeState(tags);
}

export async function writeEcsNativeState(
  context: Pick<StrategyContext, 'ports' | 'calls'>,
  serviceArn: string,
  state: EcsNativeState,
  label: string,
): Promise<void> {
  const tags = encodeEcsNativeState(state);
  // A field no longer set (a pause that ended) must not linger from an earlier write.
  const stale = ALL_ECS_NATIVE_TAG_KEYS.filter((k) => !tags.some((t) => t.key === k));
  await context.calls.mutate(
    {
      service: 'ECS',
      operation: 'TagResource',
      summary: `record the deployment state on ${label}: ${state.phase}${state.stage ? ` at ${state.stage}` : ''}`,
    },
    (signal) => context.ports.ecs.tagResource({ resourceArn: serviceArn, tags }, { signal }),
  );
  if (stale.length > 0) {
    await context.calls.mutate({ service: 'ECS', operation: 'UntagResource', summary: `clear ${stale.join(', ')} on ${label}` }, (signal) =>
      context.ports.ecs.untagResource({ resourceArn: serviceArn, tagKeys: stale }, { signal }),
    );
  }
}

export async function clearEcsNativeState(
  context: Pick<StrategyContext, 'ports' | 'calls'>,
  serviceArn: string,
  label: string,
): Promise<void> {
  await context.calls.mutate({ service: 'ECS', operation: 'UntagResource', summary: `clear the deployment state on ${label}` }, (signal) =>
    context.ports.ecs.untagResource({ resourceArn: serviceArn, tagKeys: ALL_ECS_NATIVE_TAG_KEYS }, { signal }),
  );
}
