/**
 * The fake ECS (fake-aws.ts) against the sandbox: the same deployment, run by applyPlan on each, must look the same
 * to the engine. The fake stays for situations the sandbox cannot produce (fake-only.test.ts, and the strategy
 * tests); the sandbox is held to AWS by moto's conformance suite. This test holds the fake to the sandbox, so
 * neither can drift alone: each scenario compares
 *
 * - what the engine saw of the service, call by call: its deployments (status, rolloutState, and whose revision:
 *   the one it deploys, the one it replaces), consecutive repeats folded. The fake moves a step per read and the
 *   sandbox with time, so the fake may skip a passing state, but every state it shows must be one the sandbox
 *   showed, in the same order, from the same first one to the same last one;
 * - what the engine concluded: outcome, reason, where the service stands, stopped tasks, one-off results;
 * - the calls it made that change something.
 */
import { describe, expect, it } from 'vitest';
import type { AwsPorts, EcsService } from '../../src/aws/ports.js';
import { applyPlan } from '../../src/engine/apply.js';
import type { ApplyResult } from '../../src/engine/types.js';
import { type EngineEvent, MemorySink } from '../../src/events/types.js';
import type { Plan } from '../../src/plan/types.js';
import { VirtualClock } from '../../src/sandbox/clock.js';
import type { Scenario } from '../../src/sandbox/world/index.js';
import { recordCalls } from '../_helpers/recorded-ports.js';
import { type Behaviour, FakeAws } from './fake-aws.js';
import { APPLY_DEFAULTS, CLUSTER, engineOnSandbox, manifestDoc, service } from './sandbox-harness.js';

interface Observed {
  /** Each distinct view of the service's deployments, in the order the engine saw them. */
  views: string[][];
  result: Record<string, unknown>;
  mutations: string[];
  events: string[];
}

/** `ours` (the revision the run deploys), `previous` (the one it replaces), else `other` (someone else's). */
function whose(arn: string | undefined, previous: string, ours: () => string | undefined): string {
  if (arn === previous) return 'previous';
  if (arn && arn === ours()) return 'ours';
  return 'other';
}

/** Seen by the engine: the service as DescribeServices (or UpdateService) answered, and whose each deployment is. */
type Watch = (op: string, svc: EcsService, whoseIs: (arn: string | undefined) => string) => void | Promise<void>;

