/**
 * Blue-green with CodeDeploy (services with the CODE_DEPLOY deployment controller, aws-semantics.md §2): CodeDeploy
 * installs the new revision as a replacement (green) task set, points the test listener at it, and moves production
 * traffic per its deployment config; ecsdeploy starts it, follows it, and judges it with the same gate as a canary.
 *
 *   check (reads only): the group can honour the manifest (pair, test listener, ready wait); no deployment in flight
 *            on the group; the gates' target groups resolve (canary = green, stable = blue)
 *   start:   UpdateService with what it may still change here (desired count, ...) ─► (a new revision, or a
 *            network/platform/capacity change) CreateDeployment with the AppSpec (appspec.ts) and a description
 *            naming the run, the git commit and the manifest digest
 *   follow:  GetDeployment + its ECS target (codedeploy-follow.ts), each lifecycle event and weight once
 *   ready:   (the group waits, STOP_DEPLOYMENT) hold testTrafficGate with only test traffic on green ─► pass:
 *            ContinueDeployment READY_WAIT (or stop for a person first: `approval`, exit 3) │ fail: stop │ pause: exit 3
 *   shift:   productionTrafficGate held while CodeDeploy moves production traffic (+ bake); fail or undecided: stop
 *   end:     Succeeded ─► done │ `--wait-until traffic-shifted`: done once production is all on green, the
 *            termination wait goes on │ Failed/Stopped by CodeDeploy (a hook, its alarms, its ready wait) ─► failure
 *   stop:    StopDeployment with autoRollbackEnabled ─► followed until final ─► production read back on blue
 *            (the PRIMARY task set runs the original revision, green carries 0 %) ─► exit 1 with the evidence
 *
 * A gate failure always stops with rollback; the timeout and Ctrl-C do what `onFailure` / `onInterrupt` say. The
 * state that outlives the run is the CodeDeploy deployment itself (its status, its description): another machine's
 * `ecsdeploy promote` continues it (READY_WAIT, or TERMINATION_WAIT to end that wait early), `ecsdeploy abort` stops
 * it with rollback, `apply --resume` follows it again with its gates (target.continuation). docs/blue-green.md tells
 * the same story for users.
 */
import type { EcsService } from '../aws/ports.js';
import { notifyMilestone } from './rollout-records.js';
import { AwsApiError } from '../errors/index.js';
import type { GateCheckEvidence } from '../events/types.js';
import { holdGate } from '../gates/runner.js';
import type { GateTargets } from '../gates/types.js';
import { type DeploymentGroupFacts, deploymentGroupFacts, deploymentGroupProblems } from '../model/codedeploy-group.js';
import type { BlueGreenStrategy, GateConfig } from '../model/strategy.js';
import { shortTaskDefinition } from '../util/arn.js';
import { errorMessage } from '../util/error-text.js';
import { buildAppSpec } from './appspec.js';
import {
  type DeploymentStage,
  type DeploymentView,
  DeploymentWatch,
  describeEnd,
  type FollowResult,
  followDeployment,
  productionWeight,
  stageOf,
} from './codedeploy-follow.js';
import { type BlueGreenSides, checkGateTargets, gateTargets, shiftDurationMs, sidesBeforeDeployment, sidesOf } from './codedeploy-gate.js';
import { appSpecSettingsChanged, deploymentInFlight, revisionOf, writeCodeDeployService } from './codedeploy-service.js';
import { Rollout } from './rollout.js';
import type { DeployResult, DeployStrategy, DeployTarget, StrategyContext } from './types.js';

/** After StopDeployment, how long the rollback is followed until the deployment reads final. */
const STOP_WAIT_MS = 15 * 60_000;
/** CodeDeploy keeps a deployment's description to this length. */
const MAX_DESCRIPTION = 512;

function strategyOf(target: DeployTarget): BlueGreenStrategy {
  if (target.strategy.type !== 'blue-green') throw new Error(`${target.key} is not a blue-green service`);
  return target.strategy;
}

/** The commands that move a paused or interrupted blue-green deployment on. */
export function blueGreenNextCommands(key: string): string[] {
  return [`ecsdeploy promote -n ${key}`, `ecsdeploy abort -n ${key}`];
}

/** The gates a rollout of `target` holds (none for a rollback: getting back to a known revision is never held). */
function gatesOf(target: DeployTarget): GateConfig[] {
  if (target.purpose === 'rollback') return [];
  const s = strategyOf(target);
  return [...(s.testTrafficGate ? [s.testTrafficGate] : []), ...(s.productionTrafficGate ? [s.productionTrafficGate] : [])];
}

