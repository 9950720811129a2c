/**
 * Scenario files: what the sandbox's images do (start time, crash, failing health checks, error rate, latency),
 * what the Lambda functions of lifecycle hooks answer (CodeDeploy's and ECS's), and which API faults the protocol
 * layer injects. Documented in docs/sandbox.md ("Scenario files").
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type Pair } from 'yaml';
import { ManifestError, type ManifestIssue } from '../../errors/index.js';
import { globToRegExp } from './input.js';
import type { TaskBehaviour } from './types.js';

export type AwsServiceId = 'ecs' | 'codedeploy' | 'elbv2' | 'cloudwatch' | 'events' | 'sns' | 'logs';

export const AWS_SERVICE_IDS: readonly AwsServiceId[] = ['ecs', 'codedeploy', 'elbv2', 'cloudwatch', 'events', 'sns', 'logs'];

export interface ImageBehaviour {
  /** Glob on the full image reference or on its tag alone, e.g. `*:bad`, `*shop-web:2.*`, `2.*`. */
  match: string;
  /** Seconds from PENDING to RUNNING (default 5). */
  startSeconds?: number;
  /** The essential container exits right when it would become RUNNING. */
  crashOnStart?: boolean;
  /** Exit code of a crash, or of a one-off task's container (default 1 for a crash, 0 otherwise). */
  exitCode?: number;
  /** Health checks (container and load balancer) fail. */
  failHealthChecks?: boolean;
  /** Share (0..1) of requests answered with a 5XX. */
  errorRate?: number;
  /** Response time of each request, in ms (default 20). */
  latencyMs?: number;
  /**
   * What the container prints when it starts (before a crash, or before a one-off task exits), line by line, to
   * its awslogs stream (after the sandbox's own start line).
   */
  logs?: string[];
}

/** A scenario's API fault, applied by the protocol layer before dispatch (format: docs/sandbox.md). */
export interface ApiFault {
  service?: AwsServiceId;
  operation?: string;
  /** Probability (0..1) that a matching call is throttled. */
  throttleRate?: number;
  /** Probability (0..1) that a matching call fails with a 5xx. */
  serverErrorRate?: number;
  /** Simulated time every matching call takes before it is answered. */
  latencyMs?: number;
}

/** The lifecycle events of a CodeDeploy ECS deployment that run a Lambda hook (§2.1). */
export const HOOK_EVENTS = ['BeforeInstall', 'AfterInstall', 'AfterAllowTestTraffic', 'BeforeAllowTraffic', 'AfterAllowTraffic'] as const;

/**
 * What a lifecycle hook's Lambda function answers, for functions matching `match`: an ECS lifecycle hook
 * (`hookStatus`, §1.9; `stage` narrows it) or a CodeDeploy one (PutLifecycleEventHookExecutionStatus, §2.1; `event`
 * narrows it). Either spelling of the status works for both: `SUCCEEDED`/`Succeeded`, `FAILED`/`Failed`, and
 * `IN_PROGRESS`/`Pending` (ECS asks again after 30 s until the hook times out; CodeDeploy fails the event after an
 * hour). A function no entry matches succeeds.
 */
export interface HookAnswer {
  /** Glob on the function ARN or on its name alone, e.g. `*:function:smoke-test`, `smoke-*`. */
  match: string;
  /** ECS hooks only: at this lifecycle stage (default: every stage the hook runs at). */
  stage?: string;
  /** CodeDeploy hooks only: at this lifecycle event (default: any). */
  event?: (typeof HOOK_EVENTS)[number];
  status: 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS' | 'Succeeded' | 'Failed' | 'Pending';
  /** Seconds each invocation takes before it answers (default 1). */
  seconds?: number;
  /** What a failing CodeDeploy hook says (the lifecycle event's diagnostics). */
  message?: string;
}

export const HOOK_STATUSES: readonly HookAnswer['status'][] = ['SUCCEEDED', 'FAILED', 'IN_PROGRESS', 'Succeeded', 'Failed', 'Pending'];

export interface Scenario {
  images: ImageBehaviour[];
  faults: ApiFault[];
  /** Lambda hook answers, first match wins; a function no entry matches answers SUCCEEDED. */
  hooks?: HookAnswer[];
  /** Requests per minute each listener receives (default 600). */
  trafficPerMinute?: number;
}

export const EMPTY_SCENARIO: Scenario = { images: [], faults: [] };

export const DEFAULT_START_SECONDS = 5;
/** Seconds a Lambda hook's invocation takes when the scenario does not say. */
export const DEFAULT_HOOK_SECONDS = 1;

function matchesFunction(h: HookAnswer, functionArn: string): boolean {
  const name = functionArn.slice(functionArn.lastIndexOf(':') + 1);
  return globToRegExp(h.match).test(functionArn) || globToRegExp(h.match).test(name);
}

