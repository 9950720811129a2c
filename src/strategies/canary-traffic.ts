/**
 * The canary's traffic: the weighted forward action of one listener rule (or of a listener's default action), read,
 * written and verified (aws-semantics.md §3.1, §3.3).
 *
 * - Weights are relative ALB weights (0–999): the canary's percentage `w` is written as stable `100 − w`, canary `w`.
 * - ModifyRule / ModifyListener replace the WHOLE action list: every other action (authenticate-*, ...) is sent back
 *   as read; only the forward action's target groups change.
 * - A forward action that names any target group besides the stable and canary ones is refused: we would have to
 *   guess its share.
 * - Stickiness on the forward action is refused: sticky clients ignore weights, so the gate would judge traffic
 *   the weights do not describe.
 * - Every write is verified by reading the rule (or listener) back until the weights show (Argo Rollouts #701,
 *   #3333: under ELBv2 throttling a rollout "completed" while the ALB still routed to the old side).
 */
import type { AwsPorts } from '../aws/ports.js';
import { AwsApiError } from '../errors/index.js';
import type { CanaryStrategy } from '../model/strategy.js';
import { errorMessage } from '../util/error-text.js';
import type { StrategyContext } from './types.js';

type Action = NonNullable<Parameters<AwsPorts['elbv2']['modifyRule']>[0]['Actions']>[number];

/** The rule or listener whose forward action carries the weights. */
export type TrafficRoute = { kind: 'rule'; arn: string } | { kind: 'listener'; arn: string };

export function routeOf(strategy: CanaryStrategy): TrafficRoute {
  if (strategy.rule) return { kind: 'rule', arn: strategy.rule };
  if (strategy.listener) return { kind: 'listener', arn: strategy.listener };
  throw new Error('the canary strategy names neither a listener rule nor a listener');
}

export function describeRoute(route: TrafficRoute): string {
  return route.kind === 'rule' ? `listener rule ${route.arn}` : `the default action of listener ${route.arn}`;
}

/** The two target groups, by ARN and name. */
export interface CanaryTargetGroups {
  stable: { arn: string; name: string };
  canary: { arn: string; name: string };
}

/** The two sides' weights as read or written: relative ALB weights, not percentages. */
export interface SideWeights {
  stable: number;
  canary: number;
}

/** The forward action as read. */
export interface ForwardState {
  /** The whole action list, as read (sent back whole on every write). */
  actions: Action[];
  weights: SideWeights;
  /** Target groups of the forward action besides the stable and canary ones (their ARNs). */
  others: string[];
  /** Target-group stickiness of the forward action is on. */
  sticky: boolean;
}

/** The canary's share in percent, from relative weights (`undefined` when nothing is forwarded). */
export function canaryPercent(w: SideWeights): number | undefined {
  const total = w.stable + w.canary;
  return total > 0 ? Math.round((100 * w.canary) / total) : undefined;
}

/** Reads both target groups' ARNs and names (names or ARNs as the manifest wrote them). */
export async function resolveTargetGroups(ports: AwsPorts, strategy: CanaryStrategy, signal: AbortSignal): Promise<CanaryTargetGroups> {
  const refs = [strategy.stable.targetGroup, strategy.canary.targetGroup];
  const arns = refs.filter((r) => r.startsWith('arn:'));
  const names = refs.filter((r) => !r.startsWith('arn:'));
  const found: { arn: string; name: string }[] = [];
  for (const [byArn, ids] of [
    [true, arns],
    [false, names],
  ] as const) {
    if (ids.length === 0) continue;
    const out = await ports.elbv2.describeTargetGroups(byArn ? { TargetGroupArns: [...ids] } : { Names: [...ids] }, { signal });
    for (const tg of out.TargetGroups ?? []) found.push({ arn: tg.TargetGroupArn ?? '', name: tg.TargetGroupName ?? '' });
  }
  const pick = (ref: string, role: string) => {
    const tg = found.find((t) => t.arn === ref || t.name === ref);
    if (!tg) throw new Error(`the ${role} target group "${ref}" does not exist in ${ports.region}`);
    return tg;
  };
  return { stable: pick(strategy.stable.targetGroup, 'stable'), canary: pick(strategy.canary.targetGroup, 'canary') };
}

function forwardIndex(actions: Action[]): number {
  return actions.findIndex((a) => a.Type === 'forward');
}

