/**
 * ALB weighted canary over two ECS services (aws-semantics.md §3.3): ecsdeploy itself moves a listener rule's
 * weights from the stable target group to the canary one, step by step, and holds each step while the gate decides.
 *
 *   check (reads only): rule forwards 100 % to stable, no other target group, stickiness off, gate targets resolve
 *   start:   record state (tags on the canary service) ─► deploy the revision to the canary service, by its own
 *            deployment id ─► its targets healthy in the canary target group
 *   step i:  resize the canary (follow-weight) and wait ─► ModifyRule, whole action list ─► DescribeRules shows the
 *            weights ─► record state ─► hold the gate (pass: next step; fail: abort; pause: stop, exit 3)
 *            an until-approved step holds the gate to its first evaluation, then stops for a person (exit 3)
 *   promote: stable's own rolling deployment COMPLETED ─► weights stable 100 ─► verified ─► the canary target
 *            group's deregistration delay ─► canary scaled to 0 ─► state cleared
 *   abort:   weights stable 100 / canary 0 ─► verified (bounded retries) ─► only then canary scaled to 0 ─► state
 *            cleared. Unverified weights are never followed by a scale-in: the canary keeps serving and we say so.
 *
 * The manifest's service is the stable service; `target.taskDefinitionArn` is what the canary runs first and the
 * stable service gets on promotion. A run that ends paused or interrupted leaves its state in tags, so `ecsdeploy
 * promote`, `ecsdeploy abort` and `apply --resume` can continue it from another machine (target.continuation).
 * docs/canary.md tells the same story for users.
 */
import type { EcsService } from '../aws/ports.js';
import { notifyMilestone, recordStateOrWarn } from './rollout-records.js';
import type { GateCheckEvidence } from '../events/types.js';
import { resolveGateTargets } from '../gates/target-groups.js';
import { holdGate } from '../gates/runner.js';
import type { GateTargets } from '../gates/types.js';
import { type CanaryState, describeCanaryState } from '../model/canary-state.js';
import type { CanaryStep, CanaryStrategy } from '../model/strategy.js';
import { shortTaskDefinition } from '../util/arn.js';
import { errorMessage } from '../util/error-text.js';
import { type CanaryServiceRef, deployCanaryRevision, resizeCanary, waitCanaryReady } from './canary-service.js';
import { canaryTaskCount } from './canary-sizing.js';
import { clearCanaryState, readCanaryState, writeCanaryState } from './canary-state.js';
import {
  type CanaryTargetGroups,
  canaryPercent,
  deregistrationDelayMs,
  describeRoute,
  type ForwardState,
  readForward,
  resolveTargetGroups,
  routeOf,
  routeProblems,
  shiftTraffic,
  type TrafficRoute,
} from './canary-traffic.js';
import { cannotProgress, startServiceDeployment } from './ecs-service-writes.js';
import { followEcsDeployment } from './follow-ecs-deployment.js';
import { judgeEcsDeployment } from './rollback-policy.js';
import { Rollout } from './rollout.js';
import type { DeployResult, DeployStrategy, DeployTarget, StrategyContext, TouchedServices } from './types.js';

function canaryOf(target: DeployTarget): CanaryStrategy {
  if (target.strategy.type !== 'canary') throw new Error(`${target.key} is not a canary service`);
  return target.strategy;
}

/** The stable ECS service: `stable.service`, else the manifest's service itself. */
function stableServiceOf(target: DeployTarget): string {
  return canaryOf(target).stable.service ?? target.service;
}

/** The commands that move a paused or interrupted canary on. */
export function nextCommands(key: string): string[] {
  return [`ecsdeploy promote -n ${key}`, `ecsdeploy abort -n ${key}`];
}

