/**
 * ECS's own BLUE_GREEN, LINEAR and CANARY deployments (strategy types ecs-blue-green, ecs-linear, ecs-canary),
 * gated by ecsdeploy (aws-semantics §1.8–§1.10). ECS moves the traffic; ecsdeploy decides at pause hooks it adds.
 *
 *   check (reads only): the rules exist and forward only, the gate's target groups resolve
 *   start:  record state (tags on the service) ─► UpdateService: the revision, the strategy's configuration, the
 *           manifest's Lambda hooks and ecsdeploy's pause hooks (ecs-native-hooks.ts) ─► the service deployment
 *           it started, by ARN ─► once it shows its pause hooks, they come off the service (the deployment keeps
 *           its own configuration), so nobody else's deployment carries them
 *   follow: DescribeServiceDeployments (ecs-native-follow.ts); at each of ecsdeploy's pauses, awaiting action:
 *             POST_TEST_TRAFFIC_SHIFT        test-traffic gate (canary = green, the target group with the test traffic)
 *             PRE_PRODUCTION_TRAFFIC_SHIFT   production gate (once green carries production), approval
 *             POST_PRODUCTION_TRAFFIC_SHIFT  production gate with all traffic on green (blue still baking)
 *           ─► ContinueServiceDeployment CONTINUE; or ROLLBACK with the evidence (exit 1); or stop for a person (exit 3)
 *   end:    SUCCESSFUL ─► succeeded; ROLLBACK_* (circuit breaker, alarm, a Lambda hook, a timeout) ─► rolled back
 *           (a failure); STOPPED by another deployment ─► failed, its pauses released, never fought
 *           then ecsdeploy's pause hooks off the service (UpdateService, configuration only) and the state cleared
 *   Ctrl-C: onInterrupt rollback ─► ContinueServiceDeployment / StopServiceDeployment ROLLBACK, followed to its end
 *
 * `promote` continues a deployment held for approval, `abort` rolls it back, `apply --resume` takes it up again
 * (target.continuation), from any machine: the state lives on AWS. docs/blue-green.md tells the story for users.
 */
import type { EcsService } from '../aws/ports.js';
import { notifyMilestone, recordStateOrWarn } from './rollout-records.js';
import type { GateCheckEvidence } from '../events/types.js';
import { resolveGateTargets } from '../gates/target-groups.js';
import { holdGate } from '../gates/runner.js';
import type { GateTargets } from '../gates/types.js';
import { nativeDeploymentConfiguration } from '../model/ecs-native.js';
import { describeEcsNativeState, type EcsNativeState } from '../model/ecs-native-state.js';
import { type EcsNativeStrategy, type EcsNativeType, isEcsNative, type TestTrafficGate } from '../model/strategy.js';
import type { JsonObject } from '../model/task-definition.js';
import { shortTaskDefinition } from '../util/arn.js';
import { errorMessage } from '../util/error-text.js';
import { startServiceDeployment } from './ecs-service-writes.js';
import {
  awaitingPause,
  type DeploymentView,
  followServiceDeployment,
  type FollowStop,
  type HookView,
  readDeployment,
} from './ecs-native-follow.js';
import { hooksWithoutOurPauses, ourPauseStages, pauseHooks, pauseStages, productionSteps } from './ecs-native-hooks.js';
import {
  primaryTargetGroup,
  productionTargetGroupNow,
  resolveSides,
  ruleProblems,
  type Sides,
  targetGroupName,
} from './ecs-native-sides.js';
import { clearEcsNativeState, stateFromTags, writeEcsNativeState } from './ecs-native-state.js';
import { Rollout } from './rollout.js';
import { collectStoppedTasks } from './stopped-tasks.js';
import type { DeployResult, DeployStrategy, DeployTarget, StrategyContext, TouchedResource } from './types.js';

function nativeOf(target: DeployTarget): EcsNativeStrategy {
  if (!isEcsNative(target.strategy)) throw new Error(`${target.key} does not use an ECS-native strategy`);
  return target.strategy;
}

/** The commands that move a held or interrupted deployment on. */
function nextCommands(key: string): string[] {
  return [`ecsdeploy promote -n ${key}`, `ecsdeploy abort -n ${key}`];
}

/** The lifecycle stages in ECS's order, to tell "past ecsdeploy's last pause" (unknown stages sort last). */
const STAGE_ORDER = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'BAKE_TIME',
  'CLEAN_UP',
];

/** Final statuses, as follow stops (a deployment that ended while no run watched it). */
const FINAL_KIND: Record<string, 'succeeded' | 'rolled-back' | 'rollback-failed' | 'stopped'> = {
  SUCCESSFUL: 'succeeded',
  ROLLBACK_SUCCESSFUL: 'rolled-back',
  ROLLBACK_FAILED: 'rollback-failed',
  STOPPED: 'stopped',
};