/** The target groups and weights of a forward action (a plain `TargetGroupArn` is one group of weight 1). */
function forwardTargets(action: Action | undefined): { arn: string; weight: number }[] {
  const tuples = action?.ForwardConfig?.TargetGroups ?? [];
  if (tuples.length > 0) return tuples.map((t) => ({ arn: t.TargetGroupArn ?? '', weight: t.Weight ?? 1 }));
  return action?.TargetGroupArn ? [{ arn: action.TargetGroupArn, weight: 1 }] : [];
}

function stateOf(actions: Action[], tgs: CanaryTargetGroups): ForwardState {
  const forward = actions[forwardIndex(actions)];
  const targets = forwardTargets(forward);
  const weightOf = (arn: string) => targets.filter((t) => t.arn === arn).reduce((s, t) => s + t.weight, 0);
  return {
    actions,
    weights: { stable: weightOf(tgs.stable.arn), canary: weightOf(tgs.canary.arn) },
    others: targets.filter((t) => t.arn !== tgs.stable.arn && t.arn !== tgs.canary.arn).map((t) => t.arn),
    sticky: forward?.ForwardConfig?.TargetGroupStickinessConfig?.Enabled === true,
  };
}

/** Reads the route's action list (DescribeRules by ARN, or DescribeListeners for a default action). */
export async function readForward(
  ports: AwsPorts,
  route: TrafficRoute,
  tgs: CanaryTargetGroups,
  signal: AbortSignal,
): Promise<ForwardState> {
  let actions: Action[];
  if (route.kind === 'rule') {
    const out = await ports.elbv2.describeRules({ RuleArns: [route.arn] }, { signal });
    actions = (out.Rules?.[0]?.Actions ?? []) as Action[];
  } else {
    const out = await ports.elbv2.describeListeners({ ListenerArns: [route.arn] }, { signal });
    actions = (out.Listeners?.[0]?.DefaultActions ?? []) as Action[];
  }
  return stateOf(actions, tgs);
}

/**
 * What keeps the route from carrying a canary: no forward action, other target groups in it, or stickiness on.
 * Empty when it can.
 */
export function routeProblems(
  route: TrafficRoute,
  state: ForwardState,
  tgs: CanaryTargetGroups,
): { kind: 'sticky' | 'other'; text: string }[] {
  const where = describeRoute(route);
  if (forwardIndex(state.actions) < 0) return [{ kind: 'other', text: `${where} has no forward action to weight` }];
  const problems: { kind: 'sticky' | 'other'; text: string }[] = [];
  if (state.others.length > 0) {
    problems.push({
      kind: 'other',
      text: `${where} also forwards to ${state.others.join(', ')}: the canary strategy weights only the stable (${tgs.stable.name}) and canary (${tgs.canary.name}) target groups, and will not guess the share of another`,
    });
  }
  if (state.sticky) {
    problems.push({
      kind: 'sticky',
      text: `${where} has target-group stickiness on: sticky clients ignore weights, so the gate would judge traffic the weights do not describe; turn TargetGroupStickinessConfig off for the rollout`,
    });
  }
  return problems;
}

/** The whole action list with the forward action sending `percent` % to the canary (stable 100 − percent). */
function actionsWithWeight(state: ForwardState, tgs: CanaryTargetGroups, percent: number): Action[] {
  const at = forwardIndex(state.actions);
  return state.actions.map((a, i) => {
    if (i !== at) return a;
    const { TargetGroupArn: _single, ...rest } = a;
    const stickiness = a.ForwardConfig?.TargetGroupStickinessConfig;
    return {
      ...rest,
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: tgs.stable.arn, Weight: 100 - percent },
          { TargetGroupArn: tgs.canary.arn, Weight: percent },
        ],
        ...(stickiness ? { TargetGroupStickinessConfig: stickiness } : {}),
      },
    };
  });
}

/** Reads (after a write) while the weights do not show yet: delays before each, bounded. */
export const VERIFY_DELAYS_MS = [0, 1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 15_000];
/** Attempts of the write itself beyond the SDK's retries (an ELBv2 throttle storm outlasting them). */
const WRITE_ATTEMPTS = 4;

export interface ShiftResult {
  /** The weights read back, equal to what was written. */
  verified: boolean;
  /** What the last read showed. */
  read: SideWeights | undefined;
  /** Why it was not verified. */
  problem?: string;
}

