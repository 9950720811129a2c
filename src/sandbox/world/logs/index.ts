/**
 * The CloudWatch Logs operations the world answers (JSON 1.1, `Logs_20140328`): log groups and streams, putting
 * events, and reading them back the ways ecsdeploy does (GetLogEvents with forward and backward tokens,
 * FilterLogEvents across streams). Times are epoch milliseconds, as the API's `Long` members are.
 */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import { compact, type Input, isRecord, list, optBool, optNumber, optString, stringList } from '../input.js';
import type { LogGroupState, LogStreamState } from '../types.js';
import { filterPatternMatcher } from './filter-pattern.js';
import { appendEvents, createGroup, createStream, group, groupArns, logsState, stream } from './store.js';

/** PutLogEvents accepts events up to 14 days old and 2 hours ahead; others are rejected, not stored. */
const MAX_AGE_MS = 14 * 24 * 3_600_000;
const MAX_AHEAD_MS = 2 * 3_600_000;
const MAX_BATCH_EVENTS = 10_000;

function limitOf(input: Input, max: number): number {
  const limit = optNumber(input, 'limit');
  if (limit === undefined) return max;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new SandboxApiError(
      'InvalidParameterException',
      `1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value between 1 and ${max}`,
    );
  }
  return limit;
}

/** `logGroupName`, or `logGroupIdentifier` (a name or an ARN): exactly one of them. */
function groupNameOf(input: Input): string {
  const name = optString(input, 'logGroupName');
  const identifier = optString(input, 'logGroupIdentifier');
  if (name !== undefined && identifier !== undefined) {
    throw new SandboxApiError('InvalidParameterException', 'LogGroupName and LogGroupIdentifier are mutually exclusive parameters.');
  }
  const given = name ?? identifier;
  if (given === undefined || given === '')
    throw new SandboxApiError('InvalidParameterException', 'Either LogGroupName or LogGroupIdentifier must be provided.');
  // arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*]
  const m = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:(.+?)(?::\*)?$/.exec(given);
  return m?.[1] ?? given;
}

/** Offset tokens (`f/…`, `b/…` for GetLogEvents, plain for the list calls): stable while nothing is deleted. */
function offsetToken(prefix: string, index: number): string {
  return `${prefix}${String(index).padStart(56, '0')}`;
}

function parseOffset(token: string | undefined, prefixes: readonly string[]): { prefix: string; index: number } | undefined {
  if (token === undefined) return undefined;
  for (const prefix of prefixes) {
    const rest = token.startsWith(prefix) ? token.slice(prefix.length) : undefined;
    if (rest !== undefined && /^\d{1,56}$/.test(rest)) return { prefix, index: Number(rest) };
  }
  throw new SandboxApiError('InvalidParameterException', 'The specified nextToken is invalid.');
}

function page<T>(items: T[], input: Input, max: number): { items: T[]; nextToken?: string } {
  const start = parseOffset(optString(input, 'nextToken'), [''])?.index ?? 0;
  const limit = limitOf(input, max);
  const end = start + limit;
  return { items: items.slice(start, end), ...(end < items.length ? { nextToken: offsetToken('', end) } : {}) };
}

function inWindow(input: Input): (t: number) => boolean {
  const start = optNumber(input, 'startTime');
  const end = optNumber(input, 'endTime');
  // The window is [startTime, endTime]: AWS includes events at endTime for GetLogEvents and FilterLogEvents.
  return (t) => (start === undefined || t >= start) && (end === undefined || t <= end);
}

function describeStream(g: LogGroupState, s: LogStreamState): Record<string, unknown> {
  const first = s.events[0];
  const last = s.events.at(-1);
  return compact({
    logStreamName: s.name,
    creationTime: s.createdAt,
    firstEventTimestamp: first?.timestamp,
    lastEventTimestamp: last?.timestamp,
    lastIngestionTime: s.lastIngestionTime,
    uploadSequenceToken: String(s.uploads).padStart(56, '0'),
    arn: `${g.arn}:log-stream:${s.name}`,
    // Deprecated for streams in 2019: AWS always reports 0.
    storedBytes: 0,
  });
}