function resources(target: DeployTarget): TouchedResource[] {
  const s = nativeOf(target);
  const primary = target.settings?.loadBalancers?.find((lb) => typeof lb.targetGroupArn === 'string')?.targetGroupArn;
  return [
    { kind: 'ecs-service', cluster: target.cluster, service: target.service, role: 'service', creates: target.create },
    { kind: 'listener-rule', arn: s.productionListenerRule },
    ...(s.testListenerRule ? [{ kind: 'listener-rule' as const, arn: s.testListenerRule }] : []),
    { kind: 'target-group', targetGroup: s.alternateTargetGroup },
    ...(typeof primary === 'string' ? [{ kind: 'target-group' as const, targetGroup: primary }] : []),
  ];
}

function gatesOf(s: EcsNativeStrategy): TestTrafficGate[] {
  return [s.testTrafficGate, s.productionGate].filter((g): g is TestTrafficGate => g !== undefined);
}

function strategyFor(type: EcsNativeType): DeployStrategy {
  return {
    type,
    resources,
    preflight(target, services) {
      const service = services.find(target.cluster, target.service);
      const controller = service?.deploymentController?.type ?? 'ECS';
      if (!target.create && service && controller !== 'ECS') {
        return [`service ${target.service} uses the ${controller} deployment controller; the ${type} strategy needs ECS`];
      }
      return [];
    },
    async check(target, context) {
      const s = nativeOf(target);
      // An abort only rolls back: nothing it needs can be missing.
      if (target.continuation === 'abort') return [];
      try {
        const problems = await ruleProblems(context.ports, s, context.hardSignal);
        const live = target.create ? undefined : await context.watcher.next(target.cluster, target.service, 0, context.hardSignal);
        const primary = primaryTargetGroup(live) ?? targetOfSettings(target);
        if (primary && gatesOf(s).length > 0) {
          await resolveGateTargets(context.ports, { canary: s.alternateTargetGroup, stable: primary }, gatesOf(s), context.hardSignal);
        }
        return problems.map((p) => `${target.key}: ${p}`);
      } catch (error) {
        return [`${target.key}: ${errorMessage(error)}`];
      }
    },
    deploy(target, context) {
      return new NativeRun(target, context).run();
    },
  };
}

function targetOfSettings(target: DeployTarget): string | undefined {
  const tg = target.settings?.loadBalancers?.find((lb) => typeof lb.targetGroupArn === 'string')?.targetGroupArn;
  return typeof tg === 'string' ? tg : undefined;
}

export const ecsNativeStrategies: Record<EcsNativeType, DeployStrategy> = {
  'ecs-blue-green': strategyFor('ecs-blue-green'),
  'ecs-linear': strategyFor('ecs-linear'),
  'ecs-canary': strategyFor('ecs-canary'),
};

/** How a deployment ended when ecsdeploy rolled it back. */
interface RollbackCause {
  trigger: 'gate' | 'timeout' | 'command' | 'interrupt' | 'failure';
  reason: string;
  checks?: GateCheckEvidence[];
}

/** Where a pause of ecsdeploy's sits, read from the deployment (stage and weights; every stage value is open). */
interface PausePoint {
  stage: string;
  kind: 'test' | 'before-step' | 'final';
  /** Green's share of production traffic now. */
  weight: number;
  /** The production step about to be taken (before-step). */
  step?: number;
}

class NativeRun {
  private readonly s: EcsNativeStrategy;
  private readonly rollout: Rollout;
  private live: EcsService | undefined;
  private serviceArn = '';
  private state!: EcsNativeState;
  private arn = '';
  private sides: Sides | undefined;
  private gateTargets: GateTargets | undefined;
  private blueBefore: string | undefined;
  /** Hooks ecsdeploy will not answer again in this run (an approval handed to a person, a hook it could not answer). */
  private readonly skip = new Set<string>();
  /** The hook `promote` approved. */
  private approved: string | undefined;
  private lastShown = '';
  private lastWeight: number | undefined;
  private maxProductionWeight = 0;
  /** ecsdeploy's pause hooks are on the service's configuration (not only on the deployment's own). */
  private hooksOnService = false;

  constructor(
    private readonly target: DeployTarget,
    private readonly context: StrategyContext,
  ) {
    this.s = nativeOf(target);
    this.rollout = new Rollout(target, context);
  }

  private get key(): string {
    return this.target.key;
  }

  private get previous(): string | undefined {
    return this.live?.taskDefinition ?? this.target.previousTaskDefinitionArn;
  }

  private result(outcome: DeployResult['outcome'], taskDefinitionArn: string | undefined, reason?: string): DeployResult {
    return this.rollout.result(outcome, taskDefinitionArn, { reason, deploymentId: this.arn || undefined });
  }

  private label(): string {
    return `${this.key} (service ${this.target.service})`;
  }

  async run(): Promise<DeployResult> {
    const { context, target } = this;
    let existing: EcsNativeState | undefined;
    try {
      existing = await this.prepare();
    } catch (error) {
      return this.result('failed', this.previous, `could not read the service: ${errorMessage(error)}; nothing was changed`);
    }
    if (target.continuation) {
      if (!existing)
        return this.result('failed', this.previous, `no ${this.s.type} deployment is in flight: nothing to ${target.continuation}`);
      return this.continueFrom(existing);
    }
    if (existing) {
      return this.result(
        'failed',
        this.previous,
        `a deployment is in flight on ${target.service} (${describeEcsNativeState(existing)}, run ${existing.runId}): ${nextCommands(this.key).join(', ')}, or apply --resume`,
      );
    }
    if (context.signal.aborted)
      return this.result('interrupted', this.previous, 'interrupted before the update: the service was not changed');
    return this.start();
  }