const AS_ECS: Record<HookAnswer['status'], 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS'> = {
  SUCCEEDED: 'SUCCEEDED',
  FAILED: 'FAILED',
  IN_PROGRESS: 'IN_PROGRESS',
  Succeeded: 'SUCCEEDED',
  Failed: 'FAILED',
  Pending: 'IN_PROGRESS',
};
const AS_CODEDEPLOY: Record<HookAnswer['status'], 'Succeeded' | 'Failed' | 'Pending'> = {
  SUCCEEDED: 'Succeeded',
  FAILED: 'Failed',
  IN_PROGRESS: 'Pending',
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  Pending: 'Pending',
};

/** The answer an ECS lifecycle hook's function `functionArn` gives at `stage`: the first matching entry, else SUCCEEDED. */
export function hookAnswerFor(
  scenario: Scenario,
  functionArn: string,
  stage: string,
): { status: 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS'; seconds: number } {
  const rule = (scenario.hooks ?? []).find(
    (h) => h.event === undefined && (h.stage === undefined || h.stage === stage) && matchesFunction(h, functionArn),
  );
  return { status: rule ? AS_ECS[rule.status] : 'SUCCEEDED', seconds: rule?.seconds ?? DEFAULT_HOOK_SECONDS };
}
export const DEFAULT_LATENCY_MS = 20;
export const DEFAULT_TRAFFIC_PER_MINUTE = 600;

function imageMatches(glob: string, image: string): boolean {
  const re = globToRegExp(glob);
  if (re.test(image)) return true;
  const at = image.indexOf('@');
  const noDigest = at >= 0 ? image.slice(0, at) : image;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  const tag = colon > slash ? noDigest.slice(colon + 1) : 'latest';
  return re.test(tag);
}

/** The answer of the first hook rule matching a CodeDeploy hook's function (at this event); undefined: it succeeds at once. */
export function codeDeployHookAnswer(
  scenario: Scenario,
  fn: string,
  event: string,
): { status: 'Succeeded' | 'Failed' | 'Pending'; seconds?: number; message?: string } | undefined {
  const rule = (scenario.hooks ?? []).find(
    (h) => h.stage === undefined && (h.event === undefined || h.event === event) && matchesFunction(h, fn),
  );
  if (!rule) return undefined;
  return {
    status: AS_CODEDEPLOY[rule.status],
    ...(rule.seconds !== undefined ? { seconds: rule.seconds } : {}),
    ...(rule.message !== undefined ? { message: rule.message } : {}),
  };
}

/** The first matching rule per image wins; a task takes the worst of its essential containers' images. */
export function behaviourFor(scenario: Scenario, images: { image: string; essential: boolean }[]): TaskBehaviour {
  const out: TaskBehaviour = {
    startSeconds: DEFAULT_START_SECONDS,
    crashOnStart: false,
    exitCode: undefined,
    failHealthChecks: false,
    errorRate: 0,
    latencyMs: DEFAULT_LATENCY_MS,
  };
  let start = 0;
  for (const { image, essential } of images) {
    const rule = scenario.images.find((r) => imageMatches(r.match, image));
    start = Math.max(start, rule?.startSeconds ?? DEFAULT_START_SECONDS);
    if (!rule) continue;
    if (essential && rule.crashOnStart) out.crashOnStart = true;
    if (essential && rule.exitCode !== undefined && out.exitCode === undefined) out.exitCode = rule.exitCode;
    if (rule.failHealthChecks) out.failHealthChecks = true;
    out.errorRate = Math.max(out.errorRate, rule.errorRate ?? 0);
    out.latencyMs = Math.max(out.latencyMs, rule.latencyMs ?? DEFAULT_LATENCY_MS);
  }
  out.startSeconds = images.length ? start : DEFAULT_START_SECONDS;
  return out;
}

/** The lines a container running `image` prints when it starts: its rule's `logs` (the first rule that matches). */
export function outputFor(scenario: Scenario, image: string): string[] {
  return [...(scenario.images.find((r) => imageMatches(r.match, image))?.logs ?? [])];
}

// ---------------------------------------------------------------------------------------------- parsing

const IMAGE_KEYS: Record<string, 'string' | 'number' | 'boolean' | 'rate' | 'lines'> = {
  match: 'string',
  startSeconds: 'number',
  crashOnStart: 'boolean',
  exitCode: 'number',
  failHealthChecks: 'boolean',
  errorRate: 'rate',
  latencyMs: 'number',
  logs: 'lines',
};
const HOOK_KEYS: Record<string, 'string' | 'number' | 'event' | 'hookStatus'> = {
  match: 'string',
  stage: 'string',
  event: 'event',
  status: 'hookStatus',
  seconds: 'number',
  message: 'string',
};
const FAULT_KEYS: Record<string, 'string' | 'number' | 'rate' | 'service'> = {
  service: 'service',
  operation: 'string',
  throttleRate: 'rate',
  serverErrorRate: 'rate',
  latencyMs: 'number',
};

/** A YAML list of scalars as text lines (numbers and booleans as written); undefined when it is not one. */
function linesOf(node: YamlNode | null | undefined): string[] | undefined {
  if (!isSeq(node)) return undefined;
  const out: string[] = [];
  for (const item of node.items) {
    if (!isScalar(item) || item.value === null || typeof item.value === 'object') return undefined;
    out.push(String(item.value));
  }
  return out;
}

