/**
 * The CodeDeploy follower through the real ports and SDK client, with aws-sdk-client-mock answering GetDeployment,
 * ListDeploymentTargets and BatchGetDeploymentTargets: the stages it reads from status and lifecycle, each change
 * emitted once, the target listed once, open enums (a status or label this code does not know) never a crash nor a
 * verdict, and reads that keep failing end the follow with an error rather than a guess.
 */
import {
  BatchGetDeploymentTargetsCommand,
  CodeDeployClient,
  type DeploymentInfo,
  type ECSTarget,
  GetDeploymentCommand,
  ListDeploymentTargetsCommand,
} from '@aws-sdk/client-codedeploy';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/clients.js';
import { createEmitter } from '../../src/engine/emitter.js';
import { MemorySink } from '../../src/events/types.js';
import { VirtualClock } from '../../src/sandbox/clock.js';
import { type DeploymentStage, DeploymentWatch, describeEnd, followDeployment, stageOf } from '../../src/strategies/codedeploy-follow.js';

const cdMock = mockClient(CodeDeployClient);
const ID = 'd-ABCDEF123';

type Step = { status: string; events: Record<string, string>; green?: number; info?: Partial<DeploymentInfo> };

function ecsTarget(step: Step): ECSTarget {
  const green = step.green ?? 0;
  return {
    deploymentId: ID,
    targetId: 'orders:orders-api',
    lifecycleEvents: Object.entries(step.events).map(([name, status]) => ({
      lifecycleEventName: name,
      status: status as never,
      ...(status === 'Failed'
        ? { diagnostics: { errorCode: 'ScriptFailed' as never, scriptName: 'smoke-test', message: 'HTTP 500 on /health' } }
        : {}),
    })),
    taskSetsInfo: [
      {
        taskSetLabel: 'Blue',
        status: 'PRIMARY',
        trafficWeight: 100 - green,
        targetGroup: { name: 'blue-tg' },
        desiredCount: 2,
        runningCount: 2,
      },
      {
        taskSetLabel: 'Green',
        status: 'ACTIVE',
        trafficWeight: green,
        targetGroup: { name: 'green-tg' },
        desiredCount: 2,
        runningCount: 2,
      },
    ],
  };
}

/** Answers each look (GetDeployment + BatchGetDeploymentTargets) with the next step; the last one repeats. */
function answer(steps: Step[]): void {
  const get = cdMock.on(GetDeploymentCommand);
  const batch = cdMock.on(BatchGetDeploymentTargetsCommand);
  for (const step of steps) {
    get.resolvesOnce({ deploymentInfo: { deploymentId: ID, status: step.status as never, ...step.info } });
    batch.resolvesOnce({ deploymentTargets: [{ deploymentTargetType: 'ECSTarget', ecsTarget: ecsTarget(step) }] });
  }
  const last = steps[steps.length - 1] as Step;
  get.resolves({ deploymentInfo: { deploymentId: ID, status: last.status as never, ...last.info } });
  batch.resolves({ deploymentTargets: [{ deploymentTargetType: 'ECSTarget', ecsTarget: ecsTarget(last) }] });
}