export const albCanaryStrategy: DeployStrategy = {
  type: 'canary',

  resources(target) {
    const s = canaryOf(target);
    const stable = stableServiceOf(target);
    return [
      { kind: 'ecs-service', cluster: target.cluster, service: stable, role: stable === target.service ? 'service' : 'stable' },
      { kind: 'ecs-service', cluster: target.cluster, service: s.canary.service, role: 'canary' },
      s.rule ? { kind: 'listener-rule', arn: s.rule } : { kind: 'listener', arn: s.listener ?? '' },
      { kind: 'target-group', targetGroup: s.stable.targetGroup },
      { kind: 'target-group', targetGroup: s.canary.targetGroup },
    ];
  },

  preflight(target, services) {
    return preflightServices(target, services);
  },

  async check(target, context) {
    const s = canaryOf(target);
    const route = routeOf(s);
    try {
      const tgs = await resolveTargetGroups(context.ports, s, context.hardSignal);
      const forward = await readForward(context.ports, route, tgs, context.hardSignal);
      const problems = relevantProblems(target, routeProblems(route, forward, tgs));
      // A continuation takes the weights as its state left them; a new canary starts from stable 100 %.
      if (!target.continuation && problems.length === 0 && !(forward.weights.stable > 0 && forward.weights.canary === 0)) {
        problems.push(
          `${describeRoute(route)} does not forward 100 % to the stable target group ${tgs.stable.name} (it reads ${tgs.stable.name} ${forward.weights.stable} / ${tgs.canary.name} ${forward.weights.canary}), and no canary is recorded on ${s.canary.service}: put it back to stable before deploying`,
        );
      }
      // An abort holds no gate: a target group the gate cannot read must not keep the traffic on the canary.
      if (target.continuation !== 'abort') {
        await resolveGateTargets(
          context.ports,
          { canary: s.canary.targetGroup, stable: s.stable.targetGroup },
          [s.gate],
          context.hardSignal,
        );
      }
      return problems.map((p) => `${target.key}: ${p}`);
    } catch (error) {
      return [`${target.key}: ${errorMessage(error)}`];
    }
  },

  deploy(target, context) {
    return new CanaryRun(target, context).run();
  },
};

/**
 * The route problems that stop this rollout. An abort only puts the traffic back: stickiness turned on meanwhile
 * must not keep it on the canary (the restore sends stickiness back as it was read).
 */
function relevantProblems(target: DeployTarget, problems: { kind: 'sticky' | 'other'; text: string }[]): string[] {
  return problems.filter((p) => !(target.continuation === 'abort' && p.kind === 'sticky')).map((p) => p.text);
}

function preflightServices(target: DeployTarget, services: TouchedServices): string[] {
  const s = canaryOf(target);
  const problems: string[] = [];
  const stableName = stableServiceOf(target);
  if (target.create) {
    problems.push(
      `${target.key}: service ${stableName} does not exist yet; a canary needs a stable service to compare with: create it first (strategy rolling), then deploy with canary`,
    );
    return problems;
  }
  const canary = services.find(target.cluster, s.canary.service);
  if (canary?.status !== 'ACTIVE') {
    problems.push(
      `${target.key}: the canary ECS service ${s.canary.service} does not exist (or is not ACTIVE) in cluster ${target.cluster}`,
    );
  } else if ((canary.deploymentController?.type ?? 'ECS') !== 'ECS') {
    problems.push(
      `${target.key}: the canary service ${s.canary.service} uses the ${canary.deploymentController?.type} deployment controller; it needs ECS`,
    );
  }
  const stable = services.find(target.cluster, stableName);
  if (stable && (stable.deploymentController?.type ?? 'ECS') !== 'ECS') {
    problems.push(
      `${target.key}: the stable service ${stableName} uses the ${stable.deploymentController?.type} deployment controller; it needs ECS`,
    );
  }
  const stuck = cannotProgress({ ...target, service: stableName }, stable);
  if (stuck) problems.push(stuck);
  return problems;
}

/** How a canary ended when it did not complete. */
interface AbortCause {
  trigger: 'gate' | 'timeout' | 'command' | 'interrupt' | 'failure';
  reason: string;
  checks?: GateCheckEvidence[];
}

