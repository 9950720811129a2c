/**
 * The load balancer side of an ECS-native deployment: the listener rules ECS moves weights on (checked before
 * anything changes: they exist, and forward only, §1.8), and which target group is green (the new revision's) and
 * which blue, found at run time because they alternate between deployments: DescribeServiceRevisions'
 * `resolvedConfiguration` first, else whichever one the production rule sent the traffic to before the update.
 */
import type { AwsPorts, EcsService } from '../aws/ports.js';
import type { EcsNativeStrategy } from '../model/strategy.js';
import { errorMessage } from '../util/error-text.js';

export interface Sides {
  green: string;
  blue: string;
}

/** `arn:…:targetgroup/web-green/0123…` → `web-green`. */
export function targetGroupName(arn: string): string {
  return /:targetgroup\/([^/]+)\//.exec(arn)?.[1] ?? arn;
}

/** The service's managed target group: the load balancer entry ECS shifts traffic for (its `targetGroupArn`). */
export function primaryTargetGroup(service: EcsService | undefined): string | undefined {
  const lbs = service?.loadBalancers ?? [];
  return (lbs.find((lb) => lb.advancedConfiguration !== undefined) ?? lbs.find((lb) => lb.targetGroupArn))?.targetGroupArn;
}

type Forward = { TargetGroupArn?: string; Weight?: number }[];

/** The weighted target groups of a rule's (or an NLB listener's) forward action; undefined when it does not exist. */
async function forwardOf(ports: AwsPorts, arn: string, signal: AbortSignal): Promise<{ types: string[]; forward: Forward } | undefined> {
  const actions = arn.includes(':listener-rule/')
    ? (await ports.elbv2.describeRules({ RuleArns: [arn] }, { signal })).Rules?.[0]?.Actions
    : (await ports.elbv2.describeListeners({ ListenerArns: [arn] }, { signal })).Listeners?.[0]?.DefaultActions;
  if (!actions) return undefined;
  const fwd = actions.find((a) => a.Type === 'forward');
  const forward: Forward =
    fwd?.ForwardConfig?.TargetGroups ?? (fwd?.TargetGroupArn ? [{ TargetGroupArn: fwd.TargetGroupArn, Weight: 1 }] : []);
  return { types: actions.map((a) => String(a.Type)), forward };
}

/** Problems with the rules ECS will move weights on; empty when they exist and forward only. */
export async function ruleProblems(ports: AwsPorts, s: EcsNativeStrategy, signal: AbortSignal): Promise<string[]> {
  const problems: string[] = [];
  const rules: [string, string | undefined][] = [
    ['productionListenerRule', s.productionListenerRule],
    ['testListenerRule', s.testListenerRule],
  ];
  for (const [what, arn] of rules) {
    if (!arn) continue;
    try {
      const read = await forwardOf(ports, arn, signal);
      if (!read) {
        problems.push(`${what} ${arn} does not exist`);
        continue;
      }
      const others = read.types.filter((t) => t !== 'forward');
      if (others.length > 0) {
        problems.push(
          `${what} ${arn} has ${others.join(', ')} actions besides forward: ECS blue/green deployments fail on such rules (move them to another rule)`,
        );
      } else if (read.types.length === 0) {
        problems.push(`${what} ${arn} has no forward action`);
      }
    } catch (error) {
      problems.push(`${what} ${arn} could not be read: ${errorMessage(error)}`);
    }
  }
  return problems;
}

/** The target group the production rule sends (most of) the traffic to now: blue, before the update. */
export async function productionTargetGroupNow(ports: AwsPorts, s: EcsNativeStrategy, signal: AbortSignal): Promise<string | undefined> {
  const read = await forwardOf(ports, s.productionListenerRule, signal).catch(() => undefined);
  const sorted = [...(read?.forward ?? [])].sort((a, b) => (b.Weight ?? 0) - (a.Weight ?? 0));
  return sorted[0]?.TargetGroupArn;
}

/**
 * Green and blue of the deployment whose target revision is `revisionArn`. `primary` is the service's target group,
 * the alternate is the strategy's; `blueBefore` the one that served production before the update (fallback).
 */
export async function resolveSides(
  ports: AwsPorts,
  s: EcsNativeStrategy,
  o: { revisionArn: string | undefined; primary: string | undefined; blueBefore: string | undefined },
  signal: AbortSignal,
): Promise<Sides | undefined> {
  const pair = [o.primary, s.alternateTargetGroup].filter((x): x is string => Boolean(x));
  const other = (tg: string) => pair.find((x) => x !== tg);
  if (o.revisionArn) {
    const out = await ports.ecs.describeServiceRevisions({ serviceRevisionArns: [o.revisionArn] }, { signal }).catch(() => undefined);
    const green = out?.serviceRevisions?.[0]?.resolvedConfiguration?.loadBalancers?.[0]?.targetGroupArn;
    const blue = green ? other(green) : undefined;
    if (green && blue) return { green, blue };
  }
  const blue = o.blueBefore && pair.includes(o.blueBefore) ? o.blueBefore : o.primary;
  const green = blue ? other(blue) : undefined;
  return blue && green ? { green, blue } : undefined;
}