export const logsOperations: Record<string, (w: WorldContext, input: Input) => Record<string, unknown>> = {
  CreateLogGroup(w, input) {
    createGroup(w, groupNameOf({ logGroupName: input.logGroupName }));
    return {};
  },
  DeleteLogGroup(w, input) {
    const g = group(w, groupNameOf({ logGroupName: input.logGroupName }));
    delete logsState(w).groups[g.name];
    return {};
  },
  DescribeLogGroups(w, input) {
    const prefix = optString(input, 'logGroupNamePrefix');
    const pattern = optString(input, 'logGroupNamePattern');
    if (prefix !== undefined && pattern !== undefined) {
      throw new SandboxApiError(
        'InvalidParameterException',
        'LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.',
      );
    }
    const groups = Object.values(logsState(w).groups)
      .filter(
        (g) =>
          (prefix === undefined || g.name.startsWith(prefix)) &&
          (pattern === undefined || g.name.toLowerCase().includes(pattern.toLowerCase())),
      )
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    const { items, nextToken } = page(groups, input, 50);
    return compact({
      logGroups: items.map((g) =>
        compact({
          logGroupName: g.name,
          creationTime: g.createdAt,
          retentionInDays: g.retentionInDays,
          metricFilterCount: 0,
          ...groupArns(g),
          storedBytes: Object.values(g.streams).reduce((n, s) => n + s.storedBytes, 0),
          logGroupClass: 'STANDARD',
        }),
      ),
      nextToken,
    });
  },
  CreateLogStream(w, input) {
    const g = group(w, groupNameOf({ logGroupName: input.logGroupName }));
    createStream(w, g, optString(input, 'logStreamName') ?? '');
    return {};
  },
  DeleteLogStream(w, input) {
    const g = group(w, groupNameOf({ logGroupName: input.logGroupName }));
    const s = stream(g, optString(input, 'logStreamName') ?? '');
    delete g.streams[s.name];
    return {};
  },
  DescribeLogStreams(w, input) {
    const g = group(w, groupNameOf(input));
    const prefix = optString(input, 'logStreamNamePrefix');
    const orderBy = optString(input, 'orderBy') ?? 'LogStreamName';
    if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') {
      throw new SandboxApiError(
        'InvalidParameterException',
        `1 validation error detected: Value '${orderBy}' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]`,
      );
    }
    if (orderBy === 'LastEventTime' && prefix !== undefined) {
      throw new SandboxApiError('InvalidParameterException', 'Cannot order by LastEventTime with a logStreamNamePrefix.');
    }
    const streams = Object.values(g.streams).filter((s) => prefix === undefined || s.name.startsWith(prefix));
    streams.sort((a, b) =>
      orderBy === 'LogStreamName'
        ? a.name < b.name
          ? -1
          : a.name > b.name
            ? 1
            : 0
        : (a.events.at(-1)?.timestamp ?? 0) - (b.events.at(-1)?.timestamp ?? 0),
    );
    if (optBool(input, 'descending')) streams.reverse();
    const { items, nextToken } = page(streams, input, 50);
    return compact({ logStreams: items.map((s) => describeStream(g, s)), nextToken });
  },
  PutLogEvents(w, input) {
    const g = group(w, groupNameOf({ logGroupName: input.logGroupName }));
    const s = stream(g, optString(input, 'logStreamName') ?? '');
    const events = list(input.logEvents).filter(isRecord);
    if (events.length === 0 || events.length > MAX_BATCH_EVENTS) {
      throw new SandboxApiError(
        'InvalidParameterException',
        `1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length between 1 and ${MAX_BATCH_EVENTS}`,
      );
    }
    const parsed = events.map((e) => ({ timestamp: Number(e.timestamp), message: String(e.message ?? '') }));
    for (let i = 1; i < parsed.length; i++) {
      if ((parsed[i]?.timestamp ?? 0) < (parsed[i - 1]?.timestamp ?? 0)) {
        throw new SandboxApiError(
          'InvalidParameterException',
          'Log events in a single PutLogEvents request must be in chronological order.',
        );
      }
    }
    // Too old ones lead the batch and too new ones trail it (it is in order): AWS reports each end of the range.
    const tooOld = parsed.findLastIndex((e) => e.timestamp < w.now - MAX_AGE_MS);
    const tooNew = parsed.findIndex((e) => e.timestamp > w.now + MAX_AHEAD_MS);
    const kept = parsed.filter((e) => e.timestamp >= w.now - MAX_AGE_MS && e.timestamp <= w.now + MAX_AHEAD_MS);
    if (kept.length > 0) appendEvents(w, s, kept);
    const rejected = compact({
      tooOldLogEventEndIndex: tooOld >= 0 ? tooOld : undefined,
      tooNewLogEventStartIndex: tooNew >= 0 ? tooNew : undefined,
    });
    return compact({
      nextSequenceToken: String(s.uploads).padStart(56, '0'),
      rejectedLogEventsInfo: Object.keys(rejected).length > 0 ? rejected : undefined,
    });
  },
  GetLogEvents(w, input) {
    const g = group(w, groupNameOf(input));
    const s = stream(g, optString(input, 'logStreamName') ?? '');
    const within = inWindow(input);
    const events = s.events.filter((e) => within(e.timestamp));
    const limit = limitOf(input, 10_000);
    const token = parseOffset(optString(input, 'nextToken'), ['f/', 'b/']);
    let start: number;
    let end: number;
    if (token?.prefix === 'f/') {
      start = Math.min(token.index, events.length);
      end = Math.min(start + limit, events.length);
    } else if (token?.prefix === 'b/') {
      end = Math.min(token.index, events.length);
      start = Math.max(0, end - limit);
    } else if (optBool(input, 'startFromHead')) {
      start = 0;
      end = Math.min(limit, events.length);
    } else {
      end = events.length;
      start = Math.max(0, end - limit);
    }
    return {
      events: events.slice(start, end).map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime })),
      // At the end of the stream the forward token is the one given: a reader polls with it until events come.
      nextForwardToken: offsetToken('f/', end),
      nextBackwardToken: offsetToken('b/', start),
    };
  },
  FilterLogEvents(w, input) {
    const g = group(w, groupNameOf(input));
    const names = input.logStreamNames === undefined ? undefined : stringList(input.logStreamNames);
    const prefix = optString(input, 'logStreamNamePrefix');
    if (names !== undefined && prefix !== undefined) {
      throw new SandboxApiError('InvalidParameterException', 'logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
    }
    const matches = filterPatternMatcher(optString(input, 'filterPattern'));
    const within = inWindow(input);
    const streams = Object.values(g.streams).filter(
      (s) => (names === undefined || names.includes(s.name)) && (prefix === undefined || s.name.startsWith(prefix)),
    );
    const events = streams
      .flatMap((s) =>
        s.events
          .filter((e) => within(e.timestamp) && matches(e.message))
          .map((e) => ({
            logStreamName: s.name,
            timestamp: e.timestamp,
            message: e.message,
            ingestionTime: e.ingestionTime,
            eventId: e.eventId,
          })),
      )
      .sort((a, b) => a.timestamp - b.timestamp || (a.eventId < b.eventId ? -1 : 1));
    const { items, nextToken } = page(events, input, 10_000);
    // `searchedLogStreams` has been an always-empty list since 2020 (API reference).
    return compact({ events: items, searchedLogStreams: [], nextToken });
  },
};