/** The failing checks of the evaluation that decided a failed hold: the evidence. */
function failingChecks(evaluations: { checks: GateCheckEvidence[] }[]): GateCheckEvidence[] {
  const last = evaluations.at(-1);
  return (last?.checks ?? []).filter((c) => c.outcome !== 'pass');
}

class CanaryRun {
  private readonly s: CanaryStrategy;
  private readonly route: TrafficRoute;
  private readonly stable: Rollout;
  private readonly canaryRef: CanaryServiceRef;
  private tgs!: CanaryTargetGroups;
  private forward!: ForwardState;
  private gateTargets!: GateTargets;
  private canaryArn = '';
  private stableLive: EcsService | undefined;
  private state!: CanaryState;

  constructor(
    private readonly target: DeployTarget,
    private readonly context: StrategyContext,
  ) {
    this.s = canaryOf(target);
    this.route = routeOf(this.s);
    this.stable = new Rollout({ ...target, service: stableServiceOf(target), onFailure: 'rollback' }, context);
    this.canaryRef = { key: target.key, cluster: target.cluster, service: this.s.canary.service, targetGroupArn: '' };
  }

  private get key(): string {
    return this.target.key;
  }

  private result(outcome: DeployResult['outcome'], taskDefinitionArn: string | undefined, reason?: string): DeployResult {
    return this.stable.result(outcome, taskDefinitionArn, { reason });
  }

  /** What stable runs before promotion: where the service stands until then. */
  private get stableRevision(): string | undefined {
    return this.stableLive?.taskDefinition ?? this.target.previousTaskDefinitionArn;
  }

  private weightsRecord(w: { stable: number; canary: number }): Record<string, number> {
    return { [this.tgs.stable.name]: w.stable, [this.tgs.canary.name]: w.canary };
  }

  async run(): Promise<DeployResult> {
    const { context, target } = this;
    let existing: CanaryState | undefined;
    try {
      existing = await this.prepare();
    } catch (error) {
      return this.result(
        'failed',
        this.stableRevision,
        `could not read the canary's resources: ${errorMessage(error)}; nothing was changed`,
      );
    }
    if (context.signal.aborted)
      return this.result('interrupted', this.stableRevision, 'interrupted before the canary started: nothing was changed');
    if (target.continuation) {
      if (!existing) {
        return this.result(
          'failed',
          this.stableRevision,
          `no canary is in flight on ${this.s.canary.service}: nothing to ${target.continuation}`,
        );
      }
      return this.continueFrom(existing);
    }
    if (existing) {
      return this.result(
        'failed',
        this.stableRevision,
        `a canary is in flight on ${this.s.canary.service} (${describeCanaryState(existing)}, run ${existing.runId}): ${nextCommands(this.key).join(', ')}, or apply --resume`,
      );
    }
    return this.start();
  }

  /** Reads everything the run needs; changes nothing. Returns the recorded state, if any. */
  private async prepare(): Promise<CanaryState | undefined> {
    const { context } = this;
    const signal = context.hardSignal;
    this.tgs = await resolveTargetGroups(context.ports, this.s, signal);
    this.canaryRef.targetGroupArn = this.tgs.canary.arn;
    this.forward = await readForward(context.ports, this.route, this.tgs, signal);
    const problems = relevantProblems(this.target, routeProblems(this.route, this.forward, this.tgs));
    if (problems.length > 0) throw new Error(problems.join('; '));
    if (this.target.continuation !== 'abort') {
      this.gateTargets = await resolveGateTargets(
        context.ports,
        { canary: this.s.canary.targetGroup, stable: this.s.stable.targetGroup },
        [this.s.gate],
        signal,
      );
    }
    this.stableLive = await context.watcher.next(this.target.cluster, this.stable.target.service, 0, signal);
    const canary = await context.watcher.next(this.target.cluster, this.s.canary.service, 0, signal);
    if (!canary?.serviceArn || canary.status !== 'ACTIVE')
      throw new Error(`the canary service ${this.s.canary.service} is ${canary?.status ?? 'MISSING'}`);
    this.canaryArn = canary.serviceArn;
    return readCanaryState(context.ports, this.canaryArn, signal);
  }