async function readGroup(context: StrategyContext, s: BlueGreenStrategy): Promise<DeploymentGroupFacts> {
  const out = await context.ports.codedeploy.getDeploymentGroup(
    { applicationName: s.application, deploymentGroupName: s.deploymentGroup },
    { signal: context.hardSignal },
  );
  return deploymentGroupFacts(out.deploymentGroupInfo);
}

export const blueGreenStrategy: DeployStrategy = {
  type: 'blue-green',

  resources(target) {
    const s = strategyOf(target);
    return [
      { kind: 'ecs-service', cluster: target.cluster, service: target.service, role: 'service', creates: target.create },
      { kind: 'codedeploy-deployment-group', application: s.application, deploymentGroup: s.deploymentGroup },
    ];
  },

  preflight(target, services) {
    if (target.create) {
      return [
        `${target.key}: service ${target.service} does not exist; a blue-green (CodeDeploy) service is created with its deployment group (console, CloudFormation, Terraform): create both, then deploy`,
      ];
    }
    const controller = services.find(target.cluster, target.service)?.deploymentController?.type ?? 'ECS';
    return controller === 'CODE_DEPLOY'
      ? []
      : [
          `${target.key}: service ${target.service} uses the ${controller} deployment controller; the blue-green strategy needs CODE_DEPLOY`,
        ];
  },

  async check(target, context) {
    const s = strategyOf(target);
    try {
      const facts = await readGroup(context, s);
      const problems = target.continuation === 'abort' ? [] : deploymentGroupProblems(s, facts);
      const inFlight = await deploymentInFlight(context.ports, s, context.hardSignal);
      if (!target.continuation && inFlight) {
        problems.push(
          `CodeDeploy deployment ${inFlight} is in flight on group ${s.deploymentGroup}: ${blueGreenNextCommands(target.key).join(', ')}, or wait for it`,
        );
      }
      if (target.continuation && !inFlight) {
        problems.push(`no CodeDeploy deployment is in flight on group ${s.deploymentGroup}: nothing to ${target.continuation}`);
      }
      const gates = gatesOf(target);
      if (problems.length === 0 && target.continuation !== 'abort' && gates.length > 0 && !inFlight) {
        const live = await context.watcher.next(target.cluster, target.service, 0, context.hardSignal);
        const sides = sidesBeforeDeployment(facts, live);
        if (typeof sides === 'string') problems.push(sides);
        else await checkGateTargets(context.ports, sides, gates, context.hardSignal);
      }
      return problems.map((p) => `${target.key}: ${p}`);
    } catch (error) {
      return [`${target.key}: ${errorMessage(error)}`];
    }
  },

  deploy(target, context) {
    return new BlueGreenRun(target, context).run();
  },
};

/** How a deployment was stopped by ecsdeploy. */
interface StopCause {
  trigger: 'gate' | 'timeout' | 'command' | 'interrupt' | 'failure';
  reason: string;
  checks?: GateCheckEvidence[];
}

/** The failing checks of the evaluation that decided a failed hold: the evidence. */
function failingChecks(evaluations: { checks: GateCheckEvidence[] }[]): GateCheckEvidence[] {
  return (evaluations.at(-1)?.checks ?? []).filter((c) => c.outcome !== 'pass');
}

function hasCode(error: unknown, code: string): boolean {
  return error instanceof AwsApiError && error.awsCode === code;
}

const PHASES: Record<DeploymentStage, string> = {
  installing: 'installing',
  'test-traffic': 'test-traffic',
  'ready-wait': 'ready-wait',
  shifting: 'shifting-traffic',
  'termination-wait': 'termination-wait',
  final: 'finishing',
};

class BlueGreenRun {
  private readonly s: BlueGreenStrategy;
  private readonly rollout: Rollout;
  private facts!: DeploymentGroupFacts;
  private live: EcsService | undefined;
  private watch: DeploymentWatch | undefined;
  /** The revision production runs until green takes over (the rollback target). */
  private blueRevision: string | undefined;
  private testGateDone = false;
  private productionGateDone = false;
  private shownStage: DeploymentStage | undefined;

