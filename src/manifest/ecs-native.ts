/**
 * ECS-native strategies (ecs-blue-green, ecs-linear, ecs-canary) in the resolved service: the load balancer ECS
 * shifts traffic for gets its `advancedConfiguration`, the deployment settings get the `deploymentConfiguration`
 * members (model/ecs-native.ts), and the rules the schema cannot say are checked with AWS's ranges
 * (aws-semantics §1.8, §1.9): percentages in tenths, whole minutes, one managed load balancer, a test listener rule
 * for a test-traffic gate.
 */
import type { ManifestIssue } from '../errors/index.js';
import { advancedConfiguration, nativeDeploymentConfiguration } from '../model/ecs-native.js';
import type { DeploymentSettings, ServiceSettings } from '../model/manifest.js';
import type { EcsNativeStrategy } from '../model/strategy.js';
import { parseDuration } from '../util/duration.js';
import type { ServiceIssue } from './rules.js';
import type { WrittenEcsNative } from './written.js';

/** The longest a pause hook may wait (`timeoutInMinutes` 1–20160, §1.9). */
export const MAX_HOOK_TIMEOUT_MINUTES = 20160;

/** A multiple of 0.1 (with room for binary fractions: 10.3 is 10.299999…). */
function inTenths(v: number): boolean {
  return Math.abs(v * 10 - Math.round(v * 10)) < 1e-9;
}

/**
 * Sets the managed load balancer's advanced configuration and the deployment configuration from the strategy;
 * returns the problems (the settings are left as written when there are any).
 */
export function applyEcsNative(
  key: string,
  strategy: EcsNativeStrategy,
  written: WrittenEcsNative | undefined,
  settings: ServiceSettings,
  deployment: DeploymentSettings,
  at: ServiceIssue,
): ManifestIssue[] {
  const issues = ecsNativeIssues(key, strategy, written, settings, at);
  if (issues.length > 0) return issues;
  const lbs = settings.loadBalancers ?? [];
  settings.loadBalancers = lbs.map((lb) =>
    typeof lb.targetGroupArn === 'string' ? { ...lb, advancedConfiguration: advancedConfiguration(strategy) } : lb,
  );
  deployment.native = nativeDeploymentConfiguration(strategy);
  return [];
}

/** ECS counts these in whole minutes: `2m`, `1h30m` and `120s` are fine, `90s` is not. */
function wholeMinutes(text: string | undefined): boolean {
  const ms = text === undefined ? 0 : parseDuration(text);
  return ms !== undefined && ms % 60_000 === 0;
}

function ecsNativeIssues(
  key: string,
  s: EcsNativeStrategy,
  w: WrittenEcsNative | undefined,
  settings: ServiceSettings,
  at: ServiceIssue,
): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  const here = (rest: (string | number)[], message: string) => issues.push(at(key, ['strategy', ...rest], message));
  const managed = (settings.loadBalancers ?? []).filter((lb) => typeof lb.targetGroupArn === 'string');
  if (managed.length !== 1) {
    issues.push(
      at(
        key,
        ['loadBalancers'],
        `strategy ${s.type} needs exactly one load balancer with a targetGroupArn (the target group ECS alternates with alternateTargetGroup), found ${managed.length}`,
        true,
      ),
    );
  }
  const lb = managed[0];
  if (lb && lb.targetGroupArn === s.alternateTargetGroup) {
    here(['alternateTargetGroup'], "the alternate target group must differ from the load balancer's targetGroupArn");
  }
  if (s.testTrafficGate && s.testListenerRule === undefined) {
    here(['testTrafficGate'], 'a test-traffic gate needs testListenerRule: without it no test traffic reaches the new revision');
  }
  // AWS's ranges (API_LinearConfiguration, API_CanaryConfiguration, DeploymentConfiguration.bakeTimeInMinutes).
  if (!wholeMinutes(w?.bakeTime)) here(['bakeTime'], `must be whole minutes (ECS counts bakeTimeInMinutes), not \`${w?.bakeTime}\``);
  if (s.bakeTimeMinutes > 1440) here(['bakeTime'], `must be at most 1440 minutes (24h), not ${s.bakeTimeMinutes}`);
  if (s.linear) {
    const p = s.linear.stepPercent;
    if (!(p >= 3 && p <= 100) || !inTenths(p)) here(['linear', 'stepPercent'], `must be a multiple of 0.1 from 3.0 to 100.0, not ${p}`);
    if (!wholeMinutes(w?.linear?.stepBakeTime))
      here(['linear', 'stepBakeTime'], `must be whole minutes, not \`${w?.linear?.stepBakeTime}\``);
    if (s.linear.stepBakeTimeMinutes > 1440) here(['linear', 'stepBakeTime'], 'must be at most 1440 minutes (24h)');
  }
  if (w?.linear !== undefined && s.type !== 'ecs-linear') here(['linear'], `applies to ecs-linear, not ${s.type}`);
  if (s.canary) {
    const p = s.canary.canaryPercent;
    if (!(p >= 0.1 && p <= 100) || !inTenths(p)) here(['canary', 'canaryPercent'], `must be a multiple of 0.1 from 0.1 to 100.0, not ${p}`);
    if (!wholeMinutes(w?.canary?.canaryBakeTime)) {
      here(['canary', 'canaryBakeTime'], `must be whole minutes, not \`${w?.canary?.canaryBakeTime}\``);
    }
    if (s.canary.canaryBakeTimeMinutes > 1440) here(['canary', 'canaryBakeTime'], 'must be at most 1440 minutes (24h)');
  }
  if (w?.canary !== undefined && s.type !== 'ecs-canary') here(['canary'], `applies to ecs-canary, not ${s.type}`);
  s.hooks.forEach((h, i) => {
    const text = w?.hooks?.[i]?.timeout;
    if (!wholeMinutes(text)) here(['hooks', i, 'timeout'], `must be whole minutes, not \`${text}\``);
    else if (h.timeoutMinutes < 1) here(['hooks', i, 'timeout'], 'must be at least 1m');
    if (h.stages.length === 0) here(['hooks', i, 'stages'], 'name at least one lifecycle stage');
  });
  if (s.approval) {
    const text = w?.approval?.timeout;
    if (!wholeMinutes(text))
      here(['approval', 'timeout'], `must be whole minutes (it is the pause hook's timeoutInMinutes), not \`${text}\``);
    else if (s.approval.timeoutMs < 60_000) here(['approval', 'timeout'], 'must be at least 1m');
  }
  return issues;
}