  /** Reads the service and its recorded state; changes nothing. */
  private async prepare(): Promise<EcsNativeState | undefined> {
    const { context, target } = this;
    if (target.create) return undefined;
    this.live = await context.watcher.next(target.cluster, target.service, 0, context.hardSignal);
    if (this.live?.status !== 'ACTIVE' || !this.live.serviceArn) {
      throw new Error(`service ${target.service} is ${this.live?.status ?? 'MISSING'} in cluster ${target.cluster}`);
    }
    this.serviceArn = this.live.serviceArn;
    this.rollout.treatAsHistory(this.live);
    const tags = await context.ports.ecs.listTagsForResource({ resourceArn: this.serviceArn }, { signal: context.hardSignal });
    return stateFromTags(tags.tags);
  }

  private async record(change: Partial<EcsNativeState>, signal?: AbortSignal): Promise<void> {
    this.state = { ...this.state, ...change };
    if (!this.serviceArn || this.context.calls.dryRun) return;
    const serviceArn = this.serviceArn;
    await recordStateOrWarn(this.context, { service: this.key, what: 'deployment state', signal }, () =>
      writeEcsNativeState(this.context, serviceArn, this.state, this.label()),
    );
  }

  private async milestone(event: string, summary: string, detail?: Record<string, unknown>): Promise<void> {
    await notifyMilestone(this.context, this.key, event, summary, detail);
  }

  // ------------------------------------------------------------------------------------------- start

  private async start(): Promise<DeployResult> {
    const { context, target, s } = this;
    this.state = { runId: context.runId ?? 'unknown', serviceDeployment: '', revision: target.taskDefinitionArn, phase: 'running' };
    // A new service has no production traffic to protect: ECS deploys it without ecsdeploy's pauses.
    const pauses = target.create ? [] : pauseHooks(s, this.state.runId);
    const native = target.deployment.native ?? nativeDeploymentConfiguration(s);
    const deploying: DeployTarget = {
      ...target,
      deployment: { ...target.deployment, native: { ...native, lifecycleHooks: [...native.lifecycleHooks, ...pauses] } },
    };
    if (!target.create) {
      this.blueBefore = await productionTargetGroupNow(context.ports, s, context.hardSignal);
      await this.record({});
    }
    context.emit({ type: 'service.phase', service: this.key, phase: target.create ? 'creating' : 'updating', detail: this.pausesText() });
    const previousPrimary = this.live?.deployments?.find((d) => d.status === 'PRIMARY')?.id ?? target.previousDeploymentId;
    const started = await startServiceDeployment(new Rollout(deploying, context), this.live, this.previous, previousPrimary);
    if (!started.started) {
      // Nothing changed (or a dry run): no state to keep.
      if (!context.calls.dryRun) await this.clearState();
      return started.result;
    }
    if (started.service?.serviceArn) this.serviceArn = started.service.serviceArn;
    this.hooksOnService = pauses.length > 0;
    this.arn = started.service?.currentServiceDeployment ?? (await this.findServiceDeployment()) ?? '';
    if (!this.arn) {
      return this.result(
        'failed',
        target.taskDefinitionArn,
        `the update started deployment ${started.deploymentId}, but ECS names no service deployment to follow; it may still be in progress`,
      );
    }
    await this.record({ serviceDeployment: this.arn });
    const first = await readDeployment(context, this.arn, context.hardSignal).catch(() => undefined);
    if (pauses.length > 0) await this.keepPausesOnTheDeploymentOnly(first);
    try {
      await this.knowSides(first);
    } catch (error) {
      // The gate cannot tell green from blue, or cannot read their target groups: nothing may be judged.
      return this.rollBack({ trigger: 'failure', reason: `the gate's target groups could not be read: ${errorMessage(error)}` }, undefined);
    }
    context.emit({
      type: 'service.started',
      service: this.key,
      strategy: s.type,
      fromTaskDefinition: this.previous,
      toTaskDefinition: target.taskDefinitionArn,
      deploymentId: this.arn,
    });
    this.rollout.showEventsFrom(started.deployment.createdAt);
    await this.milestone('ecs-native-started', `${s.type} deployment of ${shortTaskDefinition(target.taskDefinitionArn)} started`);
    return this.followLoop();
  }