  constructor(
    private readonly target: DeployTarget,
    private readonly context: StrategyContext,
  ) {
    this.s = strategyOf(target);
    this.rollout = new Rollout(target, context);
    if (target.purpose === 'rollback') {
      this.testGateDone = true;
      this.productionGateDone = true;
    }
  }

  private get key(): string {
    return this.target.key;
  }

  private result(outcome: DeployResult['outcome'], taskDefinitionArn: string | undefined, reason?: string): DeployResult {
    return this.rollout.result(outcome, taskDefinitionArn, { reason, ...(this.watch ? { deploymentId: this.watch.deploymentId } : {}) });
  }

  private async milestone(event: string, summary: string, detail?: Record<string, unknown>): Promise<void> {
    await notifyMilestone(this.context, this.key, event, summary, detail);
  }

  async run(): Promise<DeployResult> {
    const { context, target } = this;
    let existing: string | undefined;
    try {
      existing = await this.prepare();
    } catch (error) {
      return this.result(
        'failed',
        this.blueRevision,
        `could not read what the deployment needs: ${errorMessage(error)}; nothing was changed`,
      );
    }
    if (context.signal.aborted)
      return this.result('interrupted', this.blueRevision, 'interrupted before the deployment: nothing was changed');
    if (target.continuation) {
      if (!existing) {
        return this.result(
          'failed',
          this.blueRevision,
          `no CodeDeploy deployment is in flight on ${this.s.deploymentGroup}: nothing to ${target.continuation}`,
        );
      }
      return this.continueFrom(existing);
    }
    if (existing) {
      return this.result(
        'failed',
        this.blueRevision,
        `CodeDeploy deployment ${existing} is in flight on ${this.s.deploymentGroup}: ${blueGreenNextCommands(this.key).join(', ')}; nothing was changed`,
      );
    }
    return this.start();
  }

  /** Reads the group, the service and the deployment in flight, if any; changes nothing. */
  private async prepare(): Promise<string | undefined> {
    const { context, target } = this;
    this.facts = await readGroup(context, this.s);
    this.live = await context.watcher.next(target.cluster, target.service, 0, context.hardSignal);
    if (this.live?.status !== 'ACTIVE')
      throw new Error(`service ${target.service} is ${this.live?.status ?? 'MISSING'} in cluster ${target.cluster}`);
    this.blueRevision = this.live.taskSets?.find((t) => t.status === 'PRIMARY')?.taskDefinition ?? this.live.taskDefinition;
    return deploymentInFlight(context.ports, this.s, context.hardSignal);
  }

  // ------------------------------------------------------------------------------------------- start

  private description(): string {
    const p = this.context.provenance ?? {};
    const parts = [
      `ecsdeploy run ${this.context.runId ?? 'unknown'}: ${this.key} to ${shortTaskDefinition(this.target.taskDefinitionArn)}`,
      ...(this.target.purpose === 'rollback' ? ['rollback'] : []),
      ...(p.gitCommit ? [`git ${p.gitCommit}`] : []),
      ...(p.manifestDigest ? [`manifest ${p.manifestDigest}`] : []),
    ];
    return parts.join('; ').slice(0, MAX_DESCRIPTION);
  }

