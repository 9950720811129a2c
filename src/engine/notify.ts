/**
 * SNS notifications on start, success and failure (`notify.sns`). A notification that cannot be sent is a
 * warning: it never turns a good deploy into a failed one.
 */
import { shortTaskDefinition } from '../util/arn.js';
import { errorMessage } from '../util/error-text.js';
import { redactStrings } from '../util/redact.js';
import type { RolloutMilestone } from '../strategies/types.js';
import type { EngineContext } from './context.js';

export interface NotifyBody {
  event: 'started' | 'succeeded' | 'failed' | 'interrupted' | 'paused';
  services: { key: string; service: string; from?: string | undefined; to?: string | undefined; outcome?: string; reason?: string }[];
  durationMs?: number;
  /** Steps the plan promised that did not happen (one-off tasks, scheduled targets, cleanup), and why. */
  skipped?: { step: string; name: string; reason: string }[];
}

export async function notify(ctx: EngineContext, body: NotifyBody): Promise<void> {
  const plan = ctx.plan;
  const topicArn = plan?.notify.sns;
  if (!plan || !topicArn) return;
  const names = body.services.map((s) => s.key).join(', ');
  const subject = `ecsdeploy: deploy ${body.event}: ${names}`.slice(0, 100);
  const message = {
    tool: 'ecsdeploy',
    runId: ctx.options.runId,
    environment: plan.manifest.environment ?? null,
    manifestDigest: plan.manifest.digest,
    ...(ctx.options.gitCommit ? { gitCommit: ctx.options.gitCommit } : {}),
    ...body,
    services: body.services.map((s) => ({
      ...s,
      from: s.from ? shortTaskDefinition(s.from) : undefined,
      to: s.to ? shortTaskDefinition(s.to) : undefined,
    })),
  };
  try {
    await ctx.calls.mutate({ service: 'SNS', operation: 'Publish', summary: `notify ${topicArn}: ${subject}` }, (signal) =>
      // Reasons may quote AWS errors: the message is redacted like an event before it leaves.
      ctx.ports.sns.publish({ TopicArn: topicArn, Subject: subject, Message: JSON.stringify(redactStrings(message), null, 2) }, { signal }),
    );
    if (!ctx.calls.dryRun) ctx.emit({ type: 'notification.sent', topicArn, subject });
  } catch (error) {
    ctx.emit({ type: 'log', level: 'warn', message: `could not notify ${topicArn}: ${errorMessage(error)}` });
  }
}

/** A milestone of a long rollout (a canary's start, each step, promotion, abort), on the run's topic. */
export async function notifyMilestone(ctx: EngineContext, milestone: RolloutMilestone): Promise<void> {
  const plan = ctx.plan;
  const topicArn = plan?.notify.sns;
  if (!plan || !topicArn) return;
  const subject = `ecsdeploy: ${milestone.event}: ${milestone.service}`.slice(0, 100);
  const message = {
    tool: 'ecsdeploy',
    runId: ctx.options.runId,
    environment: plan.manifest.environment ?? null,
    manifestDigest: plan.manifest.digest,
    ...(ctx.options.gitCommit ? { gitCommit: ctx.options.gitCommit } : {}),
    ...milestone,
  };
  try {
    await ctx.calls.mutate({ service: 'SNS', operation: 'Publish', summary: `notify ${topicArn}: ${subject}` }, (signal) =>
      ctx.ports.sns.publish({ TopicArn: topicArn, Subject: subject, Message: JSON.stringify(redactStrings(message), null, 2) }, { signal }),
    );
    if (!ctx.calls.dryRun) ctx.emit({ type: 'notification.sent', topicArn, subject });
  } catch (error) {
    ctx.emit({ type: 'log', level: 'warn', message: `could not notify ${topicArn}: ${errorMessage(error)}` });
  }
}
