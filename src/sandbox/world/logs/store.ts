/**
 * CloudWatch Logs state: log groups, their streams and events, and the checks AWS makes on their names. The API
 * (index.ts) and the tasks' containers (ecs/container-logs.ts) both write through here.
 */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import type { LogGroupState, LogStreamState } from '../types.js';

/** Events kept per stream: a sandbox's memory is bounded, a container printing forever is not. */
const MAX_EVENTS_PER_STREAM = 10_000;

/** CreateLogGroup `logGroupName`: 1-512 of `[.-_/#A-Za-z0-9]`. */
const GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;
/** CreateLogStream `logStreamName`: 1-512 characters, neither `:` nor `*`. */
const STREAM_NAME = /^[^:*]{1,512}$/;

export function logsState(w: WorldContext): { groups: Record<string, LogGroupState>; eventSeq: number } {
  w.st.logs ??= { groups: {}, eventSeq: 0 };
  return w.st.logs;
}

export function checkGroupName(name: string): void {
  if (!GROUP_NAME.test(name)) {
    throw new SandboxApiError(
      'InvalidParameterException',
      `1 validation error detected: Value '${name}' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+`,
    );
  }
}

export function findGroup(w: WorldContext, name: string): LogGroupState | undefined {
  return logsState(w).groups[name];
}

export function group(w: WorldContext, name: string): LogGroupState {
  const g = findGroup(w, name);
  if (!g) throw new SandboxApiError('ResourceNotFoundException', 'The specified log group does not exist.');
  return g;
}

export function stream(g: LogGroupState, name: string): LogStreamState {
  const s = Object.hasOwn(g.streams, name) ? g.streams[name] : undefined;
  if (!s) throw new SandboxApiError('ResourceNotFoundException', 'The specified log stream does not exist.');
  return s;
}

export function createGroup(w: WorldContext, name: string): LogGroupState {
  checkGroupName(name);
  const logs = logsState(w);
  if (logs.groups[name]) throw new SandboxApiError('ResourceAlreadyExistsException', 'The specified log group already exists');
  const created: LogGroupState = { name, arn: w.arn('logs', `log-group:${name}`), createdAt: w.now, streams: {} };
  logs.groups[name] = created;
  return created;
}

export function createStream(w: WorldContext, g: LogGroupState, name: string): LogStreamState {
  if (!STREAM_NAME.test(name)) {
    throw new SandboxApiError(
      'InvalidParameterException',
      `1 validation error detected: Value '${name}' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*`,
    );
  }
  if (Object.hasOwn(g.streams, name)) {
    throw new SandboxApiError('ResourceAlreadyExistsException', 'The specified log stream already exists');
  }
  const created: LogStreamState = { name, createdAt: w.now, events: [], storedBytes: 0, uploads: 0 };
  g.streams[name] = created;
  return created;
}

/** Appends events (already in timestamp order among themselves) as ingested now. */
export function appendEvents(w: WorldContext, s: LogStreamState, events: { timestamp: number; message: string }[]): void {
  const logs = logsState(w);
  for (const e of events) {
    logs.eventSeq += 1;
    s.events.push({ timestamp: e.timestamp, message: e.message, ingestionTime: w.now, eventId: String(logs.eventSeq).padStart(56, '0') });
    s.storedBytes += Buffer.byteLength(e.message, 'utf8');
  }
  // Ingestion keeps timestamp order across batches too: a batch older than the stream's last event sorts in.
  s.events.sort((a, b) => a.timestamp - b.timestamp);
  if (s.events.length > MAX_EVENTS_PER_STREAM) s.events.splice(0, s.events.length - MAX_EVENTS_PER_STREAM);
  s.lastIngestionTime = w.now;
  s.uploads += 1;
}

/** The group's ARN as DescribeLogGroups' `arn` shows it (with `:*`), and as `logGroupArn` (without). */
export function groupArns(g: LogGroupState): { arn: string; logGroupArn: string } {
  return { arn: `${g.arn}:*`, logGroupArn: g.arn };
}
