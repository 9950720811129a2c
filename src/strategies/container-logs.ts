/**
 * What a task's containers printed, read from CloudWatch Logs where the awslogs log driver sends it: the stream
 * `PREFIX/CONTAINER/TASK_ID` of the group the container's log configuration names. Two readers use it: the
 * diagnosis of a stopped task (its last lines, bounded) and `ecsdeploy run` (every new line while it runs).
 * Absent logs are said, with why, never guessed.
 */
import type { AwsPorts, LogsPort } from '../aws/ports.js';
import { AwsApiError } from '../errors/index.js';
import type { ContainerLogs } from '../events/types.js';
import { afterLastSlash } from '../util/arn.js';
import { errorMessage } from '../util/error-text.js';

/** Lines kept from the end of a stopped container's log. */
export const LOG_TAIL_LINES = 20;
/** Bytes kept in all, and per line: a diagnosis must stay readable in a CI log and an SNS message. */
export const LOG_TAIL_BYTES = 4096;
const LOG_LINE_BYTES = 1024;

/** The container definition fields this needs, in the SDK's and the RegisterTaskDefinition input's shape alike. */
interface ContainerLogSettings {
  name?: string | undefined;
  essential?: boolean | undefined;
  logConfiguration?: { logDriver?: string | undefined; options?: Record<string, string> | undefined } | undefined;
}

export interface TaskDefinitionLogSettings {
  containerDefinitions?: ContainerLogSettings[] | undefined;
}

/** Where one container of one task writes: its group, stream and the region of the group. */
export interface LogLocation {
  container: string;
  group: string;
  stream: string;
  region: string | undefined;
}

/** The awslogs stream of `container` in task `taskArn`, or why it cannot be known. */
export function logLocation(
  td: TaskDefinitionLogSettings | undefined,
  container: string,
  taskArn: string,
): LogLocation | { container: string; missing: string } {
  const def = td?.containerDefinitions?.find((c) => c.name === container);
  const config = def?.logConfiguration;
  if (!def) return { container, missing: 'its task definition could not be read' };
  if (!config?.logDriver) return { container, missing: 'the container has no log configuration' };
  if (config.logDriver !== 'awslogs') return { container, missing: `the log driver is ${config.logDriver}, not awslogs` };
  const group = config.options?.['awslogs-group'];
  const prefix = config.options?.['awslogs-stream-prefix'];
  if (!group) return { container, missing: 'the awslogs configuration names no awslogs-group' };
  // Without a prefix the stream is named after the Docker container id, which ECS does not report.
  if (!prefix) return { container, missing: 'the awslogs configuration has no awslogs-stream-prefix, so its stream name is not known' };
  return { container, group, stream: `${prefix}/${container}/${afterLastSlash(taskArn)}`, region: config.options?.['awslogs-region'] };
}

/**
 * The container whose log explains why the task stopped: the first essential one that exited non-zero, else the
 * first essential one with a reason, else the first essential one.
 */
export function culpritContainer(
  td: TaskDefinitionLogSettings | undefined,
  containers: { name: string; exitCode: number | undefined; reason: string | undefined }[],
): string | undefined {
  const defs = td?.containerDefinitions ?? [];
  const essential = containers.filter((c) => defs.find((d) => d.name === c.name)?.essential !== false);
  const pool = essential.length > 0 ? essential : containers;
  return (
    pool.find((c) => c.exitCode !== undefined && c.exitCode !== 0)?.name ??
    pool.find((c) => c.reason !== undefined)?.name ??
    pool[0]?.name ??
    defs.find((d) => d.essential !== false)?.name
  );
}

function isNotFound(error: unknown): boolean {
  return error instanceof AwsApiError && error.awsCode === 'ResourceNotFoundException';
}

/** ResourceNotFoundException names no resource: ask whether the group exists to say which one is missing. */
async function whatIsMissing(logs: LogsPort, at: LogLocation, signal: AbortSignal): Promise<string> {
  try {
    await logs.describeLogStreams({ logGroupName: at.group, logStreamNamePrefix: at.stream, limit: 1 }, { signal });
    return `log stream ${at.stream} does not exist in ${at.group} (the container may never have started)`;
  } catch (error) {
    if (isNotFound(error)) return `log group ${at.group} does not exist`;
    return `log stream ${at.stream} in ${at.group} could not be found`;
  }
}

function cut(line: string): { text: string; cut: boolean } {
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= LOG_LINE_BYTES) return { text: line, cut: false };
  // A character cut in half at the end decodes as U+FFFD: drop it.
  return {
    text: `${bytes
      .subarray(0, LOG_LINE_BYTES - 3)
      .toString('utf8')
      .replace(/\uFFFD+$/, '')}…`,
    cut: true,
  };
}

/** The last lines of one container's log: at most {@link LOG_TAIL_LINES} lines and {@link LOG_TAIL_BYTES} bytes. */
async function lastLogLines(ports: AwsPorts, at: LogLocation, signal: AbortSignal): Promise<ContainerLogs> {
  const where = { container: at.container, group: at.group, stream: at.stream };
  if (!ports.logs) return { ...where, lines: [], missing: 'logs are not read with these AWS ports' };
  let logs: LogsPort;
  try {
    logs = await ports.logs(at.region);
  } catch (error) {
    return { ...where, lines: [], missing: `could not read it: ${errorMessage(error)}` };
  }
  try {
    // One more than kept: when it comes back, earlier lines exist.
    const out = await logs.getLogEvents(
      { logGroupName: at.group, logStreamName: at.stream, startFromHead: false, limit: LOG_TAIL_LINES + 1 },
      { signal },
    );
    const messages = (out.events ?? []).map((e) => (e.message ?? '').replace(/\r?\n$/, ''));
    let truncated = messages.length > LOG_TAIL_LINES;
    const kept: string[] = [];
    let bytes = 0;
    for (const message of messages.slice(-LOG_TAIL_LINES).reverse()) {
      const { text, cut: wasCut } = cut(message);
      const size = Buffer.byteLength(text, 'utf8') + 1;
      if (bytes + size > LOG_TAIL_BYTES) {
        truncated = true;
        break;
      }
      bytes += size;
      truncated ||= wasCut;
      kept.unshift(text);
    }
    if (kept.length === 0) return { ...where, lines: [], missing: `log stream ${at.stream} in ${at.group} is empty` };
    return { ...where, lines: kept, ...(truncated ? { truncated } : {}) };
  } catch (error) {
    if (isNotFound(error)) return { ...where, lines: [], missing: await whatIsMissing(logs, at, signal) };
    return { ...where, lines: [], missing: `could not read it: ${errorMessage(error)}` };
  }
}

/** The last lines of `container` of task `taskArn` (or why there are none). */
export async function containerLogs(
  ports: AwsPorts,
  td: TaskDefinitionLogSettings | undefined,
  container: string,
  taskArn: string,
  signal: AbortSignal,
): Promise<ContainerLogs> {
  const at = logLocation(td, container, taskArn);
  if ('missing' in at) return { container, lines: [], missing: at.missing };
  return lastLogLines(ports, at, signal);
}