  private get deadline(): number {
    return this.stable.deadline;
  }

  private stableDesired(): number {
    return this.stableLive?.desiredCount ?? this.target.desiredCount ?? 1;
  }

  private sizeAt(weight: number): number {
    return canaryTaskCount(this.s.canary.count, this.stableDesired(), weight);
  }

  private async record(change: Partial<CanaryState>, signal?: AbortSignal): Promise<void> {
    this.state = { ...this.state, ...change };
    await recordStateOrWarn(this.context, { service: this.key, what: 'canary state', signal }, () =>
      writeCanaryState(this.context, this.canaryArn, this.state, `${this.key} (canary service ${this.s.canary.service})`),
    );
  }

  private async milestone(event: string, summary: string, detail?: Record<string, unknown>): Promise<void> {
    await notifyMilestone(this.context, this.key, event, summary, detail);
  }

  // ------------------------------------------------------------------------------------------- start

  private async start(): Promise<DeployResult> {
    const { context, target } = this;
    this.state = { runId: context.runId ?? 'unknown', revision: target.taskDefinitionArn, step: 0, weight: 0, phase: 'running' };
    const first = this.s.steps[0];
    const size = this.sizeAt(first?.weight ?? 1);
    context.emit({
      type: 'service.phase',
      service: this.key,
      phase: 'starting-canary',
      detail: `${this.s.canary.service}, ${size} task(s)`,
    });
    await this.record({});
    const canaryLive = await context.watcher.next(target.cluster, this.s.canary.service, 0, context.hardSignal);
    if (!canaryLive) return this.abort({ trigger: 'failure', reason: `the canary service ${this.s.canary.service} disappeared` });
    const deployment = await deployCanaryRevision(target, context, this.canaryRef, canaryLive, size, this.deadline);
    if (deployment.kind === 'not-started') {
      if (deployment.dryRun) {
        return this.result(
          'skipped',
          this.stableRevision,
          `dry run: would step through ${this.s.steps.map((x) => `${x.weight} %`).join(', ')}`,
        );
      }
      return this.abort({ trigger: 'failure', reason: deployment.reason });
    }
    context.emit({
      type: 'service.started',
      service: this.key,
      strategy: 'canary',
      fromTaskDefinition: this.stableRevision,
      toTaskDefinition: target.taskDefinitionArn,
      deploymentId: deployment.deploymentId,
    });
    await this.milestone(
      'canary-started',
      `canary of ${shortTaskDefinition(target.taskDefinitionArn)} started on ${this.s.canary.service}`,
    );
    const v = deployment.verdict;
    if (v.kind === 'interrupted') return this.interrupted();
    if (v.kind === 'timeout')
      return this.abort({ trigger: 'timeout', reason: `the canary deployment ${deployment.deploymentId} did not complete in time` });
    if (v.kind !== 'completed') {
      return this.abort({ trigger: 'failure', reason: `the canary deployment ${deployment.deploymentId} failed: ${v.reason}` });
    }
    return this.steps(1);
  }

  // ------------------------------------------------------------------------------------------- continuing