  /**
   * The deployment carries its own configuration (DescribeServiceDeployments' `deploymentConfiguration`), pauses
   * included: once it shows them, they come off the service at once, so a deployment someone else starts meanwhile
   * (another tool, the console) carries none. Read again after: if the deployment lost them with the service (ECS
   * reading the service's hooks live), they go back on the service and stay there until the deployment is decided.
   */
  private async keepPausesOnTheDeploymentOnly(first: DeploymentView | undefined): Promise<void> {
    const { context } = this;
    const expected = pauseStages(this.s).map((p) => p.stage);
    const carries = (view: DeploymentView | undefined) => {
      const mine = ourPauseStages(view?.configuration, this.state.runId);
      return expected.every((stage) => mine.has(stage));
    };
    if (!carries(first)) {
      context.emit({
        type: 'log',
        level: 'info',
        message: `${this.key}: the service deployment does not show its pause hooks; they stay on the service until it is decided`,
      });
      return;
    }
    const before = this.hooksOnService;
    await this.removePauseHooks();
    const again = await readDeployment(context, this.arn, context.hardSignal).catch(() => undefined);
    if (carries(again)) return;
    context.emit({
      type: 'log',
      level: 'warn',
      message: `${this.key}: the service deployment lost its pause hooks with the service's; they go back on the service until it is decided`,
    });
    this.hooksOnService = before;
    await this.putPauseHooksBack();
  }

  /** Configuration-only UpdateService with ecsdeploy's pause hooks again (see keepPausesOnTheDeploymentOnly). */
  private async putPauseHooksBack(): Promise<void> {
    const { context, target } = this;
    const now = await context.watcher.next(target.cluster, target.service, 0, context.hardSignal);
    const kept = (now?.deploymentConfiguration?.lifecycleHooks ?? []) as unknown as JsonObject[];
    const deploymentConfiguration = {
      ...now?.deploymentConfiguration,
      lifecycleHooks: [...kept, ...pauseHooks(this.s, this.state.runId)] as never,
    };
    await context.calls.mutate(
      {
        service: 'ECS',
        operation: 'UpdateService',
        summary: `put ecsdeploy's pause hooks back on ${target.service} (deployment configuration only)`,
      },
      (signal) =>
        context.ports.ecs.updateService({ cluster: target.cluster, service: target.service, deploymentConfiguration }, { signal }),
    );
    this.hooksOnService = true;
  }

  /** `POST_TEST_TRAFFIC_SHIFT (test-traffic gate), …`: where this deployment will pause, for the phase line. */
  private pausesText(): string {
    const stages = this.target.create ? [] : pauseStages(this.s);
    return stages.length
      ? `${shortTaskDefinition(this.target.taskDefinitionArn)}; ecsdeploy pauses at ${stages.map((p) => p.stage).join(', ')}`
      : shortTaskDefinition(this.target.taskDefinitionArn);
  }

  /** The newest service deployment of the service, when UpdateService's answer named none (a terse proxy). */
  private async findServiceDeployment(): Promise<string | undefined> {
    const { context, target } = this;
    try {
      const out = await context.ports.ecs.listServiceDeployments(
        { cluster: target.cluster, service: target.service, createdAt: { after: new Date(this.rollout.startedAt - 5_000) } },
        { signal: context.hardSignal },
      );
      return out.serviceDeployments?.[0]?.serviceDeploymentArn;
    } catch {
      return undefined;
    }
  }

  // ------------------------------------------------------------------------------------------- following

  /** Reports stage, status and weight changes as events (once each). */
  private readonly report = (view: DeploymentView): void => {
    const { context } = this;
    const shown = `${view.status}|${view.stage}|${view.testWeight}|${view.productionWeight}`;
    if (shown !== this.lastShown) {
      this.lastShown = shown;
      context.emit({
        type: 'ecs-native.stage',
        service: this.key,
        serviceDeployment: view.arn,
        status: view.status,
        stage: view.stage ?? 'unknown',
        ...(view.testWeight !== undefined ? { testWeight: view.testWeight } : {}),
        ...(view.productionWeight !== undefined ? { productionWeight: view.productionWeight } : {}),
      });
    }
    const w = view.productionWeight;
    if (w !== undefined && w !== this.lastWeight && this.sides) {
      this.lastWeight = w;
      this.maxProductionWeight = Math.max(this.maxProductionWeight, w);
      context.emit({
        type: 'traffic.shifted',
        service: this.key,
        weights: { [targetGroupName(this.sides.blue)]: 100 - w, [targetGroupName(this.sides.green)]: w },
      });
    }
  };

  /** Green and blue of this deployment, and the gate's target groups (canary = green, stable = blue). */
  private async knowSides(view: DeploymentView | undefined): Promise<void> {
    const { context, s } = this;
    if (this.sides) return;
    this.sides = await resolveSides(
      context.ports,
      s,
      { revisionArn: view?.targetRevision, primary: primaryTargetGroup(this.live), blueBefore: this.blueBefore },
      context.hardSignal,
    );
    if (this.sides && gatesOf(s).length > 0) {
      this.gateTargets = await resolveGateTargets(
        context.ports,
        { canary: this.sides.green, stable: this.sides.blue },
        gatesOf(s),
        context.hardSignal,
      );
    }
  }

  private async followLoop(): Promise<DeployResult> {
    const { context } = this;
    for (;;) {
      const stop = await followServiceDeployment(context, {
        key: this.key,
        arn: this.arn,
        deadline: this.rollout.deadline,
        signal: context.signal,
        stopAtPause: true,
        skipHooks: this.skip,
        onView: this.report,
      });
      const ended = await this.onStop(stop);
      if (ended) return ended;
    }
  }