  private async start(): Promise<DeployResult> {
    const { context, target } = this;
    try {
      await writeCodeDeployService(target, context, this.live);
    } catch (error) {
      return this.result('failed', this.blueRevision, `could not update the service: ${errorMessage(error)}; no deployment was started`);
    }
    // Only a new revision or a setting only the AppSpec can carry needs a CodeDeploy deployment (a desired count
    // change is UpdateService's alone, and a blue/green swap for it would be a long way round).
    if (target.taskDefinitionArn === this.blueRevision && !appSpecSettingsChanged(target, this.live)) {
      return this.result('succeeded', this.blueRevision, 'only settings UpdateService changes: no CodeDeploy deployment needed');
    }
    const settings = (target.settings ?? {}) as Record<string, unknown>;
    const spec = buildAppSpec({
      taskDefinitionArn: target.taskDefinitionArn,
      container: this.s.container,
      platformVersion: settings.platformVersion as string | undefined,
      networkConfiguration: settings.networkConfiguration as Parameters<typeof buildAppSpec>[0]['networkConfiguration'],
      capacityProviderStrategy: settings.capacityProviderStrategy as Parameters<typeof buildAppSpec>[0]['capacityProviderStrategy'],
      hooks: this.s.hooks,
    });
    context.emit({
      type: 'service.phase',
      service: this.key,
      phase: 'creating-deployment',
      detail: `${this.s.application}/${this.s.deploymentGroup}${this.s.deploymentConfig ? `, ${this.s.deploymentConfig}` : ''}`,
    });
    let deploymentId: string | undefined;
    try {
      const out = await context.calls.mutate(
        {
          service: 'CodeDeploy',
          operation: 'CreateDeployment',
          summary: `${this.s.application}/${this.s.deploymentGroup}: ${target.service} to ${shortTaskDefinition(target.taskDefinitionArn)} (AppSpec sha256 ${spec.sha256.slice(0, 12)})`,
        },
        (signal) =>
          context.ports.codedeploy.createDeployment(
            {
              applicationName: this.s.application,
              deploymentGroupName: this.s.deploymentGroup,
              revision: { revisionType: 'AppSpecContent', appSpecContent: { content: spec.content, sha256: spec.sha256 } },
              description: this.description(),
              ...(this.s.deploymentConfig ? { deploymentConfigName: this.s.deploymentConfig } : {}),
              // onFailure rollback: CodeDeploy itself rolls back a deployment that fails or is stopped by an alarm.
              ...(target.onFailure === 'rollback'
                ? {
                    autoRollbackConfiguration: {
                      enabled: true,
                      events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM', 'DEPLOYMENT_STOP_ON_REQUEST'],
                    },
                  }
                : {}),
            },
            { signal },
          ),
      );
      if (context.calls.dryRun) {
        return this.result(
          'skipped',
          this.blueRevision,
          `dry run: would deploy ${shortTaskDefinition(target.taskDefinitionArn)} with CodeDeploy`,
        );
      }
      deploymentId = out?.deploymentId;
    } catch (error) {
      return this.result('failed', this.blueRevision, `CodeDeploy refused the deployment: ${errorMessage(error)}; production is unchanged`);
    }
    if (!deploymentId) return this.result('failed', this.blueRevision, 'CreateDeployment returned no deployment id');
    this.watch = new DeploymentWatch(context.ports, deploymentId, this.key, context.emit);
    context.emit({
      type: 'service.started',
      service: this.key,
      strategy: 'blue-green',
      fromTaskDefinition: this.blueRevision,
      toTaskDefinition: target.taskDefinitionArn,
      deploymentId,
    });
    await this.milestone(
      'codedeploy-started',
      `CodeDeploy deployment ${deploymentId} of ${shortTaskDefinition(target.taskDefinitionArn)} started`,
      { deploymentId },
    );
    return this.follow();
  }

  // ------------------------------------------------------------------------------------------- follow

  /** A production-traffic gate still to hold (an all-at-once shift may be over before a read sees it moving). */
  private get productionGatePending(): boolean {
    return !this.productionGateDone && this.s.productionTrafficGate !== undefined;
  }

  /** Does the run stop following to act at this stage? */
  private actsAt(stage: DeploymentStage): boolean {
    if (stage === 'ready-wait') return true;
    if (stage === 'shifting') return this.productionGatePending;
    if (stage === 'termination-wait') return this.productionGatePending || this.context.waitUntil === 'traffic-shifted';
    return false;
  }

  private showStage(stage: DeploymentStage, view: DeploymentView): void {
    if (stage === this.shownStage) return;
    this.shownStage = stage;
    const green = productionWeight(view);
    const detail =
      stage === 'termination-wait'
        ? 'production on the replacement; the original task set is kept for the termination wait'
        : stage === 'shifting'
          ? `${green}% of production on the replacement`
          : stage === 'test-traffic'
            ? 'test traffic on the replacement'
            : undefined;
    this.context.emit({ type: 'service.phase', service: this.key, phase: PHASES[stage], ...(detail ? { detail } : {}) });
  }

  private followOnce(signal: AbortSignal, deadline: number, until: (stage: DeploymentStage) => boolean): Promise<FollowResult> {
    return followDeployment(this.watch as DeploymentWatch, {
      clock: this.context.clock,
      signal,
      readSignal: this.context.hardSignal,
      deadline,
      until: (view, stage) => {
        this.showStage(stage, view);
        return until(stage);
      },
    });
  }