  private async continueFrom(existing: CanaryState): Promise<DeployResult> {
    const { target } = this;
    this.state = { ...existing, runId: this.context.runId ?? existing.runId };
    const how = target.continuation;
    if (how !== 'abort' && existing.revision && existing.revision !== target.taskDefinitionArn) {
      return this.result(
        'failed',
        this.stableRevision,
        `the canary in flight deploys ${shortTaskDefinition(existing.revision)}, not ${shortTaskDefinition(target.taskDefinitionArn)}: abort it first (ecsdeploy abort -n ${this.key})`,
      );
    }
    const at = this.forward.weights;
    this.context.emit({
      type: 'log',
      level: 'info',
      message: `${this.key}: continuing the canary of run ${existing.runId} (${describeCanaryState(existing)}; ${describeRoute(this.route)} reads ${this.tgs.stable.name} ${at.stable} / ${this.tgs.canary.name} ${at.canary}) with ${how}`,
    });
    if (how === 'abort' || existing.phase === 'aborting') {
      return this.abort({
        trigger: 'command',
        reason: how === 'abort' ? 'aborted with ecsdeploy abort' : 'finishing an abort an earlier run began',
      });
    }
    if (how === 'promote-full' || existing.phase === 'promoting') return this.promote();
    if (existing.step === 0) return how === 'promote' ? this.steps(1) : this.start();
    if (how === 'promote') {
      this.context.emit({ type: 'log', level: 'info', message: `${this.key}: step ${existing.step} (${existing.weight} %) approved` });
      return this.steps(existing.step + 1);
    }
    // resume: the current step again, from the start of its hold (an approval step stops again for its approval).
    return this.steps(existing.step);
  }

  // ------------------------------------------------------------------------------------------- steps

  private async steps(from: number): Promise<DeployResult> {
    const { context } = this;
    for (let n = from; n <= this.s.steps.length; n += 1) {
      const step = this.s.steps[n - 1] as CanaryStep;
      if (context.signal.aborted) return this.interrupted();
      if (context.clock.now() > this.deadline) {
        return this.abort({
          trigger: 'timeout',
          reason: `the canary did not finish within ${Math.round(this.target.timeoutMs / 1000)}s (before step ${n})`,
        });
      }
      const outcome = await this.step(n, step);
      if (outcome) return outcome;
    }
    return this.promote();
  }

  /** One step; undefined when it passed and the next may start. */
  private async step(n: number, step: CanaryStep): Promise<DeployResult | undefined> {
    const { context } = this;
    // Scale up before shifting traffic up: the canary never takes a share it has not the tasks for.
    const size = this.sizeAt(step.weight);
    try {
      const live = await context.watcher.next(this.target.cluster, this.s.canary.service, 0, context.signal);
      // Only ever up here: a resumed step may find the canary bigger (it carried more before), and scaling it down
      // before its traffic goes down would overload it.
      if ((live?.desiredCount ?? 0) < size) {
        context.emit({
          type: 'service.phase',
          service: this.key,
          phase: 'scaling-canary',
          detail: `${this.s.canary.service} → ${size} task(s)`,
        });
        await resizeCanary(context, this.canaryRef, size);
      }
      const notReady = await waitCanaryReady(context, this.canaryRef, size, this.deadline, context.signal);
      if (notReady) return this.abort({ trigger: context.clock.now() > this.deadline ? 'timeout' : 'failure', reason: notReady });
    } catch (error) {
      if (context.signal.aborted) return this.interrupted();
      return this.abort({ trigger: 'failure', reason: `could not size the canary for step ${n}: ${errorMessage(error)}` });
    }
    if (context.signal.aborted) return this.interrupted();

    context.emit({
      type: 'service.phase',
      service: this.key,
      phase: 'shifting-traffic',
      detail: `step ${n}: ${step.weight} % to the canary`,
    });
    // Recorded before the weight moves: a run that dies between the two leaves a state that names the step whose
    // weight may be set, and a resume sets it again (never a state that says less than the rule may carry).
    await this.record({ step: n, weight: Math.max(step.weight, this.state.weight), phase: 'running' });
    const shifted = await shiftTraffic(context, this.route, this.tgs, this.forward, step.weight, context.hardSignal);
    if (!shifted.verified) {
      return this.abort({ trigger: 'failure', reason: `step ${n}: ${shifted.problem ?? 'weights not verified'}` });
    }
    this.forward = { ...this.forward, weights: shifted.read ?? { stable: 100 - step.weight, canary: step.weight } };
    context.emit({ type: 'traffic.shifted', service: this.key, weights: this.weightsRecord(this.forward.weights), step: n });
    if (this.state.weight !== step.weight) await this.record({ weight: step.weight });
    await this.milestone('canary-step', `step ${n}: ${step.weight} % of the traffic on the canary`, { step: n, weight: step.weight });

    const approval = 'approval' in step;
    let hold: Awaited<ReturnType<typeof holdGate>>;
    try {
      hold = await holdGate(
        // An approval step holds the gate to its first evaluation: a person approves a canary that has been judged.
        { gate: this.s.gate, targets: this.gateTargets, holdMs: approval ? 0 : step.pauseMs, service: this.key, step: n, name: 'canary' },
        {
          ports: context.ports,
          clock: context.clock,
          signal: context.signal,
          emit: context.emit,
          ...(context.oneOff ? { oneOff: context.oneOff } : {}),
        },
      );
    } catch (error) {
      if (context.signal.aborted) return this.interrupted();
      return this.abort({ trigger: 'failure', reason: `the gate of step ${n} could not be held: ${errorMessage(error)}` });
    }
    const weights = this.weightsRecord(this.forward.weights);
    const verdict = hold.verdict === 'pass' && approval ? 'approval' : hold.verdict;
    context.emit({ type: 'canary.step', service: this.key, step: n, weight: step.weight, weights, verdict, reason: hold.reason });
    const last = `step ${n}: ${hold.verdict}: ${hold.reason}`;
    if (hold.verdict === 'fail') {
      return this.abort({
        trigger: 'gate',
        reason: `gate failed at step ${n} (${step.weight} %): ${hold.reason}`,
        checks: failingChecks(hold.evaluations),
      });
    }
    if (hold.verdict === 'pause' || approval) {
      const why =
        approval && hold.verdict === 'pass'
          ? `step ${n} (${step.weight} %) awaits approval`
          : `the gate paused at step ${n} (${step.weight} %): ${hold.reason}`;
      return this.pause(n, step.weight, why, last);
    }
    await this.record({ verdict: last });
    return undefined;
  }