  /** What a follow stop means; undefined when following goes on (a pause was answered). */
  private async onStop(stop: FollowStop): Promise<DeployResult | undefined> {
    const { context, target } = this;
    switch (stop.kind) {
      case 'awaiting':
        return this.atPause(stop.view, stop.hook);
      case 'succeeded':
        await this.cleanUp();
        await this.milestone('ecs-native-succeeded', `${target.service} runs ${shortTaskDefinition(target.taskDefinitionArn)}`);
        return this.result('succeeded', target.taskDefinitionArn);
      case 'rolled-back':
        return this.rolledBackByEcs(stop.view);
      case 'rollback-failed': {
        await this.cleanUp();
        const why = stop.view.statusReason ?? stop.view.rollbackReason ?? 'the rollback failed';
        return this.result('failed', undefined, `service deployment ${this.arn} failed and ECS could not roll it back: ${why}`);
      }
      case 'stopped':
        return this.stopped(stop.view);
      case 'missing':
        await this.clearState();
        return this.result('failed', undefined, stop.reason);
      case 'error':
        return this.result(
          'failed',
          target.taskDefinitionArn,
          `${stop.reason}; the deployment may still be in progress (apply --resume follows it again)`,
        );
      case 'timeout': {
        const why = `service deployment ${this.arn} did not finish within ${Math.round(target.timeoutMs / 1000)}s`;
        if (target.onFailure === 'leave') {
          await this.record({ phase: 'interrupted' }, context.hardSignal);
          return this.result(
            'timed-out',
            target.taskDefinitionArn,
            `${why}; left as it is (onFailure: leave): ${nextCommands(this.key).join(', ')}`,
          );
        }
        return this.rollBack({ trigger: 'timeout', reason: why }, undefined);
      }
      case 'interrupted':
        return this.interrupted(undefined);
    }
  }

  /** Where a pause sits: the stage ECS reports, else (an unknown stage value) the weights say. */
  private pointOf(view: DeploymentView): PausePoint {
    const weight = view.productionWeight ?? 0;
    const stage = view.stage ?? 'unknown';
    const steps = productionSteps(this.s);
    const step = Math.min(steps.length, steps.filter((x) => x <= weight + 1e-9).length + 1);
    if (stage === 'POST_TEST_TRAFFIC_SHIFT') return { stage, kind: 'test', weight };
    if (stage === 'POST_PRODUCTION_TRAFFIC_SHIFT' || weight >= 100) return { stage, kind: 'final', weight };
    return { stage, kind: 'before-step', weight, step };
  }

  /** Decides at one of ecsdeploy's pauses; undefined when it was answered CONTINUE and following goes on. */
  private async atPause(view: DeploymentView, hook: HookView): Promise<DeployResult | undefined> {
    const { context, target, s } = this;
    await this.knowSides(view).catch(() => undefined);
    const point = this.pointOf(view);
    const continuation = target.continuation;
    let gateName: string | undefined;
    let reason: string;
    if (continuation === 'promote-full') {
      reason = 'promoted with --full: no gate, no approval';
    } else if (this.approved === hook.hookId) {
      reason = 'approved (ecsdeploy promote)';
    } else {
      const gate = point.kind === 'test' ? s.testTrafficGate : point.kind === 'final' || point.weight > 0 ? s.productionGate : undefined;
      gateName = point.kind === 'test' ? 'test-traffic' : gate ? 'production' : undefined;
      reason = gate
        ? ''
        : point.weight === 0 && point.kind === 'before-step'
          ? 'no production traffic on the new revision yet'
          : 'no gate here';
      if (gate && gateName) {
        const held = await this.hold(gate, gateName, point, hook);
        if ('result' in held) return held.result;
        reason = held.reason;
      }
      const approval = s.approval;
      if (point.kind === 'before-step' && approval && (approval.at === 'every-step' || point.weight === 0)) {
        return this.pause(point, hook, `${point.weight === 0 ? 'production traffic' : `production step ${point.step}`} awaits approval`);
      }
    }
    const answered = await this.answer(hook, 'CONTINUE');
    if (!answered) return undefined;
    context.emit({
      type: 'ecs-native.hold',
      service: this.key,
      stage: point.stage,
      productionWeight: point.weight,
      ...(point.step !== undefined ? { step: point.step } : {}),
      ...(gateName ? { gate: gateName } : {}),
      decision: 'continue',
      reason,
    });
    await this.record({ stage: point.stage, verdict: `${point.stage}: continue: ${reason}` });
    return undefined;
  }

