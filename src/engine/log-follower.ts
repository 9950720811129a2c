/**
 * Follows what a running task's containers print (awslogs: the stream `PREFIX/CONTAINER/TASK_ID`), for
 * `ecsdeploy run`: each `poll()` reads every container's new lines since the last one (GetLogEvents from the head,
 * then its forward token) and hands them on in order. A stream that does not exist yet (the container has not
 * started) is read again at the next poll; any other read failure is said once and that container is no longer
 * followed (the run goes on: logs explain, they do not decide).
 */
import type { LogsPort } from '../aws/ports.js';
import { AwsApiError } from '../errors/index.js';
import type { TaskDefinitionInput } from '../model/task-definition.js';
import { type LogLocation, logLocation, type TaskDefinitionLogSettings } from '../strategies/container-logs.js';
import { errorMessage } from '../util/error-text.js';
import type { EngineContext } from './context.js';

/** Pages read per container per poll: a chatty container cannot hold the wait up for long. */
const MAX_PAGES_PER_POLL = 5;

interface Followed {
  at: LogLocation;
  token: string | undefined;
  done: boolean;
}

export function followLogs(
  ctx: EngineContext,
  td: TaskDefinitionInput,
  taskArn: string,
  onLine: (container: string, at: string, message: string) => void,
): { poll: () => Promise<void> } {
  const followed: Followed[] = [];
  for (const c of td.containerDefinitions) {
    const at = logLocation(td as unknown as TaskDefinitionLogSettings, c.name, taskArn);
    if ('missing' in at) ctx.emit({ type: 'log', level: 'debug', message: `not streaming ${c.name}'s log: ${at.missing}` });
    else followed.push({ at, token: undefined, done: false });
  }

  async function readNew(f: Followed): Promise<void> {
    if (!ctx.ports.logs) return;
    const logs: LogsPort = await ctx.ports.logs(f.at.region);
    for (let page = 0; page < MAX_PAGES_PER_POLL; page += 1) {
      const out = await logs.getLogEvents(
        {
          logGroupName: f.at.group,
          logStreamName: f.at.stream,
          startFromHead: true,
          ...(f.token ? { nextToken: f.token } : {}),
        },
        { signal: ctx.hardSignal },
      );
      for (const e of out.events ?? []) {
        onLine(f.at.container, new Date(e.timestamp ?? ctx.clock.now()).toISOString(), (e.message ?? '').replace(/\r?\n$/, ''));
      }
      // The same forward token back means there is nothing newer yet.
      const same = out.nextForwardToken === undefined || out.nextForwardToken === f.token;
      f.token = out.nextForwardToken ?? f.token;
      if (same || (out.events ?? []).length === 0) return;
    }
  }

  return {
    async poll() {
      for (const f of followed) {
        if (f.done) continue;
        try {
          await readNew(f);
        } catch (error) {
          if (error instanceof AwsApiError && error.awsCode === 'ResourceNotFoundException') continue;
          f.done = true;
          ctx.emit({ type: 'log', level: 'warn', message: `stopped streaming ${f.at.container}'s log: ${errorMessage(error)}` });
        }
      }
    },
  };
}