  private async follow(): Promise<DeployResult> {
    const { context } = this;
    for (;;) {
      const r = await this.followOnce(context.signal, this.rollout.deadline, (stage) => this.actsAt(stage));
      // Production is all on the new revision and healthy by every gate: the run's timeout ending CodeDeploy's
      // termination wait is no reason to roll it back.
      if (r.kind === 'timeout' && r.view && stageOf(r.view) === 'termination-wait') return this.trafficShifted(r.view);
      if (r.kind === 'timeout') return this.onTimeout();
      if (r.kind === 'interrupted') return this.onInterrupt();
      if (r.kind === 'error') {
        return this.result(
          'failed',
          this.blueRevision,
          `${r.reason}; CodeDeploy goes on with it: ecsdeploy status -n ${this.key} shows where it stands`,
        );
      }
      const stage = stageOf(r.view);
      if (stage === 'final') return this.finish(r.view);
      if (stage === 'ready-wait') {
        const decided = await this.readyWait(r.view);
        if (decided) return decided;
      } else if ((stage === 'shifting' || stage === 'termination-wait') && this.productionGatePending) {
        const decided = await this.productionGate(r.view);
        if (decided) return decided;
      } else if (stage === 'termination-wait' && this.context.waitUntil === 'traffic-shifted') {
        return this.trafficShifted(r.view);
      }
    }
  }

  /** Green and blue as the deployment labels them, else as they were before it (blue is what the service serves). */
  private sidesNow(view: DeploymentView): BlueGreenSides | undefined {
    const during = sidesOf(view);
    if (during) return during;
    const before = sidesBeforeDeployment(this.facts, this.live);
    return typeof before === 'string' ? undefined : before;
  }

  private async targetsFor(gate: GateConfig, view: DeploymentView): Promise<GateTargets> {
    const sides = this.sidesNow(view);
    if (!sides) throw new Error('the deployment does not show its blue and green target groups yet');
    return gateTargets(this.context.ports, sides, [gate], this.context.hardSignal);
  }

  /** The deployment waits Ready with only test traffic on green: the test-traffic gate, an approval, then reroute. */
  private async readyWait(view: DeploymentView): Promise<DeployResult | undefined> {
    const { context } = this;
    const gate = this.s.testTrafficGate;
    if (gate && !this.testGateDone) {
      let hold: Awaited<ReturnType<typeof holdGate>>;
      try {
        hold = await holdGate(
          { gate, targets: await this.targetsFor(gate, view), holdMs: gate.holdMs, service: this.key, name: 'test-traffic' },
          {
            ports: context.ports,
            clock: context.clock,
            signal: context.signal,
            emit: context.emit,
            ...(context.oneOff ? { oneOff: context.oneOff } : {}),
          },
        );
      } catch (error) {
        if (context.signal.aborted) return this.onInterrupt();
        return this.stop({ trigger: 'failure', reason: `the test-traffic gate could not be held: ${errorMessage(error)}` });
      }
      if (hold.verdict === 'fail') {
        return this.stop({ trigger: 'gate', reason: `test-traffic gate failed: ${hold.reason}`, checks: failingChecks(hold.evaluations) });
      }
      if (hold.verdict === 'pause') return this.pause('ready', `the test-traffic gate paused: ${hold.reason}`);
      this.testGateDone = true;
      // (A promote reaches here with the gate done: the person approved.)
      if (gate.approval) {
        return this.pause(
          'ready',
          `test traffic passed its gate; production traffic moves to ${shortTaskDefinition(this.target.taskDefinitionArn)} on approval`,
        );
      }
    }
    return this.reroute();
  }

  /** ContinueDeployment READY_WAIT: production traffic starts moving to green. */
  private async reroute(): Promise<DeployResult | undefined> {
    const { context } = this;
    const id = (this.watch as DeploymentWatch).deploymentId;
    context.emit({ type: 'service.phase', service: this.key, phase: 'rerouting', detail: `ContinueDeployment ${id} (READY_WAIT)` });
    try {
      await context.calls.mutate(
        {
          service: 'CodeDeploy',
          operation: 'ContinueDeployment',
          summary: `${id}: reroute production traffic to the replacement (READY_WAIT)`,
        },
        (signal) => context.ports.codedeploy.continueDeployment({ deploymentId: id, deploymentWaitType: 'READY_WAIT' }, { signal }),
      );
    } catch (error) {
      // The ready wait may have run out meanwhile (CodeDeploy stops the deployment): the next read says so.
      if (!hasCode(error, 'DeploymentIsNotInReadyStateException') && !hasCode(error, 'DeploymentAlreadyCompletedException')) {
        return this.stop({ trigger: 'failure', reason: `could not continue deployment ${id}: ${errorMessage(error)}` });
      }
    }
    return undefined;
  }