  /** Holds a gate at a pause: `{ reason }` when it passed, `{ result }` when the run ends there. */
  private async hold(
    gate: TestTrafficGate,
    name: string,
    point: PausePoint,
    hook: HookView,
  ): Promise<{ reason: string } | { result: DeployResult }> {
    const { context } = this;
    if (!this.gateTargets) {
      return {
        result: await this.rollBack(
          { trigger: 'failure', reason: `the ${name} gate could not find the new revision's target group` },
          hook,
        ),
      };
    }
    let held: Awaited<ReturnType<typeof holdGate>>;
    try {
      held = await holdGate(
        {
          gate,
          targets: this.gateTargets,
          holdMs: gate.holdMs,
          service: this.key,
          name,
          ...(point.step !== undefined ? { step: point.step } : {}),
        },
        {
          ports: context.ports,
          clock: context.clock,
          signal: context.signal,
          emit: context.emit,
          ...(context.oneOff ? { oneOff: context.oneOff } : {}),
        },
      );
    } catch (error) {
      if (context.signal.aborted) return { result: await this.interrupted(hook) };
      return {
        result: await this.rollBack({ trigger: 'failure', reason: `the ${name} gate could not be held: ${errorMessage(error)}` }, hook),
      };
    }
    if (held.verdict === 'fail') {
      const last = held.evaluations.at(-1);
      const checks = (last?.checks ?? []).filter((c) => c.outcome !== 'pass');
      const where = point.kind === 'test' ? 'on test traffic' : `with ${point.weight} % of production on the new revision`;
      return {
        result: await this.rollBack(
          { trigger: 'gate', reason: `${name} gate failed at ${point.stage} (${where}): ${held.reason}`, checks },
          hook,
          point,
        ),
      };
    }
    if (held.verdict === 'pause') return { result: await this.pause(point, hook, `the ${name} gate paused: ${held.reason}`) };
    return { reason: `${name} gate passed: ${held.reason}` };
  }

  /** ContinueServiceDeployment; false when the hook could not be answered (it expired, the deployment moved on). */
  private async answer(hook: HookView, action: 'CONTINUE' | 'ROLLBACK'): Promise<boolean> {
    const { context } = this;
    try {
      await context.calls.mutate(
        {
          service: 'ECS',
          operation: 'ContinueServiceDeployment',
          summary: `${action} the pause of ${this.target.service} (${hook.hookId})`,
        },
        (signal) =>
          context.ports.ecs.continueServiceDeployment({ serviceDeploymentArn: this.arn, hookId: hook.hookId, action }, { signal }),
      );
      return true;
    } catch (error) {
      // Read again: the deployment tells what happened (the hook timed out, someone else answered it).
      this.skip.add(hook.hookId);
      context.emit({ type: 'log', level: 'warn', message: `${this.key}: could not answer pause ${hook.hookId}: ${errorMessage(error)}` });
      return false;
    }
  }

  private async pause(point: PausePoint, hook: HookView, why: string): Promise<DeployResult> {
    const { context } = this;
    this.skip.add(hook.hookId);
    await this.record({ phase: 'paused', stage: point.stage, verdict: why });
    const next = nextCommands(this.key);
    const expires = hook.expiresAt ? new Date(hook.expiresAt).toISOString() : undefined;
    context.emit({
      type: 'ecs-native.hold',
      service: this.key,
      stage: point.stage,
      productionWeight: point.weight,
      ...(point.step !== undefined ? { step: point.step } : {}),
      decision: 'pause',
      reason: why,
    });
    context.emit({
      type: 'ecs-native.paused',
      service: this.key,
      stage: point.stage,
      runId: this.state.runId,
      reason: why,
      ...(expires ? { expiresAt: expires } : {}),
      next,
    });
    await this.milestone('ecs-native-paused', `paused at ${point.stage}: ${why}`, { next });
    const until = expires ? `; ECS rolls it back at ${expires} if nobody decides` : '';
    return this.result('paused', this.previous, `${why}: ${next.join(' to go on, ')} to roll back${until}`);
  }

  // ------------------------------------------------------------------------------------------- endings

  /** ECS rolled back on its own (circuit breaker, alarm, a Lambda hook, a hook timeout): a failure. */
  private async rolledBackByEcs(view: DeploymentView): Promise<DeployResult> {
    const { context, target } = this;
    await this.cleanUp();
    const why = view.rollbackReason ?? view.statusReason ?? 'ECS rolled it back';
    const alarms = view.triggeredAlarms.length ? ` (alarms: ${view.triggeredAlarms.join(', ')})` : '';
    const stoppedTasks = await collectStoppedTasks(
      context.ports,
      { cluster: target.cluster, service: target.service, taskDefinitionArn: target.taskDefinitionArn },
      context.hardSignal,
    );
    await this.milestone('ecs-native-rolled-back', `ECS rolled back: ${why}`);
    return this.rollout.result('rolled-back', this.previous, {
      reason: `service deployment ${this.arn} was rolled back by ECS: ${why}${alarms}; ${shortTaskDefinition(this.previous)} serves the traffic`,
      deploymentId: this.arn,
      stoppedTasks,
    });
  }