/** Parses a scenario file. Every problem is reported with its file:line:column, all at once. */
export function parseScenario(text: string, file: string): Scenario {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const issues: ManifestIssue[] = [];
  const at = (node: YamlNode | null | undefined, path: string, message: string) => {
    const offset = node?.range?.[0] ?? 0;
    const pos = lineCounter.linePos(offset);
    issues.push({ file, line: pos.line, column: pos.col, path, message });
  };
  for (const e of doc.errors) {
    const pos = lineCounter.linePos(e.pos[0]);
    issues.push({ file, line: pos.line, column: pos.col, path: '', message: e.message.split('\n')[0] ?? e.message });
  }
  if (issues.length) throw new ManifestError(issues);
  const scenario: Scenario = { images: [], faults: [] };
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === undefined))) return scenario;
  if (!isMap(root)) {
    at(root, '', 'a scenario is a mapping with `images`, `hooks`, `faults` and `trafficPerMinute`');
    throw new ManifestError(issues);
  }
  for (const pair of root.items as Pair<YamlNode, YamlNode>[]) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (key === 'trafficPerMinute') {
      const v = isScalar(pair.value) ? pair.value.value : undefined;
      if (typeof v !== 'number' || v < 0) at(pair.value ?? pair.key, key, 'must be a number >= 0');
      else scenario.trafficPerMinute = v;
    } else if (key === 'images' || key === 'faults' || key === 'hooks') {
      const seq = pair.value;
      if (seq === null || (isScalar(seq) && seq.value === null)) continue;
      if (!isSeq(seq)) {
        at(seq ?? pair.key, key, 'must be a list');
        continue;
      }
      seq.items.forEach((item, i) => {
        const path = `${key}[${i}]`;
        if (!isMap(item)) {
          at(item as YamlNode, path, 'must be a mapping');
          return;
        }
        const spec: Record<string, string> = key === 'images' ? IMAGE_KEYS : key === 'hooks' ? HOOK_KEYS : FAULT_KEYS;
        const out: Record<string, unknown> = {};
        for (const p of item.items as Pair<YamlNode, YamlNode>[]) {
          const k = isScalar(p.key) ? String(p.key.value) : '';
          const kind = spec[k];
          const v = isScalar(p.value) ? p.value.value : undefined;
          if (kind === 'lines') {
            const lines = linesOf(p.value);
            if (lines === undefined) at(p.value ?? p.key, `${path}.${k}`, 'must be a list of lines (strings)');
            else out[k] = lines;
          } else if (!kind) {
            at(p.key, `${path}.${k}`, `unknown key; expected one of ${Object.keys(spec).join(', ')}`);
          } else if (kind === 'string' && typeof v !== 'string') {
            at(p.value ?? p.key, `${path}.${k}`, 'must be a string');
          } else if (kind === 'number' && (typeof v !== 'number' || v < 0)) {
            at(p.value ?? p.key, `${path}.${k}`, 'must be a number >= 0');
          } else if (kind === 'rate' && (typeof v !== 'number' || v < 0 || v > 1)) {
            at(p.value ?? p.key, `${path}.${k}`, 'must be a number between 0 and 1');
          } else if (kind === 'boolean' && typeof v !== 'boolean') {
            at(p.value ?? p.key, `${path}.${k}`, 'must be true or false');
          } else if (kind === 'service' && !AWS_SERVICE_IDS.includes(v as AwsServiceId)) {
            at(p.value ?? p.key, `${path}.${k}`, `must be one of ${AWS_SERVICE_IDS.join(', ')}`);
          } else if (kind === 'event' && !(HOOK_EVENTS as readonly unknown[]).includes(v)) {
            at(p.value ?? p.key, `${path}.${k}`, `must be one of ${HOOK_EVENTS.join(', ')}`);
          } else if (kind === 'hookStatus' && !HOOK_STATUSES.includes(v as HookAnswer['status'])) {
            at(p.value ?? p.key, `${path}.${k}`, `must be one of ${HOOK_STATUSES.join(', ')}`);
          } else {
            out[k] = v;
          }
        }
        if (key === 'images') {
          if (typeof out.match !== 'string') at(item, path, '`match` is required');
          else scenario.images.push(out as unknown as ImageBehaviour);
        } else if (key === 'hooks') {
          // A key given with a wrong value is reported above; only a missing one is reported here.
          if (!item.has('match') || !item.has('status')) at(item, path, '`match` and `status` are required');
          else if (typeof out.match === 'string' && typeof out.status === 'string') {
            scenario.hooks = [...(scenario.hooks ?? []), out as unknown as HookAnswer];
          }
        } else {
          scenario.faults.push(out as ApiFault);
        }
      });
    } else {
      at(pair.key, key, 'unknown key; expected images, hooks, faults or trafficPerMinute');
    }
  }
  if (issues.length) throw new ManifestError(issues);
  return scenario;
}