  /**
   * CodeDeploy shifts production traffic on its own clock: the production-traffic gate holds for the shift and its
   * bake, while the deployment is watched beside it (CodeDeploy may end it meanwhile). An undecided gate stops it
   * too: a shift cannot be paused, and moving on without evidence is not a pass.
   */
  private async productionGate(view: DeploymentView): Promise<DeployResult | undefined> {
    const { context } = this;
    this.productionGateDone = true;
    const gate = this.s.productionTrafficGate as NonNullable<BlueGreenStrategy['productionTrafficGate']>;
    const ended = new AbortController();
    const done = new AbortController();
    const signal = AbortSignal.any([context.signal, ended.signal]);
    const watcher = this.followOnce(done.signal, Number.POSITIVE_INFINITY, () => false).then((r) => {
      if (r.kind === 'reached') ended.abort();
    });
    let hold: Awaited<ReturnType<typeof holdGate>> | undefined;
    let failure: unknown;
    try {
      const holdMs =
        (await shiftDurationMs(context.ports, this.s.deploymentConfig ?? this.facts.deploymentConfigName, context.hardSignal)) +
        gate.bakeMs;
      hold = await holdGate(
        { gate, targets: await this.targetsFor(gate, view), holdMs, service: this.key, name: 'production-traffic' },
        { ports: context.ports, clock: context.clock, signal, emit: context.emit, ...(context.oneOff ? { oneOff: context.oneOff } : {}) },
      );
    } catch (error) {
      failure = error;
    } finally {
      done.abort();
      await watcher;
    }
    if (context.signal.aborted) return this.onInterrupt();
    // CodeDeploy ended the deployment while the gate held: the follow reads how.
    if (ended.signal.aborted) return undefined;
    if (!hold) return this.stop({ trigger: 'failure', reason: `the production-traffic gate could not be held: ${errorMessage(failure)}` });
    if (hold.verdict === 'pass') return undefined;
    return this.stop({
      trigger: 'gate',
      reason: `production-traffic gate ${hold.verdict === 'fail' ? 'failed' : 'undecided while production traffic moved'}: ${hold.reason}`,
      checks: failingChecks(hold.evaluations),
    });
  }

  // ------------------------------------------------------------------------------------------- ends

  /** `--wait-until traffic-shifted`: production is all on green; the termination wait goes on after the run. */
  private async trafficShifted(view: DeploymentView): Promise<DeployResult> {
    const wait =
      this.facts.terminationAction === 'KEEP_ALIVE' ? 'kept alive' : `kept for ${this.facts.terminationWaitMinutes ?? 0} minute(s)`;
    const reason =
      `production traffic is all on ${shortTaskDefinition(this.target.taskDefinitionArn)}; deployment ${view.id} is still in flight: ` +
      `the original task set is ${wait} (CodeDeploy's termination wait): ecsdeploy promote -n ${this.key} ends it now, ecsdeploy abort -n ${this.key} rolls back; plan and status show it until then`;
    await this.milestone('codedeploy-traffic-shifted', reason, { deploymentId: view.id });
    return this.result('succeeded', this.target.taskDefinitionArn, reason);
  }

  /** The deployment ended on its own: succeeded, or failed or stopped by CodeDeploy (a hook, an alarm, the ready wait). */
  private async finish(view: DeploymentView): Promise<DeployResult> {
    if (view.status === 'Succeeded') {
      await this.milestone(
        'codedeploy-succeeded',
        `${this.target.service} runs ${shortTaskDefinition(this.target.taskDefinitionArn)}; all traffic on it`,
        {
          deploymentId: view.id,
        },
      );
      return this.result('succeeded', this.target.taskDefinitionArn);
    }
    const restored = await this.restored(view);
    const reason = `${describeEnd(view)}; ${restored ? 'production traffic is back on the original task set (verified)' : 'PRODUCTION TRAFFIC NOT VERIFIED BACK ON THE ORIGINAL TASK SET'}`;
    this.context.emit({
      type: 'codedeploy.stopped',
      service: this.key,
      deploymentId: view.id,
      trigger: 'codedeploy',
      reason,
      trafficRestored: restored,
      productionWeight: this.watch?.maxProductionWeight ?? 0,
    });
    await this.milestone('codedeploy-rolled-back', reason, { deploymentId: view.id });
    return this.result(restored ? 'rolled-back' : 'failed', this.blueRevision, reason);
  }