/** Runs `plan` on `ports` and records what the engine saw and did; `watch` sees every answer first. */
async function observe(ports: AwsPorts, clock: VirtualClock, plan: Plan, watch?: Watch): Promise<Observed> {
  const rec = recordCalls(ports);
  const sink = new MemorySink();
  const previous = plan.services[0]?.live?.taskDefinitionArn as string;
  const ours = () => sink.ofType('taskdef.registered')[0]?.taskDefinitionArn;
  const views: string[][] = [];
  rec.afterCall = async (call, output) => {
    if (call.op === 'UpdateService') {
      const svc = (output as { service?: EcsService }).service;
      if (svc) await watch?.(call.op, svc, (arn) => whose(arn, previous, ours));
      return;
    }
    if (call.op !== 'DescribeServices') return;
    const svc = (output as { services?: EcsService[] }).services?.find((s) => s.serviceName === 'web');
    if (!svc) return;
    const view = (svc.deployments ?? []).map((d) => `${d.status} ${d.rolloutState} ${whose(d.taskDefinition, previous, ours)}`);
    if (JSON.stringify(view) !== JSON.stringify(views.at(-1))) views.push(view);
    await watch?.(call.op, svc, (arn) => whose(arn, previous, ours));
  };
  const r: ApplyResult = await applyPlan(
    plan,
    { ports: rec.ports, sink, clock, signal: new AbortController().signal },
    { ...APPLY_DEFAULTS, runId: 'contract' },
  );
  const s = r.services[0];
  // Ids, task ARNs and durations differ between any two runs; so does the name of someone else's revision.
  const shortOf = (arn: string | undefined) => arn?.split('/').at(-1);
  const known = new Map([
    [shortOf(previous), 'PREVIOUS'],
    [shortOf(ours()), 'OURS'],
  ]);
  const neutral = (text: string | undefined) =>
    text
      ?.replace(/ecs-svc\/\d+/g, 'ecs-svc/ID')
      .replace(/arn:aws:ecs:[^ ]*task\/\S+/g, 'TASK')
      .replace(/\b[a-z][\w-]*:\d+\b/g, (name) => known.get(name) ?? 'THEIRS')
      .replace(/\d+(\.\d+)?\s?(s|ms|min|m)\b/g, 'N');
  const events = sink.events
    .filter((e) => !['aws.call', 'service.progress', 'service.event', 'log'].includes(e.type))
    .map((e: EngineEvent) => `${e.type}${'outcome' in e ? ` ${String(e.outcome)}` : ''}${'phase' in e ? ` ${String(e.phase)}` : ''}`);
  return {
    views,
    result: {
      outcome: r.outcome,
      service: s?.outcome,
      reason: neutral(s?.reason),
      standsOn: whose(s?.taskDefinitionArn, previous, ours),
      stoppedTasks: s?.stoppedTasks?.map((t) => ({
        stopCode: t.stopCode,
        reason: neutral(t.stoppedReason),
        exitCodes: t.containers.map((c) => c.exitCode),
      })),
      oneOffs: r.oneOffs.map((o) => ({ name: o.name, outcome: o.outcome, reason: neutral(o.reason) })),
    },
    mutations: rec
      .mutatingCalls()
      .filter((c) => c.op !== 'TagResource' && c.op !== 'UntagResource')
      .map((c) => (c.op === 'UpdateService' ? `UpdateService ${whose(c.input.taskDefinition as string, previous, ours)}` : c.op)),
    events,
  };
}

interface Case {
  fake: Behaviour[];
  scenario: Partial<Scenario>;
  /** The manifest's circuit breaker rolls back (default) or only stops the deployment. */
  ecsRollsBack?: boolean;
  oneOffExit?: number;
  timeout?: string;
  /** The service's desired count and maximumPercent (default 2 and 200: every task of a rollout at once). */
  desiredCount?: number;
  maximumPercent?: number;
  /**
   * Someone else updates the service while ours rolls out: to another revision or back to the previous one, right
   * after our UpdateService (`at-update`, before any of ours started) or once some of ours run (`running`).
   */
  race?: { to: 'another' | 'previous'; when: 'at-update' | 'running' };
  /** Reads before the fake moves a deployment on (default 2). */
  fakePolls?: number;
}

async function both(c: Case): Promise<{ fake: Observed; sandbox: Observed }> {
  const deployment = {
    circuitBreaker: { enable: true, rollback: c.ecsRollsBack ?? true },
    ...(c.maximumPercent ? { maximumPercent: c.maximumPercent } : {}),
  };
  const h = await engineOnSandbox({
    manifest: manifestDoc(
      { web: service('web', { deployment, desiredCount: c.desiredCount ?? 2, ...(c.timeout ? { timeout: c.timeout } : {}) }) },
      c.oneOffExit !== undefined ? { before: [{ name: 'migrate', taskDefinitionOf: 'web', command: ['migrate'] }] } : {},
    ),
    scenario: {
      ...c.scenario,
      images: [...(c.oneOffExit !== undefined ? [{ match: '*web:v2', exitCode: c.oneOffExit }] : []), ...(c.scenario.images ?? [])],
    },
  });
  const plan = await h.plan();
  let raced = false;
  const race: Watch | undefined = c.race
    ? async (op, svc, whoseIs) => {
        const mine = svc.deployments?.find((d) => whoseIs(d.taskDefinition) === 'ours');
        if (raced || mine?.rolloutState !== 'IN_PROGRESS') return;
        // `running`: some of ours run (and are healthy: the next ones are starting), so they stay while they would
        // drain; `at-update`: none of ours has started, so ECS stops them at once (the engine still sees them
        // listed on its first read, 2 s later: stopping takes 3 s).
        const running = (mine.runningCount ?? 0) > 0 && (mine.pendingCount ?? 0) > 0;
        if (c.race?.when === 'running' ? op !== 'DescribeServices' || !running : op !== 'UpdateService') return;
        raced = true;
        const to = c.race?.to === 'previous' ? plan.services[0]?.live?.taskDefinitionArn : await h.register('web', 'repo/web:theirs');
        await h.admin.ecs.updateService({ cluster: CLUSTER, service: 'web', taskDefinition: to });
      }
    : undefined;
  const sandbox = await observe(h.rec.ports, h.clock, plan, race);
  if (c.race) expect(raced).toBe(true);

  // The same plan against the fake, seeded with the same service and revision.
  const clock = new VirtualClock();
  const aws = new FakeAws(clock);
  const live = plan.services[0]?.live?.taskDefinitionArn as string;
  aws.addTaskDefinition('web'); // web:1, as in the sandbox: the run registers web:2
  aws.addService({ cluster: CLUSTER, name: 'web', taskDefinition: live, desired: c.desiredCount ?? 2, behaviours: c.fake });
  if (c.oneOffExit !== undefined) aws.oneOffExit = c.oneOffExit;
  if (c.fakePolls !== undefined) aws.polls = c.fakePolls;
  const fake = await observe(aws.ports(), clock, plan);
  return { fake, sandbox };
}

