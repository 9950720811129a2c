/**
 * What the strategies that outlive their run (the canary, CodeDeploy blue-green, ECS-native) do alike: publish a
 * milestone where the run notifies, and record their state on AWS so promote/abort on another machine find it.
 */
import { errorMessage } from '../util/error-text.js';
import type { StrategyContext } from './types.js';

export async function notifyMilestone(
  context: StrategyContext,
  service: string,
  event: string,
  summary: string,
  detail?: Record<string, unknown>,
): Promise<void> {
  await context.notify?.({ service, event, summary, ...(detail ? { detail } : {}) });
}

/**
 * Writes the rollout's state; a failure is a warning (the rollout goes on, only continuing it from elsewhere is
 * lost), unless the run was interrupted meanwhile, which the caller must see.
 */
export async function recordStateOrWarn(
  context: StrategyContext,
  o: { service: string; what: string; signal?: AbortSignal },
  write: () => Promise<void>,
): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (o.signal?.aborted) throw error;
    context.emit({
      type: 'log',
      level: 'warn',
      message: `${o.service}: could not record the ${o.what} (${errorMessage(error)}); promote/abort from another machine will not find it`,
    });
  }
}
