/**
 * The one path for mutating AWS calls: reported as `aws.call` events (info under --dry-run, debug otherwise),
 * skipped under --dry-run, and, when the manifest asks (`notify.eachCall`, as `ecs-task` did), each one
 * announced on SNS. A failed announcement is a warning, never a failed deploy.
 */
import type { AwsPorts } from '../aws/ports.js';
import type { CallRunner, MutatingCall } from '../strategies/types.js';
import { redactStrings } from '../util/redact.js';
import { errorMessage } from '../util/error-text.js';
import type { Emit } from './emitter.js';

export interface CallRunnerOptions {
  dryRun: boolean;
  emit: Emit;
  hardSignal: AbortSignal;
  /** SNS topic to announce each mutating call on; undefined: don't. */
  eachCallTopic?: string;
  ports: AwsPorts;
  runId: string;
}

export function createCallRunner(o: CallRunnerOptions): CallRunner {
  return {
    dryRun: o.dryRun,
    async mutate<T>(call: MutatingCall, run: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
      o.emit({
        type: 'aws.call',
        service: call.service,
        operation: call.operation,
        mutating: true,
        dryRun: o.dryRun,
        summary: call.summary,
      });
      if (o.dryRun) return undefined;
      const result = await run(o.hardSignal);
      if (o.eachCallTopic && !(call.service === 'SNS' && call.operation === 'Publish')) {
        await announce(o, o.eachCallTopic, call);
      }
      return result;
    },
  };
}

async function announce(o: CallRunnerOptions, topicArn: string, call: MutatingCall): Promise<void> {
  const subject = `ecsdeploy: ${call.service} ${call.operation}`.slice(0, 100);
  try {
    await o.ports.sns.publish(
      // The message leaves for other systems: redacted like an event (the summary may quote a command).
      { TopicArn: topicArn, Subject: subject, Message: JSON.stringify(redactStrings({ runId: o.runId, ...call })) },
      { signal: o.hardSignal },
    );
    o.emit({ type: 'notification.sent', topicArn, subject });
  } catch (error) {
    o.emit({ type: 'log', level: 'warn', message: `could not publish to ${topicArn}: ${errorMessage(error)}` });
  }
}