function same(a: SideWeights | undefined, b: SideWeights): boolean {
  return a !== undefined && a.stable === b.stable && a.canary === b.canary;
}

/**
 * Sets the canary's share to `percent`, with the whole action list, and reads it back until it shows. Waits and
 * calls honour `signal` (pass the hard signal when restoring traffic: a first Ctrl-C must never cut a restore).
 * `state` is the action list as last read; it is re-read before each retry of a failed write.
 */
export async function shiftTraffic(
  context: Pick<StrategyContext, 'ports' | 'calls' | 'clock'>,
  route: TrafficRoute,
  tgs: CanaryTargetGroups,
  state: ForwardState,
  percent: number,
  signal: AbortSignal,
): Promise<ShiftResult> {
  const { ports, calls, clock } = context;
  const want: SideWeights = { stable: 100 - percent, canary: percent };
  const summary = `${describeRoute(route)}: ${tgs.stable.name} ${want.stable} / ${tgs.canary.name} ${want.canary}`;
  let current = state;
  let lastError: unknown;
  for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt += 1) {
    const actions = actionsWithWeight(current, tgs, percent);
    try {
      await calls.mutate({ service: 'ELBv2', operation: route.kind === 'rule' ? 'ModifyRule' : 'ModifyListener', summary }, (s) =>
        route.kind === 'rule'
          ? ports.elbv2.modifyRule({ RuleArn: route.arn, Actions: actions }, { signal: s })
          : ports.elbv2.modifyListener({ ListenerArn: route.arn, DefaultActions: actions }, { signal: s }),
      );
      lastError = undefined;
      break;
    } catch (error) {
      lastError = error;
      // A refusal (4xx other than throttling) will not change by trying again.
      if (error instanceof AwsApiError && !error.throttled && (error.httpStatus ?? 500) < 500) break;
      if (signal.aborted) break;
      try {
        await clock.sleep(VERIFY_DELAYS_MS[attempt + 2] ?? 15_000, signal);
        current = await readForward(ports, route, tgs, signal);
        // The write went through after all (a lost response).
        if (same(current.weights, want)) return { verified: true, read: current.weights };
      } catch {
        break;
      }
    }
  }
  if (calls.dryRun) return { verified: true, read: want };
  // Even after a failed write: it may have been applied anyway, and the reads say which.
  let read: SideWeights | undefined;
  let readError: unknown;
  for (const delay of VERIFY_DELAYS_MS) {
    try {
      if (delay > 0) await clock.sleep(delay, signal);
      read = (await readForward(ports, route, tgs, signal)).weights;
      readError = undefined;
      if (same(read, want)) return { verified: true, read };
    } catch (error) {
      readError = error;
      if (signal.aborted) break;
    }
  }
  const saw = read ? `reads show ${tgs.stable.name} ${read.stable} / ${tgs.canary.name} ${read.canary}` : 'it could not be read back';
  const why = lastError !== undefined ? `the write failed (${errorMessage(lastError)}) and ${saw}` : `${saw} after the write`;
  return {
    verified: false,
    read,
    problem: `weights ${want.stable}/${want.canary} not verified on ${describeRoute(route)}: ${why}${readError ? ` (last read: ${errorMessage(readError)})` : ''}`,
  };
}

/** The canary target group's `deregistration_delay.timeout_seconds` (AWS's default 300 when not listed). */
export async function deregistrationDelayMs(ports: AwsPorts, targetGroupArn: string, signal: AbortSignal): Promise<number> {
  const out = await ports.elbv2.describeTargetGroupAttributes({ TargetGroupArn: targetGroupArn }, { signal });
  const value = out.Attributes?.find((a) => a.Key === 'deregistration_delay.timeout_seconds')?.Value;
  const seconds = value === undefined ? 300 : Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 300_000;
}

/** Healthy targets of a target group (DescribeTargetHealth). */
export async function healthyTargets(
  ports: AwsPorts,
  targetGroupArn: string,
  signal: AbortSignal,
): Promise<{ healthy: number; total: number }> {
  const out = await ports.elbv2.describeTargetHealth({ TargetGroupArn: targetGroupArn }, { signal });
  const all = (out.TargetHealthDescriptions ?? []).filter((d) => !['draining', 'unused'].includes(d.TargetHealth?.State ?? ''));
  return { healthy: all.filter((d) => d.TargetHealth?.State === 'healthy').length, total: all.length };
}