  /** STOPPED: replaced by someone else's deployment (released, never fought), or stopped without rollback. */
  private async stopped(view: DeploymentView): Promise<DeployResult> {
    const { context, target } = this;
    const now = await context.watcher.next(target.cluster, target.service, 0, context.hardSignal).catch(() => undefined);
    const current = now?.currentServiceDeployment;
    await this.cleanUp();
    if (current && current !== this.arn) {
      await this.release(current);
      return this.result(
        'failed',
        now?.taskDefinition,
        `service deployment ${this.arn} was replaced by ${current} (another deploy changed the service); ecsdeploy did not answer for it`,
      );
    }
    return this.result(
      'failed',
      target.taskDefinitionArn,
      `service deployment ${this.arn} stopped without a rollback: ${view.statusReason ?? 'stopped'}; the service stays where it stopped`,
    );
  }

  /**
   * Someone else's deployment took over while ecsdeploy's pause hooks were on the service, so it may carry them:
   * ecsdeploy continues exactly those of its pauses (never another's, never a rollback) until that deployment is
   * past them, so it is neither held nor rolled back because of ecsdeploy.
   */
  private async release(other: string): Promise<void> {
    const { context } = this;
    const runId = this.state.runId;
    const last = Math.max(...pauseStages(this.s).map((p) => STAGE_ORDER.indexOf(p.stage)));
    const skip = new Set<string>();
    for (;;) {
      const stop = await followServiceDeployment(context, {
        key: this.key,
        arn: other,
        deadline: this.rollout.deadline,
        signal: context.hardSignal,
        stopAtPause: true,
        skipHooks: skip,
      });
      if (stop.kind !== 'awaiting') return;
      const mine = ourPauseStages(stop.view.configuration, runId);
      const stage = stop.view.stage ?? '';
      skip.add(stop.hook.hookId);
      if (!mine.has(stage)) continue;
      try {
        await context.calls.mutate(
          { service: 'ECS', operation: 'ContinueServiceDeployment', summary: `release ecsdeploy's pause of ${other} at ${stage}` },
          (signal) =>
            context.ports.ecs.continueServiceDeployment(
              { serviceDeploymentArn: other, hookId: stop.hook.hookId, action: 'CONTINUE' },
              { signal },
            ),
        );
        context.emit({
          type: 'log',
          level: 'info',
          message: `${this.key}: released ecsdeploy's pause at ${stage} of ${other}, which another deploy started`,
        });
      } catch (error) {
        context.emit({
          type: 'log',
          level: 'warn',
          message: `${this.key}: could not release the pause of ${other}: ${errorMessage(error)}`,
        });
      }
      if (STAGE_ORDER.indexOf(stage) >= last) return;
    }
  }

  private async interrupted(hook: HookView | undefined): Promise<DeployResult> {
    const { context, target } = this;
    if (context.onInterrupt === 'rollback') return this.rollBack({ trigger: 'interrupt', reason: 'interrupted' }, hook);
    await this.record({ phase: 'interrupted' }, context.hardSignal).catch(() => undefined);
    const next = [...nextCommands(this.key), 'ecsdeploy apply --resume'];
    return this.result(
      'interrupted',
      target.taskDefinitionArn,
      `interrupted; service deployment ${this.arn} left in progress (--on-interrupt leave): ECS waits at ecsdeploy's next pause until ${next.join(', ')} (or rolls back when the pause times out)`,
    );
  }

  /**
   * Rolls the deployment back: ContinueServiceDeployment ROLLBACK at a pause it holds, else StopServiceDeployment
   * ROLLBACK; then follows the rollback to its end (on the hard signal: a first Ctrl-C never cuts it short).
   */
  private async rollBack(cause: RollbackCause, hook: HookView | undefined, point?: PausePoint): Promise<DeployResult> {
    const { context, target } = this;
    const signal = context.hardSignal;
    context.emit({ type: 'service.phase', service: this.key, phase: 'rolling-back', detail: cause.reason });
    if (point) {
      context.emit({
        type: 'ecs-native.hold',
        service: this.key,
        stage: point.stage,
        productionWeight: point.weight,
        ...(point.step !== undefined ? { step: point.step } : {}),
        ...(cause.trigger === 'gate' ? { gate: point.kind === 'test' ? 'test-traffic' : 'production' } : {}),
        decision: 'rollback',
        reason: cause.reason,
        ...(cause.checks && cause.checks.length > 0 ? { checks: cause.checks } : {}),
      });
    }
    let asked = hook ? await this.answer(hook, 'ROLLBACK') : false;
    if (!asked) asked = await this.stopWithRollback();
    const end = await followServiceDeployment(context, {
      key: this.key,
      arn: this.arn,
      // As long as the rollout's own timeout, as for every rollback (rollback-policy.ts): `--timeout` bounds both.
      deadline: context.clock.now() + target.timeoutMs,
      signal,
      stopAtPause: false,
      onView: this.report,
    });
    const production = this.maxProductionWeight === 0 && cause.trigger === 'gate' ? ', production never saw it' : '';
    let how: string;
    let back = true;
    switch (end.kind) {
      case 'rolled-back':
        how = `rolled back to ${shortTaskDefinition(this.previous)}${production}`;
        break;
      case 'succeeded':
        back = false;
        how = `the rollback came too late: the deployment completed, ${shortTaskDefinition(target.taskDefinitionArn)} serves the traffic`;
        break;
      case 'interrupted':
      case 'timeout':
        how = `rollback of ${this.arn} requested${asked ? '' : ' (the request failed)'}, not waited for to the end`;
        break;
      default:
        back = false;
        how = `the rollback did not complete (${end.kind}${'view' in end && end.view ? `: ${end.view.statusReason ?? end.view.status}` : ''})`;
    }
    if (end.kind !== 'interrupted' && end.kind !== 'timeout') await this.cleanUp();
    const reason = `${cause.reason}; ${how}`;
    await this.milestone('ecs-native-rolled-back', reason, { trigger: cause.trigger });
    const standsOn = back ? this.previous : target.taskDefinitionArn;
    if (cause.trigger === 'interrupt') return this.result('interrupted', standsOn, reason);
    if (!back) return this.result('failed', standsOn, reason);
    return this.result(cause.trigger === 'timeout' ? 'timed-out' : 'rolled-back', standsOn, reason);
  }