  private async pause(step: number, weight: number, why: string, verdict: string): Promise<DeployResult> {
    const { context } = this;
    await this.record({ phase: 'paused', verdict });
    const next = nextCommands(this.key);
    context.emit({ type: 'canary.paused', service: this.key, step, weight, runId: this.state.runId, reason: why, next });
    await this.milestone('canary-paused', `paused at step ${step} (${weight} %): ${why}`, { next });
    return this.result(
      'paused',
      this.stableRevision,
      `${why}; the canary keeps ${weight} % of the traffic: ${next.join(' to go on, ')} to roll back`,
    );
  }

  // ------------------------------------------------------------------------------------------- interrupt

  private async interrupted(): Promise<DeployResult> {
    const { context } = this;
    if (context.onInterrupt === 'rollback') return this.abort({ trigger: 'interrupt', reason: 'interrupted' });
    await this.record({ phase: 'interrupted' }, context.hardSignal);
    const next = [...nextCommands(this.key), 'ecsdeploy apply --resume'];
    return this.result(
      'interrupted',
      this.stableRevision,
      `interrupted; the canary is left at ${this.state.weight} % (--on-interrupt leave): ${next.join(', ')} continues it`,
    );
  }

  // ------------------------------------------------------------------------------------------- promote

  private async promote(): Promise<DeployResult> {
    const { context, target } = this;
    await this.record({ phase: 'promoting' });
    const stableName = this.stable.target.service;
    context.emit({
      type: 'service.phase',
      service: this.key,
      phase: 'promoting',
      detail: `${stableName} → ${shortTaskDefinition(target.taskDefinitionArn)}`,
    });
    const judged = await this.deployStable();
    if (judged.outcome !== 'succeeded') {
      // Stable did not take the new revision (its circuit breaker or our rollback put it back): traffic must end on
      // stable anyway, on the revision it runs.
      const back = await this.restoreStable(context.hardSignal);
      const how = back.verified ? 'traffic back on stable (verified)' : `TRAFFIC NOT VERIFIED BACK ON STABLE: ${back.problem}`;
      const scaled = back.verified ? await this.scaleIn(context.hardSignal) : false;
      if (back.verified) await this.clear();
      else await this.record({ phase: 'aborting' }, context.hardSignal);
      const reason = `promotion failed: ${judged.reason ?? judged.outcome}; ${how}${scaled ? ', canary scaled in' : ''}`;
      context.emit({
        type: 'canary.aborted',
        service: this.key,
        step: this.state.step,
        weight: this.state.weight,
        trigger: judged.outcome === 'interrupted' ? 'interrupt' : 'failure',
        reason,
        trafficRestored: back.verified,
        scaledIn: scaled,
      });
      await this.milestone('canary-aborted', reason);
      const outcome = judged.outcome === 'interrupted' ? 'interrupted' : back.verified ? judged.outcome : 'failed';
      return this.result(outcome, judged.taskDefinitionArn, reason);
    }
    const back = await this.restoreStable(context.hardSignal);
    if (!back.verified) {
      await this.record({ phase: 'promoting' }, context.hardSignal);
      return this.result(
        'failed',
        target.taskDefinitionArn,
        `stable runs ${shortTaskDefinition(target.taskDefinitionArn)} but ${back.problem}; the canary keeps serving: check the rule, then ecsdeploy promote -n ${this.key} again`,
      );
    }
    // Let the canary's in-flight requests finish: the ALB drains a target for the group's deregistration delay.
    try {
      const delay = await deregistrationDelayMs(context.ports, this.tgs.canary.arn, context.hardSignal);
      context.emit({
        type: 'service.phase',
        service: this.key,
        phase: 'draining-canary',
        detail: `${Math.round(delay / 1000)}s deregistration delay`,
      });
      if (!context.calls.dryRun) await context.clock.sleep(delay, context.hardSignal);
    } catch (error) {
      context.emit({
        type: 'log',
        level: 'warn',
        message: `${this.key}: did not wait out the canary's deregistration delay: ${errorMessage(error)}`,
      });
    }
    await this.scaleIn(context.hardSignal);
    await this.clear();
    context.emit({ type: 'canary.promoted', service: this.key, taskDefinitionArn: target.taskDefinitionArn, steps: this.s.steps.length });
    await this.milestone('canary-promoted', `${stableName} runs ${shortTaskDefinition(target.taskDefinitionArn)}; all traffic on stable`);
    return this.stable.result('succeeded', target.taskDefinitionArn, { deploymentId: judged.deploymentId });
  }

