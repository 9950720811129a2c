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

/** `ours` (the revision the run deploys), `previous` (the one it replaces), else `other`. */
function whose(arn: string | undefined, previous: string, ours: () => string | undefined): string {
  if (arn === previous) return 'previous';
  if (arn && arn === ours()) return 'ours';
  return `other:${arn?.split('/').at(-1)}`;
}

/** Runs `plan` on `ports` and records what the engine saw and did. */
async function observe(ports: AwsPorts, clock: VirtualClock, plan: Plan): Promise<Observed> {
  const rec = recordCalls(ports);
  const sink = new MemorySink();
  const previous = plan.services[0]?.live?.taskDefinitionArn as string;
  const ours = () => sink.ofType('taskdef.registered')[0]?.taskDefinitionArn;
  const views: string[][] = [];
  rec.afterCall = (call, output) => {
    if (call.op !== 'DescribeServices') return;
    const svc = (output as { services?: EcsService[] }).services?.find((s) => s.serviceName === 'web');
    if (!svc) return;
    const view = (svc.deployments ?? []).map((d) => `${d.status} ${d.rolloutState} ${whose(d.taskDefinition, previous, ours)}`);
    if (JSON.stringify(view) !== JSON.stringify(views.at(-1))) views.push(view);
  };
  const r: ApplyResult = await applyPlan(
    plan,
    { ports: rec.ports, sink, clock, signal: new AbortController().signal },
    { ...APPLY_DEFAULTS, runId: 'contract' },
  );
  const s = r.services[0];
  const neutral = (text: string | undefined) =>
    text
      ?.replace(/ecs-svc\/\d+/g, 'ecs-svc/ID')
      .replace(/arn:aws:ecs:[^ ]*task\/\S+/g, 'TASK')
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
        reason: t.stoppedReason,
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
}

async function both(c: Case): Promise<{ fake: Observed; sandbox: Observed }> {
  const deployment = { circuitBreaker: { enable: true, rollback: c.ecsRollsBack ?? true } };
  const h = await engineOnSandbox({
    manifest: manifestDoc(
      { web: service('web', { deployment, ...(c.timeout ? { timeout: c.timeout } : {}) }) },
      c.oneOffExit !== undefined ? { before: [{ name: 'migrate', taskDefinitionOf: 'web', command: ['migrate'] }] } : {},
    ),
    scenario: {
      ...c.scenario,
      images: [...(c.oneOffExit !== undefined ? [{ match: '*web:v2', exitCode: c.oneOffExit }] : []), ...(c.scenario.images ?? [])],
    },
  });
  const plan = await h.plan();
  const sandbox = await observe(h.rec.ports, h.clock, plan);

  // The same plan against the fake, seeded with the same service and revision.
  const clock = new VirtualClock();
  const aws = new FakeAws(clock);
  const live = plan.services[0]?.live?.taskDefinitionArn as string;
  aws.addTaskDefinition('web'); // web:1, as in the sandbox: the run registers web:2
  aws.addService({ cluster: CLUSTER, name: 'web', taskDefinition: live, behaviours: c.fake });
  if (c.oneOffExit !== undefined) aws.oneOffExit = c.oneOffExit;
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