  /** Production traffic all on blue, and blue the PRIMARY task set again: read back from AWS, never assumed. */
  private async restored(view: DeploymentView): Promise<boolean> {
    if (productionWeight(view) !== 0) return false;
    try {
      const live = await this.context.watcher.next(this.target.cluster, this.target.service, 0, this.context.hardSignal);
      const primary = live?.taskSets?.find((t) => t.status === 'PRIMARY')?.taskDefinition ?? live?.taskDefinition;
      return primary === this.blueRevision;
    } catch {
      return false;
    }
  }

  /**
   * StopDeployment with rollback, then follows the deployment until it reads final (StopDeployment may answer
   * Pending while lifecycle events still run) and reads production back on the original task set. Waits on the
   * hard signal only: a first Ctrl-C never cuts a rollback short.
   */
  private async stop(cause: StopCause): Promise<DeployResult> {
    const { context } = this;
    const watch = this.watch as DeploymentWatch;
    const id = watch.deploymentId;
    context.emit({
      type: 'service.phase',
      service: this.key,
      phase: 'rolling-back',
      detail: `StopDeployment ${id} with rollback: ${cause.reason}`,
    });
    try {
      await context.calls.mutate(
        {
          service: 'CodeDeploy',
          operation: 'StopDeployment',
          summary: `${id}: stop, traffic back to the original task set (autoRollbackEnabled)`,
        },
        (signal) => context.ports.codedeploy.stopDeployment({ deploymentId: id, autoRollbackEnabled: true }, { signal }),
      );
    } catch (error) {
      if (!hasCode(error, 'DeploymentAlreadyCompletedException')) {
        const reason = `${cause.reason}; could not stop deployment ${id}: ${errorMessage(error)}; CodeDeploy goes on with it: ecsdeploy abort -n ${this.key}`;
        return this.result(cause.trigger === 'interrupt' ? 'interrupted' : 'failed', this.blueRevision, reason);
      }
    }
    const r = await this.followOnce(context.hardSignal, context.clock.now() + STOP_WAIT_MS, () => false);
    const view = r.view;
    if (view?.status === 'Succeeded') {
      // It finished before the stop reached it: the release shipped.
      return this.result('succeeded', this.target.taskDefinitionArn, `${cause.reason}; but deployment ${id} had already succeeded`);
    }
    const restored = r.kind === 'reached' && view !== undefined && (await this.restored(view));
    const undone = restored
      ? 'production traffic back on the original task set (verified)'
      : `PRODUCTION TRAFFIC NOT VERIFIED BACK ON THE ORIGINAL TASK SET (${view ? describeEnd(view) : 'deployment unreadable'}): check it, then ecsdeploy abort -n ${this.key} again`;
    const reason = `${cause.reason}; ${undone}`;
    context.emit({
      type: 'codedeploy.stopped',
      service: this.key,
      deploymentId: id,
      trigger: cause.trigger,
      reason,
      ...(cause.checks && cause.checks.length > 0 ? { checks: cause.checks } : {}),
      trafficRestored: restored,
      productionWeight: watch.maxProductionWeight,
    });
    await this.milestone('codedeploy-rolled-back', reason, { deploymentId: id, trigger: cause.trigger });
    if (cause.trigger === 'interrupt') return this.result('interrupted', this.blueRevision, reason);
    if (!restored) return this.result('failed', this.blueRevision, reason);
    // `ecsdeploy rollback` asked for exactly this: its rollback succeeded.
    if (this.target.purpose === 'rollback' && cause.trigger === 'command') return this.result('succeeded', this.blueRevision, reason);
    return this.result(cause.trigger === 'timeout' ? 'timed-out' : 'rolled-back', this.blueRevision, reason);
  }

  private async pause(wait: 'ready' | 'termination', why: string): Promise<DeployResult> {
    const id = (this.watch as DeploymentWatch).deploymentId;
    const next = blueGreenNextCommands(this.key);
    const limit = this.facts.readyWaitMinutes
      ? ` within the group's ${this.facts.readyWaitMinutes}-minute ready wait (CodeDeploy stops it after that)`
      : '';
    this.context.emit({
      type: 'codedeploy.paused',
      service: this.key,
      deploymentId: id,
      wait,
      runId: this.context.runId ?? 'unknown',
      reason: why,
      next,
    });
    await this.milestone('codedeploy-paused', `deployment ${id} paused: ${why}`, { deploymentId: id, next });
    return this.result('paused', this.blueRevision, `${why}: ${next.join(' to go on, ')} to roll back${limit}`);
  }