  private async stopWithRollback(): Promise<boolean> {
    const { context } = this;
    try {
      await context.calls.mutate(
        { service: 'ECS', operation: 'StopServiceDeployment', summary: `roll back ${this.target.service} (${this.arn})` },
        (signal) => context.ports.ecs.stopServiceDeployment({ serviceDeploymentArn: this.arn, stopType: 'ROLLBACK' }, { signal }),
      );
      return true;
    } catch (error) {
      context.emit({ type: 'log', level: 'warn', message: `${this.key}: StopServiceDeployment failed: ${errorMessage(error)}` });
      return false;
    }
  }

  /** The deployment is decided: ecsdeploy's pause hooks come off the service, and its state tags go. */
  private async cleanUp(): Promise<void> {
    await this.removePauseHooks();
    await this.clearState();
  }

  private async clearState(): Promise<void> {
    if (!this.serviceArn) return;
    try {
      await clearEcsNativeState(this.context, this.serviceArn, this.label());
    } catch (error) {
      this.context.emit({
        type: 'log',
        level: 'warn',
        message: `${this.key}: could not clear the deployment state tags: ${errorMessage(error)}`,
      });
    }
  }

  /**
   * UpdateService with the deployment configuration alone (it starts no deployment, §1.2), without ecsdeploy's
   * pause hooks: a deployment started later, by anyone, carries none.
   */
  private async removePauseHooks(): Promise<void> {
    const { context, target } = this;
    try {
      const now = await context.watcher.next(target.cluster, target.service, 0, context.hardSignal);
      const kept = hooksWithoutOurPauses(now);
      this.hooksOnService = false;
      if (!now?.deploymentConfiguration || kept === undefined) return;
      const deploymentConfiguration = { ...now.deploymentConfiguration, lifecycleHooks: kept as never };
      await context.calls.mutate(
        {
          service: 'ECS',
          operation: 'UpdateService',
          summary: `take ecsdeploy's pause hooks off ${target.service} (deployment configuration only)`,
        },
        (signal) =>
          context.ports.ecs.updateService({ cluster: target.cluster, service: target.service, deploymentConfiguration }, { signal }),
      );
    } catch (error) {
      context.emit({
        type: 'log',
        level: 'warn',
        message: `${this.key}: could not take ecsdeploy's pause hooks off the service (${errorMessage(error)}); the next apply replaces them`,
      });
    }
  }

  // ------------------------------------------------------------------------------------------- continuing

  private async continueFrom(existing: EcsNativeState): Promise<DeployResult> {
    const { context, target } = this;
    this.state = { ...existing, runId: existing.runId };
    this.arn = existing.serviceDeployment || this.live?.currentServiceDeployment || '';
    const how = target.continuation;
    context.emit({
      type: 'log',
      level: 'info',
      message: `${this.key}: continuing the deployment of run ${existing.runId} (${describeEcsNativeState(existing)}, ${this.arn || 'no service deployment recorded'}) with ${how}`,
    });
    const view = this.arn ? await readDeployment(context, this.arn, context.hardSignal).catch(() => undefined) : undefined;
    if (!view) {
      await this.cleanUp();
      return this.result(
        'failed',
        this.previous,
        `the recorded service deployment ${this.arn || '(none)'} cannot be found; the state was cleared`,
      );
    }
    this.report(view);
    await this.knowSides(view).catch(() => undefined);
    // It ended while nobody watched (a timeout rolled it back, ECS finished it): say how, and clean up.
    const ended = FINAL_KIND[view.status];
    if (ended) return (await this.onStop({ kind: ended, view } as FollowStop)) as DeployResult;
    const hook = awaitingPause(view);
    if (how === 'abort') return this.rollBack({ trigger: 'command', reason: 'aborted with ecsdeploy abort' }, hook);
    if (how === 'promote' && hook) {
      this.approved = hook.hookId;
      context.emit({ type: 'log', level: 'info', message: `${this.key}: the pause at ${view.stage ?? 'its stage'} approved` });
    }
    // The pause hooks name the run that started the deployment: the state keeps that run.
    await this.record({ phase: 'running' });
    return this.followLoop();
  }
}