  /** Stable's own rolling deployment of the new revision, judged by its id with the shared rollback policy. */
  private async deployStable(): Promise<DeployResult> {
    const { context } = this;
    const rollout = this.stable;
    const live = await context.watcher
      .next(rollout.target.cluster, rollout.target.service, 0, context.hardSignal)
      .catch(() => this.stableLive);
    rollout.treatAsHistory(live);
    const previous = live?.taskDefinition ?? this.stableRevision;
    const previousPrimary = live?.deployments?.find((d) => d.status === 'PRIMARY')?.id;
    const start = await startServiceDeployment(rollout, live, previous, previousPrimary);
    if (!start.started) return start.result;
    rollout.showEventsFrom(start.deployment.createdAt);
    const verdict = await followEcsDeployment(context, {
      key: this.key,
      cluster: rollout.target.cluster,
      service: rollout.target.service,
      deploymentId: start.deploymentId,
      previousTaskDefinitionArn: previous,
      // Promotion gets the service's whole timeout of its own: the canary steps must not eat into it.
      deadline: context.clock.now() + this.target.timeoutMs,
      signal: context.signal,
      events: rollout.serviceEvents,
      sameDeployment: start.sameDeployment,
      ...(previousPrimary && !start.sameDeployment ? { staleDeploymentId: previousPrimary } : {}),
    });
    return judgeEcsDeployment(rollout, verdict, start.deploymentId, previous);
  }

  // ------------------------------------------------------------------------------------------- abort