  private onTimeout(): Promise<DeployResult> | DeployResult {
    const within = `did not finish within ${Math.round(this.target.timeoutMs / 1000)}s`;
    if (this.target.onFailure === 'rollback') return this.stop({ trigger: 'timeout', reason: `deployment ${within}` });
    return this.result(
      'timed-out',
      this.blueRevision,
      `deployment ${within}; left in flight (onFailure leave): ${blueGreenNextCommands(this.key).join(', ')}`,
    );
  }

  private onInterrupt(): Promise<DeployResult> | DeployResult {
    if (this.context.onInterrupt === 'rollback') return this.stop({ trigger: 'interrupt', reason: 'interrupted' });
    return this.result(
      'interrupted',
      this.blueRevision,
      `interrupted; deployment ${this.watch?.deploymentId} is left in flight (--on-interrupt leave): ${[...blueGreenNextCommands(this.key), 'ecsdeploy apply --resume'].join(', ')}`,
    );
  }

  // ------------------------------------------------------------------------------------------- continuing

  private async continueFrom(id: string): Promise<DeployResult> {
    const { context, target } = this;
    this.watch = new DeploymentWatch(context.ports, id, this.key, context.emit);
    let view: DeploymentView;
    try {
      view = await this.watch.look(context.hardSignal);
    } catch (error) {
      return this.result('failed', this.blueRevision, `could not read deployment ${id}: ${errorMessage(error)}; nothing was changed`);
    }
    const stage = stageOf(view);
    const revision = revisionOf(this.live, id);
    context.emit({
      type: 'log',
      level: 'info',
      message: `${this.key}: continuing CodeDeploy deployment ${id} (${view.status}, ${stage}${revision ? `, to ${shortTaskDefinition(revision)}` : ''}) with ${target.continuation}`,
    });
    if (stage === 'final') return this.finish(view);
    const how = target.continuation;
    if (how === 'abort') {
      const by = target.purpose === 'rollback' ? 'stopped by ecsdeploy rollback' : 'aborted with ecsdeploy abort';
      return this.stop({ trigger: 'command', reason: by });
    }
    if (how === 'resume' && revision && target.taskDefinitionArn && revision !== target.taskDefinitionArn) {
      return this.result(
        'failed',
        this.blueRevision,
        `deployment ${id} deploys ${shortTaskDefinition(revision)}, not ${shortTaskDefinition(target.taskDefinitionArn)}: abort it first (ecsdeploy abort -n ${this.key})`,
      );
    }
    if (how === 'promote' || how === 'promote-full') {
      // A person approves what waits: the ready wait (the gate judged it, or they judge it themselves), or the
      // termination wait (end it now). --full also skips the production-traffic gate.
      // In the ready wait, the follow below reroutes at once: the gate counts as passed and the approval as given.
      this.testGateDone = true;
      if (how === 'promote-full') this.productionGateDone = true;
      if (stage === 'termination-wait') {
        const failed = await this.endTerminationWait(id);
        if (failed) return failed;
      } else if (stage !== 'ready-wait') {
        context.emit({ type: 'log', level: 'info', message: `${this.key}: deployment ${id} awaits no approval (${stage}): following it` });
      }
    }
    return this.follow();
  }

  /** ContinueDeployment TERMINATION_WAIT: the original task set goes now, and the deployment completes. */
  private async endTerminationWait(id: string): Promise<DeployResult | undefined> {
    const { context } = this;
    try {
      await context.calls.mutate(
        { service: 'CodeDeploy', operation: 'ContinueDeployment', summary: `${id}: end the termination wait now (TERMINATION_WAIT)` },
        (signal) => context.ports.codedeploy.continueDeployment({ deploymentId: id, deploymentWaitType: 'TERMINATION_WAIT' }, { signal }),
      );
    } catch (error) {
      if (!hasCode(error, 'DeploymentAlreadyCompletedException') && !hasCode(error, 'DeploymentIsNotInReadyStateException')) {
        return this.result('failed', this.target.taskDefinitionArn, `could not end the termination wait of ${id}: ${errorMessage(error)}`);
      }
    }
    return undefined;
  }
}