function setup() {
  const clock = new VirtualClock(Date.parse('2026-01-01T00:00:00Z'));
  const ports = createAwsPorts({ region: 'us-east-1', env: {}, credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
  const sink = new MemorySink();
  const watch = new DeploymentWatch(ports, ID, 'api', createEmitter(sink, clock));
  const never = new AbortController().signal;
  const follow = (until: (stage: DeploymentStage) => boolean, deadline = clock.now() + 3_600_000) =>
    followDeployment(watch, { clock, signal: never, readSignal: never, deadline, until: (_v, stage) => until(stage) });
  return { clock, sink, watch, follow };
}

const PENDING = {
  BeforeInstall: 'Pending',
  Install: 'Pending',
  AfterInstall: 'Pending',
  AllowTestTraffic: 'Pending',
  AllowTraffic: 'Pending',
};

beforeEach(() => {
  cdMock.reset();
  cdMock.onAnyCommand().rejects(new Error('unexpected call'));
  cdMock.on(ListDeploymentTargetsCommand).resolves({ targetIds: ['orders:orders-api'] });
});
afterEach(() => cdMock.reset());

describe('following a CodeDeploy ECS deployment', () => {
  it('reads each stage in order, emits every lifecycle change and production weight once, and lists the target once', async () => {
    answer([
      { status: 'InProgress', events: { ...PENDING, BeforeInstall: 'Succeeded', Install: 'InProgress' } },
      {
        status: 'InProgress',
        events: { ...PENDING, BeforeInstall: 'Succeeded', Install: 'Succeeded', AfterInstall: 'Succeeded', AllowTestTraffic: 'Succeeded' },
      },
      {
        status: 'Ready',
        events: { ...PENDING, BeforeInstall: 'Succeeded', Install: 'Succeeded', AfterInstall: 'Succeeded', AllowTestTraffic: 'Succeeded' },
      },
      {
        status: 'InProgress',
        green: 10,
        events: {
          ...PENDING,
          BeforeInstall: 'Succeeded',
          Install: 'Succeeded',
          AfterInstall: 'Succeeded',
          AllowTestTraffic: 'Succeeded',
          AllowTraffic: 'InProgress',
        },
      },
      {
        status: 'InProgress',
        green: 100,
        events: {
          BeforeInstall: 'Succeeded',
          Install: 'Succeeded',
          AfterInstall: 'Succeeded',
          AllowTestTraffic: 'Succeeded',
          AllowTraffic: 'Succeeded',
        },
      },
      {
        status: 'Succeeded',
        green: 100,
        events: {
          BeforeInstall: 'Succeeded',
          Install: 'Succeeded',
          AfterInstall: 'Succeeded',
          AllowTestTraffic: 'Succeeded',
          AllowTraffic: 'Succeeded',
        },
      },
    ]);
    const { sink, follow } = setup();
    const seen: DeploymentStage[] = [];
    const ready = await follow((stage) => {
      seen.push(stage);
      return stage === 'ready-wait';
    });
    expect(ready.kind).toBe('reached');
    expect(seen).toEqual(['installing', 'test-traffic', 'ready-wait']);
    const rest = await follow((stage) => {
      seen.push(stage);
      return false;
    });
    expect(rest.kind === 'reached' && stageOf(rest.view)).toBe('final');
    expect(seen.slice(3)).toEqual(['shifting', 'termination-wait']);

    const lifecycle = sink.ofType('codedeploy.lifecycle').map((e) => `${e.event}:${e.status}`);
    // Pending when first seen is not news; every later change shows exactly once.
    expect(lifecycle).toEqual([
      'BeforeInstall:Succeeded',
      'Install:InProgress',
      'Install:Succeeded',
      'AfterInstall:Succeeded',
      'AllowTestTraffic:Succeeded',
      'AllowTraffic:InProgress',
      'AllowTraffic:Succeeded',
    ]);
    expect(sink.ofType('traffic.shifted').map((e) => e.weights)).toEqual([
      { 'blue-tg': 90, 'green-tg': 10 },
      { 'blue-tg': 0, 'green-tg': 100 },
    ]);
    expect(cdMock.commandCalls(ListDeploymentTargetsCommand)).toHaveLength(1);
    expect(cdMock.commandCalls(GetDeploymentCommand)[0]?.args[0].input).toEqual({ deploymentId: ID });
  });

  it('reads statuses, lifecycle states and labels it does not know as still in progress, never as a verdict', async () => {
    answer([
      { status: 'Rebalancing', events: { Install: 'Teleporting' } },
      { status: 'Rebalancing', events: { Install: 'Teleporting', Reticulate: 'Splining' } },
      { status: 'Succeeded', events: { Install: 'Succeeded' } },
    ]);
    const { follow, sink } = setup();
    const stages: DeploymentStage[] = [];
    const r = await follow((stage) => {
      stages.push(stage);
      return false;
    });
    expect(stages).toEqual(['installing', 'installing']);
    expect(r.kind === 'reached' && r.view.status).toBe('Succeeded');
    expect(sink.ofType('codedeploy.lifecycle').map((e) => `${e.event}:${e.status}`)).toEqual([
      'Install:Teleporting',
      'Reticulate:Splining',
      'Install:Succeeded',
    ]);
  });

  it('ends on a failed deployment with the failing lifecycle event, its hook and diagnostics, and the rollback', async () => {
    answer([
      {
        status: 'Failed',
        events: {
          BeforeInstall: 'Succeeded',
          Install: 'Succeeded',
          AfterInstall: 'Failed',
          AllowTestTraffic: 'Skipped',
          AllowTraffic: 'Skipped',
        },
        info: {
          errorInformation: { code: 'HOOK_FAILED' as never, message: 'A lifecycle hook failed' },
          rollbackInfo: { rollbackMessage: 'rolled back to the original task set' },
        },
      },
    ]);
    const { follow, sink } = setup();
    const r = await follow(() => false);
    expect(r.kind).toBe('reached');
    if (r.kind !== 'reached') return;
    expect(describeEnd(r.view)).toBe(
      `CodeDeploy deployment ${ID} Failed; HOOK_FAILED: A lifecycle hook failed; AfterInstall failed (hook smoke-test: ScriptFailed: HTTP 500 on /health); rolled back to the original task set`,
    );
    expect(sink.ofType('codedeploy.lifecycle').find((e) => e.status === 'Failed')).toMatchObject({
      level: 'error',
      event: 'AfterInstall',
      diagnostics: { scriptName: 'smoke-test', errorCode: 'ScriptFailed' },
    });
  });

  it('gives up with an error after five failed reads in a row, and times out at its deadline', async () => {
    cdMock.on(GetDeploymentCommand).rejects(new Error('socket hang up'));
    const broken = setup();
    const r = await broken.follow(() => false);
    expect(r).toMatchObject({
      kind: 'error',
      reason: expect.stringMatching(new RegExp(`^could not read deployment ${ID}: .*socket hang up`)),
    });
    expect(cdMock.commandCalls(GetDeploymentCommand)).toHaveLength(5);

    cdMock.reset();
    cdMock.on(ListDeploymentTargetsCommand).resolves({ targetIds: ['orders:orders-api'] });
    answer([{ status: 'InProgress', events: { ...PENDING, Install: 'InProgress' } }]);
    const slow = setup();
    const t = await slow.follow(() => false, slow.clock.now() + 60_000);
    expect(t.kind).toBe('timeout');
    expect(slow.clock.now()).toBe(Date.parse('2026-01-01T00:01:00Z'));
  });
});
