/**
 * A canary that outlives its run: paused for approval and promoted from a second process, aborted, interrupted
 * (Ctrl-C at each step), or left by a run that died. The real CLI against the sandbox; "another process" is a
 * second `run()` that shares nothing with the first but the account (`--sandbox --state FILE`, or one in-process
 * account with a new set of ports), so all it knows comes from AWS: the canary's state tags and the rule.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/clients.js';
import { cli, ofType } from '../_helpers/cli.js';
import { startInProcessSandbox } from '../_helpers/sandbox.js';
import { canaryExample, canaryWorld, ENV, indexOf, ruleWeights, SCENARIOS, serviceSnapshot, writtenWeights } from './canary-world.js';

const APPROVAL_STEPS = `      steps:
        - { weight: 10, pause: until-approved }
        - { weight: 50, pause: 2m }
`;

describe('a canary paused for approval', () => {
  it('until-approved: exit 3 with the commands; plan shows it in flight (exit 2); apply refuses it; promote from a second process finishes it', async () => {
    const cwd = canaryExample({ steps: APPROVAL_STEPS });
    const state = join(mkdtempSync(join(tmpdir(), 'ecsdeploy-state-')), 'account.json');
    const sandbox = ['--sandbox', '--state', state, '--scenario', join(SCENARIOS, 'healthy-canary.yaml')];

    const first = await cli(['apply', ...sandbox, '--yes', '--format', 'json'], { cwd, env: ENV });
    expect(first.code).toBe(3);
    expect(ofType(first.events, 'canary.step')).toMatchObject([{ step: 1, weight: 10, verdict: 'approval' }]);
    // The approval step holds the gate to its first evaluation: a person approves a canary that was judged.
    expect(ofType(first.events, 'gate.evaluated')).toHaveLength(1);
    expect(ofType(first.events, 'canary.paused')[0]).toMatchObject({
      step: 1,
      weight: 10,
      next: ['ecsdeploy promote -n web', 'ecsdeploy abort -n web'],
    });
    const plain = await cli(['plan', ...sandbox, '--detailed-exitcode'], { cwd, env: ENV });
    expect(plain.code).toBe(2);
    expect(plain.stdout).toMatch(/in flight: canary on shop-web-canary paused at step 1 \(10 %\) awaiting approval/);
    expect(plain.stdout).toContain('next: ecsdeploy promote -n web');
    expect(plain.stdout).toContain('next: ecsdeploy abort -n web');
    const markdown = await cli(['plan', ...sandbox, '--format', 'markdown'], { cwd, env: ENV });
    const runId = ofType(first.events, 'apply.started')[0]?.runId;
    expect(markdown.stdout).toContain(
      `- web: a canary is in flight: canary on shop-web-canary paused at step 1 (10 %) awaiting approval, started by ecsdeploy run ${runId}; next: \`ecsdeploy promote -n web\`, \`ecsdeploy abort -n web\``,
    );

    // Another apply (another CI job): refused, naming the canary and both commands; nothing changes.
    const again = await cli(['apply', ...sandbox, '--yes', '--format', 'json'], { cwd, env: ENV });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/SERVICE_BUSY/);
    expect(again.stderr).toMatch(/web: a canary is in flight: canary on shop-web-canary paused at step 1/);
    expect(again.stderr).toContain('ecsdeploy promote -n web');
    expect(again.stderr).toContain('ecsdeploy abort -n web');
    expect(ofType(again.events, 'apply.started')).toEqual([]);

    // status shows step, weights, phase, last verdict, run id.
    const status = await cli(['status', ...sandbox, '--format', 'json'], { cwd, env: ENV });
    const report = (JSON.parse(status.stdout) as { canary?: Record<string, unknown> }[])[0];
    expect(report?.canary).toMatchObject({
      phase: 'paused',
      step: 1,
      weight: 10,
      weights: { 'shop-web-stable': 90, 'shop-web-canary': 10 },
    });
    expect(report?.canary?.runId).toBe(ofType(first.events, 'apply.started')[0]?.runId);
    const text = (await cli(['status', ...sandbox], { cwd, env: ENV })).stdout;
    expect(text).toMatch(
      /canary shop-web-canary: paused at step 1 \(10 %\) awaiting approval \(run \S+\); rule weights shop-web-stable 90 \/ shop-web-canary 10/,
    );
    expect(text).toContain('next: ecsdeploy promote -n web');

    const promoted = await cli(['promote', ...sandbox, '-n', 'web', '--yes', '--format', 'json'], { cwd, env: ENV });
    expect(promoted.code).toBe(0);
    // It went on from the recorded step: step 2, then the promotion; step 1 was not held again.
    expect(ofType(promoted.events, 'canary.step').map((e) => [e.step, e.verdict])).toEqual([[2, 'pass']]);
    expect(ofType(promoted.events, 'canary.promoted')).toHaveLength(1);
    expect(ofType(promoted.events, 'taskdef.registered')).toEqual([]);

    const after = await cli(['plan', ...sandbox, '--detailed-exitcode'], { cwd, env: ENV });
    expect(after.stdout).toContain('No changes');
    expect(after.code).toBe(0);
    const sb = startInProcessSandbox({ stateFile: state });
    const ports = createAwsPorts(sb.awsConfig());
    const { strategy } = canaryWorld({ cwd, scenario: 'healthy-canary.yaml' });
    expect(await ruleWeights(ports, strategy)).toMatchObject({ stable: 100, canary: 0 });
    expect(await serviceSnapshot(ports, 'shop', 'shop-web-canary')).toMatchObject({ desiredCount: 0, canaryTags: {} });
    expect((await serviceSnapshot(ports, 'shop', 'shop-web')).taskDefinition).toBe('shop-web:2');
  });

  it('promote --full skips the remaining steps and promotes now', async () => {
    const world = canaryWorld({ cwd: canaryExample({ steps: APPROVAL_STEPS }), scenario: 'healthy-canary.yaml' });
    expect((await cli(['apply', '--yes', '--format', 'json'], { cwd: world.cwd, env: ENV, context: world.record().context })).code).toBe(3);
    const r = await cli(['promote', '--full', '--yes', '--format', 'json'], { cwd: world.cwd, env: ENV, context: world.record().context });
    expect(r.code).toBe(0);
    expect(ofType(r.events, 'canary.step')).toEqual([]);
    expect(ofType(r.events, 'gate.evaluated')).toEqual([]);
    expect(ofType(r.events, 'canary.promoted')).toHaveLength(1);
    expect((await serviceSnapshot(world.ports, 'shop', 'shop-web')).taskDefinition).toBe('shop-web:2');
  });

  it('abort: traffic back to stable (read back), then the canary scaled in; stable untouched; exit 1', async () => {
    const world = canaryWorld({ cwd: canaryExample({ steps: APPROVAL_STEPS }), scenario: 'healthy-canary.yaml' });
    expect((await cli(['apply', '--yes', '--format', 'json'], { cwd: world.cwd, env: ENV, context: world.record().context })).code).toBe(3);
    const { rec, context } = world.record();
    const r = await cli(['abort', '-n', 'web', '--yes', '--format', 'json'], { cwd: world.cwd, env: ENV, context });
    expect(r.code).toBe(1);
    expect(ofType(r.events, 'canary.aborted')[0]).toMatchObject({
      trigger: 'command',
      step: 1,
      weight: 10,
      trafficRestored: true,
      scaledIn: true,
    });
    const back = indexOf(rec, (op, i) => op === 'ModifyRule' && JSON.stringify(writtenWeights(i)) === '[100,0]');
    const scaledIn = indexOf(rec, (op, i) => op === 'UpdateService' && i.desiredCount === 0);
    expect(indexOf(rec, (op) => op === 'DescribeRules', back)).toBeGreaterThan(back);
    expect(scaledIn).toBeGreaterThan(indexOf(rec, (op) => op === 'DescribeRules', back));
    expect(rec.callsOf('UpdateService').filter((i) => i.service === 'shop-web')).toEqual([]);
    expect(await ruleWeights(world.ports, world.strategy)).toMatchObject({ stable: 100, canary: 0 });
    expect(await serviceSnapshot(world.ports, 'shop', 'shop-web-canary')).toMatchObject({ desiredCount: 0, canaryTags: {} });
    expect((await serviceSnapshot(world.ports, 'shop', 'shop-web')).taskDefinition).toBe('shop-web:1');

    const nothing = await cli(['abort', '--yes'], { cwd: world.cwd, env: ENV, context: world.record().context });
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(/CANARY_NOT_IN_FLIGHT/);
  });

  it.each(['--wait', '--force'])('apply %s refuses it too, before any write, with the commands that move it on', async (flag) => {
    // A paused canary waits for a person, not for time (--wait), and its state tags hold the service (--force).
    const world = canaryWorld({ cwd: canaryExample({ steps: APPROVAL_STEPS }), scenario: 'healthy-canary.yaml' });
    expect((await cli(['apply', '--yes', '--format', 'json'], { cwd: world.cwd, env: ENV, context: world.record().context })).code).toBe(3);
    const { rec, context } = world.record();
    const r = await cli(['apply', flag, '--yes', '--format', 'json'], { cwd: world.cwd, env: ENV, context });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /error \[SERVICE_BUSY\]: refusing to deploy: a rollout is not decided yet:\n {2}- web: a canary is in flight: canary on shop-web-canary paused at step 1 \(10 %\) awaiting approval, started by ecsdeploy run \S+; to move it on: ecsdeploy promote -n web or ecsdeploy abort -n web\n/,
    );
    // The hint offers what moves a canary on, never --wait or --force, which do not.
    const hint = r.stderr.split('\n').find((l) => l.startsWith('hint: ')) ?? '';
    expect(hint).toContain('`ecsdeploy promote`');
    expect(hint).not.toMatch(/--wait|--force/);
    expect(ofType(r.events, 'apply.started')).toEqual([]);
    expect(rec.mutatingCalls()).toEqual([]);
    expect(await ruleWeights(world.ports, world.strategy)).toMatchObject({ stable: 90, canary: 10 });
  });
});

describe('abort when the rule changed under a paused canary', () => {
  it('stickiness turned on meanwhile: resume is refused, abort still puts the traffic back', async () => {
    const world = canaryWorld({ cwd: canaryExample({ steps: APPROVAL_STEPS }), scenario: 'healthy-canary.yaml' });
    expect((await cli(['apply', '--yes'], { cwd: world.cwd, env: ENV, context: world.record().context })).code).toBe(3);
    const rule = (await world.ports.elbv2.describeRules({ RuleArns: [world.strategy.rule ?? ''] })).Rules?.[0];
    const sticky = (rule?.Actions ?? []).map((a) =>
      a.Type === 'forward'
        ? { ...a, ForwardConfig: { ...a.ForwardConfig, TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 } } }
        : a,
    );
    await world.ports.elbv2.modifyRule({ RuleArn: world.strategy.rule ?? '', Actions: sticky });

    const resumed = await cli(['apply', '--resume', '--yes'], { cwd: world.cwd, env: ENV, context: world.record().context });
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toMatch(/PREFLIGHT_FAILED[\s\S]*stickiness on/);
    expect(await ruleWeights(world.ports, world.strategy)).toMatchObject({ stable: 90, canary: 10 });

    const aborted = await cli(['abort', '--yes', '--format', 'json'], { cwd: world.cwd, env: ENV, context: world.record().context });
    expect(aborted.code).toBe(1);
    expect(ofType(aborted.events, 'canary.aborted')[0]).toMatchObject({ trigger: 'command', trafficRestored: true, scaledIn: true });
    expect(await ruleWeights(world.ports, world.strategy)).toMatchObject({ stable: 100, canary: 0 });
  });
});

describe('Ctrl-C during a canary', () => {
  for (const step of [1, 2, 3]) {
    it(`at step ${step}: traffic back to stable (read back), canary scaled in, exit 130`, async () => {
      const world = canaryWorld({ scenario: 'healthy-canary.yaml' });
      const ctl = new AbortController();
      const { rec, context } = world.record();
      const r = await cli(['apply', '--yes', '--format', 'json'], {
        cwd: world.cwd,
        env: ENV,
        context: { ...context, signal: ctl.signal },
        onStdout: (text) => {
          // Pressed while the step holds: after its weight was set and its first evaluation came.
          const held = text.split('\n').filter((l) => l.includes('"type":"gate.evaluated"') && l.includes(`"step":${step},`));
          if (held.length > 0 && !ctl.signal.aborted) ctl.abort(new Error('received SIGINT'));
        },
      });
      expect(r.code).toBe(130);
      expect(ofType(r.events, 'canary.aborted')[0]).toMatchObject({ trigger: 'interrupt', step, trafficRestored: true, scaledIn: true });
      expect(ofType(r.events, 'service.finished')[0]).toMatchObject({ outcome: 'interrupted' });
      const back = indexOf(rec, (op, i) => op === 'ModifyRule' && JSON.stringify(writtenWeights(i)) === '[100,0]');
      expect(back).toBeGreaterThan(-1);
      expect(indexOf(rec, (op, i) => op === 'UpdateService' && i.desiredCount === 0)).toBeGreaterThan(back);
      expect(await ruleWeights(world.ports, world.strategy)).toMatchObject({ stable: 100, canary: 0 });
      expect(await serviceSnapshot(world.ports, 'shop', 'shop-web-canary')).toMatchObject({ desiredCount: 0, canaryTags: {} });
      expect((await serviceSnapshot(world.ports, 'shop', 'shop-web')).taskDefinition).toBe('shop-web:1');
    });
  }

  it('a second Ctrl-C while the traffic goes back: the run stops waiting and says the weights are NOT verified; the canary is not scaled in', async () => {
    const world = canaryWorld({ scenario: 'healthy-canary.yaml' });
    const soft = new AbortController();
    const hard = new AbortController();
    const { rec, context } = world.record();
    const modifyRule = rec.ports.elbv2.modifyRule;
    rec.ports.elbv2.modifyRule = async (input, options) => {
      // The second Ctrl-C lands as the restore is sent.
      if (JSON.stringify(writtenWeights(input as unknown as Record<string, unknown>)) === '[100,0]')
        hard.abort(new Error('received SIGINT twice'));
      return modifyRule(input, options);
    };
    const r = await cli(['apply', '--yes', '--format', 'json'], {
      cwd: world.cwd,
      env: ENV,
      context: { ...context, signal: soft.signal, hardSignal: hard.signal },
      onStdout: (text) => {
        if (text.includes('"type":"gate.evaluated"') && !soft.signal.aborted) soft.abort(new Error('received SIGINT'));
      },
    });
    expect(r.code).toBe(130);
    expect(ofType(r.events, 'canary.aborted')[0]).toMatchObject({ trigger: 'interrupt', trafficRestored: false, scaledIn: false });
    expect(ofType(r.events, 'service.finished')[0]?.reason).toMatch(/TRAFFIC NOT VERIFIED BACK ON STABLE, so the canary was left running/);
    expect(rec.callsOf('UpdateService').filter((i) => i.desiredCount === 0)).toEqual([]);
    expect((await serviceSnapshot(world.ports, 'shop', 'shop-web-canary')).desiredCount).toBeGreaterThan(0);
  });

  it('--on-interrupt leave: the weight and the state stay (phase interrupted), and apply --resume continues it', async () => {
    const world = canaryWorld({ scenario: 'healthy-canary.yaml' });
    const ctl = new AbortController();
    const r = await cli(['apply', '--yes', '--format', 'json', '--on-interrupt', 'leave'], {
      cwd: world.cwd,
      env: ENV,
      context: { ...world.record().context, signal: ctl.signal },
      onStdout: (text) => {
        if (text.includes('"step":2,') && text.includes('"type":"gate.evaluated"') && !ctl.signal.aborted)
          ctl.abort(new Error('received SIGINT'));
      },
    });
    expect(r.code).toBe(130);
    expect(ofType(r.events, 'canary.aborted')).toEqual([]);
    expect(ofType(r.events, 'service.finished')[0]?.reason).toMatch(/left at 50 %.*apply --resume/);
    expect(await ruleWeights(world.ports, world.strategy)).toMatchObject({ stable: 50, canary: 50 });
    expect((await serviceSnapshot(world.ports, 'shop', 'shop-web-canary')).canaryTags).toMatchObject({
      'ecsdeploy:canary:phase': 'interrupted',
      'ecsdeploy:canary:step': '2',
    });
    const resumed = await cli(['apply', '--resume', '--yes', '--format', 'json'], {
      cwd: world.cwd,
      env: ENV,
      context: world.record().context,
    });
    expect(resumed.code).toBe(0);
    expect(ofType(resumed.events, 'canary.step').map((e) => e.step)).toEqual([2, 3]);
    expect(ofType(resumed.events, 'taskdef.registered')).toEqual([]);
    expect(ofType(resumed.events, 'canary.promoted')).toHaveLength(1);
  });
});

describe('a run that died mid-canary (SIGKILL, a lost runner)', () => {
  it('the next apply finds the canary from its tags and says so; apply --resume --force continues it to promotion', async () => {
    const world = canaryWorld({ scenario: 'healthy-canary.yaml' });
    // The first run's process "dies" once step 2 holds: from then on none of its calls ever answer, so it makes no
    // further change, as a killed process would not (its lock tag stays behind, as a killed process's would).
    let dead = false;
    const { rec, context } = world.record();
    for (const service of ['ecs', 'elbv2', 'cloudwatch', 'sns'] as const) {
      const port = rec.ports[service] as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
      for (const [name, fn] of Object.entries(port)) {
        port[name] = (...args: unknown[]) => (dead ? new Promise(() => {}) : fn(...args));
      }
    }
    void cli(['apply', '--yes', '--format', 'json'], {
      cwd: world.cwd,
      env: ENV,
      context,
      onStdout: (text) => {
        if (text.includes('"type":"traffic.shifted"') && text.includes('"step":2')) dead = true;
      },
    });
    while (!dead) await new Promise((r) => setTimeout(r, 10));

    const refused = await cli(['apply', '--yes'], { cwd: world.cwd, env: ENV, context: world.record().context });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/a canary is in flight: canary on shop-web-canary running at step 2 \(50 %\)/);
    expect(refused.stderr).toContain('ecsdeploy apply --resume');
    // Running, not paused, but no run drives it on any more: nothing to wait for, so --wait refuses it the same way.
    const waited = await cli(['apply', '--wait', '--yes', '--format', 'json'], {
      cwd: world.cwd,
      env: ENV,
      context: world.record().context,
    });
    expect(waited.code).toBe(1);
    // Refused at once: it waited for nothing.
    expect(ofType(waited.events, 'service.phase')).toEqual([]);
    expect(waited.stderr).toMatch(/a canary is in flight: canary on shop-web-canary running at step 2 \(50 %\)/);
    expect(waited.stderr).toContain('ecsdeploy apply --resume');

    // The dead run's lock is still on the services until it expires: --force takes them over.
    const locked = await cli(['apply', '--resume', '--yes'], { cwd: world.cwd, env: ENV, context: world.record().context });
    expect(locked.code).toBe(1);
    expect(locked.stderr).toMatch(/being deployed by another ecsdeploy run/);
    const resumed = await cli(['apply', '--resume', '--force', '--yes', '--format', 'json'], {
      cwd: world.cwd,
      env: ENV,
      context: world.record().context,
    });
    expect(resumed.code).toBe(0);
    expect(ofType(resumed.events, 'canary.step').map((e) => e.step)).toEqual([2, 3]);
    expect(await ruleWeights(world.ports, world.strategy)).toMatchObject({ stable: 100, canary: 0 });
    expect((await serviceSnapshot(world.ports, 'shop', 'shop-web')).taskDefinition).toBe('shop-web:2');
  });

  it('apply --resume refuses a different revision than the one in flight: abort first', async () => {
    const world = canaryWorld({ cwd: canaryExample({ steps: APPROVAL_STEPS }), scenario: 'healthy-canary.yaml' });
    expect((await cli(['apply', '--yes'], { cwd: world.cwd, env: ENV, context: world.record().context })).code).toBe(3);
    const r = await cli(['apply', '--resume', '--yes'], { cwd: world.cwd, env: { IMAGE_TAG: '3.0.0' }, context: world.record().context });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/CANARY_REVISION_CHANGED/);
    expect(r.stderr).toMatch(/abort the canary first \(ecsdeploy abort -n web\)/);
    expect(await ruleWeights(world.ports, world.strategy)).toMatchObject({ stable: 90, canary: 10 });
  });
});

describe('notifications', () => {
  it('SNS on the start, each step and the promotion; and on an abort', async () => {
    const topic = 'arn:aws:sns:us-east-1:123456789012:shop-deploys';
    const subjects = async (scenario: string) => {
      const world = canaryWorld({ cwd: canaryExample({ notify: topic }), scenario });
      const r = await cli(['apply', '--yes', '--format', 'json'], { cwd: world.cwd, env: ENV, context: world.record().context });
      const messages = world.sb.runtime.world.snapshot().sns.messages.filter((m) => m.topicArn === topic);
      return { code: r.code, subjects: messages.map((m) => m.subject), messages };
    };
    const healthy = await subjects('healthy-canary.yaml');
    expect(healthy.code).toBe(0);
    expect(healthy.subjects).toEqual([
      'ecsdeploy: deploy started: web',
      'ecsdeploy: canary-started: web',
      'ecsdeploy: canary-step: web',
      'ecsdeploy: canary-step: web',
      'ecsdeploy: canary-step: web',
      'ecsdeploy: canary-promoted: web',
      'ecsdeploy: deploy succeeded: web',
    ]);
    const bad = await subjects('bad-release.yaml');
    expect(bad.code).toBe(1);
    expect(bad.subjects).toContain('ecsdeploy: canary-aborted: web');
    const aborted = bad.messages.find((m) => m.subject === 'ecsdeploy: canary-aborted: web');
    expect(JSON.parse(aborted?.message ?? '{}')).toMatchObject({
      service: 'web',
      event: 'canary-aborted',
      detail: { trigger: 'gate', step: 1 },
    });
  });
});