describe('the fake ECS behaves like the sandbox', () => {
  it.each<[string, Case]>([
    ['a healthy rollout', { fake: ['healthy'], scenario: {} }],
    [
      'a crashing release the circuit breaker rolls back',
      { fake: ['circuit-breaker'], scenario: { images: [{ match: '*web:v2', crashOnStart: true, exitCode: 137 }] } },
    ],
    [
      'a crashing release the circuit breaker stops without rolling back (the engine rolls back)',
      { fake: ['fail', 'healthy'], ecsRollsBack: false, scenario: { images: [{ match: '*web:v2', crashOnStart: true, exitCode: 137 }] } },
    ],
    [
      'a release that never starts, past the timeout (the engine rolls back)',
      { fake: ['stuck', 'healthy'], timeout: '5m', scenario: { images: [{ match: '*web:v2', startSeconds: 86_400 }] } },
    ],
    [
      'another deployment supersedes ours while its tasks run',
      {
        fake: ['superseded'],
        race: { to: 'another', when: 'running' },
        // Two of four tasks at a time (150 %), each taking a minute to start: the first two run while the next two
        // start. Theirs never start, so the running two of ours cannot be stopped (minimum healthy 100 %).
        desiredCount: 4,
        maximumPercent: 150,
        scenario: {
          images: [
            { match: '*web:theirs', startSeconds: 86_400 },
            { match: '*web:v2', startSeconds: 60 },
          ],
        },
      },
    ],
    [
      'another deployment replaces ours before its tasks started',
      {
        fake: ['replaced'],
        fakePolls: 1,
        race: { to: 'another', when: 'at-update' },
        scenario: { images: [{ match: '*web:theirs', startSeconds: 86_400 }] },
      },
    ],
    [
      'someone puts the previous revision back before ours started',
      { fake: ['vanish'], fakePolls: 1, race: { to: 'previous', when: 'at-update' }, scenario: {} },
    ],
    ['a one-off task that exits 3', { fake: [], oneOffExit: 3, scenario: {} }],
    ['a one-off task that exits 0, then a healthy rollout', { fake: ['healthy'], oneOffExit: 0, scenario: {} }],
  ])('%s', async (_name, c) => {
    const { fake, sandbox } = await both(c);
    const key = (v: string[]) => JSON.stringify(v);
    const shown = new Set(fake.views.map(key));
    const sandboxViews = sandbox.views.filter((v) => shown.has(key(v)));
    expect(fake).toEqual({ ...sandbox, views: sandboxViews });
    expect(fake.views[0]).toEqual(sandbox.views[0]);
    expect(fake.views.at(-1)).toEqual(sandbox.views.at(-1));
  });
});