  /** Stable 100 / canary 0, verified. */
  private async restoreStable(signal: AbortSignal): Promise<{ verified: boolean; problem?: string }> {
    const { context } = this;
    context.emit({
      type: 'service.phase',
      service: this.key,
      phase: 'shifting-traffic',
      detail: `all traffic back to ${this.tgs.stable.name}`,
    });
    let shifted: Awaited<ReturnType<typeof shiftTraffic>>;
    try {
      // Re-read first: the list may have changed since (another rule edit), and it is sent back whole.
      const fresh = await readForward(context.ports, this.route, this.tgs, signal).catch(() => this.forward);
      shifted = await shiftTraffic(context, this.route, this.tgs, fresh, 0, signal);
    } catch (error) {
      return { verified: false, problem: errorMessage(error) };
    }
    if (shifted.read) this.forward = { ...this.forward, weights: shifted.read };
    if (shifted.verified) {
      context.emit({ type: 'traffic.shifted', service: this.key, weights: this.weightsRecord({ stable: 100, canary: 0 }) });
      this.state = { ...this.state, weight: 0 };
    }
    return shifted.verified ? { verified: true } : { verified: false, problem: shifted.problem ?? 'weights not verified' };
  }

  private async scaleIn(signal: AbortSignal): Promise<boolean> {
    const { context } = this;
    try {
      context.emit({ type: 'service.phase', service: this.key, phase: 'scaling-canary', detail: `${this.s.canary.service} → 0 tasks` });
      await resizeCanary(context, this.canaryRef, 0);
      return true;
    } catch (error) {
      void signal;
      context.emit({ type: 'log', level: 'warn', message: `${this.key}: could not scale the canary service in: ${errorMessage(error)}` });
      return false;
    }
  }

  private async clear(): Promise<void> {
    try {
      await clearCanaryState(this.context, this.canaryArn, `${this.key} (canary service ${this.s.canary.service})`);
    } catch (error) {
      this.context.emit({
        type: 'log',
        level: 'warn',
        message: `${this.key}: could not clear the canary state tags: ${errorMessage(error)}`,
      });
    }
  }

  /**
   * Undoes the canary. The safety property: the weights go back to stable 100 / canary 0 and are READ BACK before
   * the canary is scaled in (scaling targets away under traffic the ALB still sends them is 503s: Argo #3926,
   * #4595). Waits on the hard signal only: a first Ctrl-C never cuts an abort short.
   */
  private async abort(cause: AbortCause): Promise<DeployResult> {
    const { context } = this;
    const signal = context.hardSignal;
    const at = { step: this.state.step, weight: canaryPercent(this.forward.weights) ?? this.state.weight };
    if (!context.calls.dryRun) await this.record({ phase: 'aborting', verdict: cause.reason }, signal).catch(() => undefined);
    const back = await this.restoreStable(signal);
    const scaled = back.verified ? await this.scaleIn(signal) : false;
    if (back.verified) await this.clear();
    const undone = back.verified
      ? `traffic back on stable (verified)${scaled ? ', canary scaled in' : ', but the canary could not be scaled in'}`
      : `TRAFFIC NOT VERIFIED BACK ON STABLE, so the canary was left running: ${back.problem}; run ecsdeploy abort -n ${this.key} again`;
    const reason = `${cause.reason}; ${undone}`;
    context.emit({
      type: 'canary.aborted',
      service: this.key,
      step: at.step,
      weight: at.weight,
      trigger: cause.trigger,
      reason,
      ...(cause.checks && cause.checks.length > 0 ? { checks: cause.checks } : {}),
      trafficRestored: back.verified,
      scaledIn: scaled,
    });
    await this.milestone('canary-aborted', reason, { trigger: cause.trigger, step: at.step });
    if (cause.trigger === 'interrupt') return this.result('interrupted', this.stableRevision, reason);
    if (!back.verified) return this.result('failed', this.stableRevision, reason);
    return this.result(cause.trigger === 'timeout' ? 'timed-out' : 'rolled-back', this.stableRevision, reason);
  }
}
