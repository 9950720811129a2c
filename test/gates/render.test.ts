/**
 * Gate events as people read them: one line per evaluation (plain log, and the lines the tty view prints above its
 * live region) and one for the verdict; a table row per evaluation in the Markdown summary; the failing evidence
 * in the failure details.
 */
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/events/types.js';
import { describeEvent } from '../../src/render/events-lines.js';
import { renderApplySummaryMarkdown } from '../../src/render/events-markdown.js';
import { createPlainRenderer } from '../../src/render/events-plain.js';
import { at, collector, feed, td } from '../render/events-fixtures.js';

const alarmOk = { name: 'web-5xx', kind: 'alarm', outcome: 'pass', state: 'OK', detail: 'OK' } as const;

/** A canary whose first step passes once, then fails on its error rate; traffic goes back and the run fails. */
const badCanary: EngineEvent[] = [
  at(0, { type: 'apply.started', runId: 'r-gate', services: ['web'], dryRun: false }),
  at(2, {
    type: 'service.started',
    service: 'web',
    strategy: 'alb-canary',
    fromTaskDefinition: td('web:41'),
    toTaskDefinition: td('web:42'),
  }),
  at(30, { type: 'traffic.shifted', service: 'web', weights: { 'web-stable': 90, 'web-canary': 10 }, step: 1 }),
  at(180, {
    type: 'gate.evaluated',
    service: 'web',
    step: 1,
    gate: 'canary',
    evaluation: 1,
    window: { from: '2026-11-22T10:01:00.000Z', to: '2026-11-22T10:02:00.000Z' },
    outcome: 'pass',
    checks: [
      alarmOk,
      {
        name: 'error-rate',
        kind: 'metric',
        outcome: 'pass',
        value: 0.4,
        threshold: { max: 5 },
        baseline: { value: 0.3, maxIncrease: 1 },
        detail: '0.4 ≤ max 5; 0.4 is +0.1 vs stable 0.3 ≤ maxIncrease 1',
      },
    ],
    counts: { passed: 1, failed: 0, inconclusive: 0 },
    decision: 'continue',
  }),
  at(
    240,
    {
      type: 'gate.evaluated',
      service: 'web',
      step: 1,
      gate: 'canary',
      evaluation: 2,
      window: { from: '2026-11-22T10:02:00.000Z', to: '2026-11-22T10:03:00.000Z' },
      outcome: 'fail',
      checks: [
        alarmOk,
        {
          name: 'error-rate',
          kind: 'metric',
          outcome: 'fail',
          value: 20,
          threshold: { max: 5 },
          baseline: { value: 0.3, maxIncrease: 1 },
          detail: '20 > max 5; 20 is +19.7 vs stable 0.3 > maxIncrease 1',
        },
      ],
      counts: { passed: 1, failed: 1, inconclusive: 0 },
      decision: 'fail',
    },
    'error',
  ),
  at(
    240,
    {
      type: 'gate.finished',
      service: 'web',
      step: 1,
      gate: 'canary',
      verdict: 'fail',
      reason: '1 failed evaluation, more than failureLimit 0 (last: error-rate: 20 > max 5; 20 is +19.7 vs stable 0.3 > maxIncrease 1)',
      evaluations: 2,
      counts: { passed: 1, failed: 1, inconclusive: 0 },
      durationMs: 210_000,
    },
    'error',
  ),
  at(
    250,
    {
      type: 'service.finished',
      service: 'web',
      outcome: 'rolled-back',
      durationMs: 248_000,
      taskDefinitionArn: td('web:41'),
      reason: 'the canary gate failed at step 1',
    },
    'error',
  ),
  at(
    251,
    {
      type: 'apply.finished',
      runId: 'r-gate',
      outcome: 'failed',
      durationMs: 251_000,
      services: [{ key: 'web', outcome: 'rolled-back', reason: 'the canary gate failed at step 1' }],
    },
    'error',
  ),
];

describe('gate events in text', () => {
  it('print one line per evaluation and one for the verdict in the plain log, failures as key lines', async () => {
    const stdout = collector();
    const stderr = collector();
    const renderer = createPlainRenderer({
      stdout: stdout.stream,
      stderr: stderr.stream,
      color: false,
      verbose: false,
      githubActions: false,
    });
    feed(renderer, badCanary);
    await renderer.finish();
    const gateLines = stderr
      .text()
      .split('\n')
      .filter((l) => l.includes(' gate'));
    expect(gateLines).toEqual([
      '10:03:00 web: gate step 1 #1: pass — alarm web-5xx pass (OK); error-rate pass (0.4 ≤ max 5; 0.4 is +0.1 vs stable 0.3 ≤ maxIncrease 1)',
      '10:04:00 web: gate step 1 #2: fail — alarm web-5xx pass (OK); error-rate fail (20 > max 5; 20 is +19.7 vs stable 0.3 > maxIncrease 1)',
      '10:04:00 web: gate step 1: FAILED after 2 evaluations: 1 failed evaluation, more than failureLimit 0 (last: error-rate: 20 > max 5; 20 is +19.7 vs stable 0.3 > maxIncrease 1)',
      '10:04:10 web: ROLLED BACK after 4m8s, running web:41: the canary gate failed at step 1',
    ]);
    expect(stdout.text()).toContain('gate step 1 #2: fail — alarm web-5xx pass (OK); error-rate fail (20 > max 5;');
  });

  it('keep passing evaluations as foldable detail and the rest as key lines (what the tty view prints above its live region)', () => {
    const kinds = badCanary.filter((e) => e.type.startsWith('gate.')).map((e) => describeEvent(e)?.map((l) => [l.kind, l.level]));
    expect(kinds).toEqual([[['chatter', 'info']], [['key', 'error']], [['key', 'error']]]);
  });

  it('say a paused and a test-traffic gate in words', () => {
    const paused = at(
      300,
      {
        type: 'gate.finished',
        service: 'api',
        gate: 'test-traffic',
        verdict: 'pause',
        reason: 'nothing shows the new revision is healthy: all 2 evaluations were inconclusive',
        evaluations: 2,
        counts: { passed: 0, failed: 0, inconclusive: 2 },
        durationMs: 300_000,
      },
      'warn',
    );
    expect(describeEvent(paused)?.map((l) => [l.text, l.level, l.kind])).toEqual([
      [
        'test-traffic gate: paused for approval after 2 evaluations: nothing shows the new revision is healthy: all 2 evaluations were inconclusive',
        'warn',
        'key',
      ],
    ]);
  });

  it('tabulate every evaluation in the Markdown summary, and fold the failing evidence into the failure details', () => {
    const md = renderApplySummaryMarkdown(badCanary);
    expect(md).toContain(
      [
        '<details>',
        '<summary>Gate evaluations (2)</summary>',
        '',
        '| service | gate | # | outcome | checks |',
        '| --- | --- | --- | --- | --- |',
        '| **web** | gate step 1 | 1 | ✅ pass | alarm web-5xx pass (OK)<br>error-rate pass (0.4 ≤ max 5; 0.4 is +0.1 vs stable 0.3 ≤ maxIncrease 1) |',
        '| **web** | gate step 1 | 2 | ❌ fail | alarm web-5xx pass (OK)<br>error-rate fail (20 &gt; max 5; 20 is +19.7 vs stable 0.3 &gt; maxIncrease 1) |',
        '',
        '</details>',
      ].join('\n'),
    );
    expect(md).toContain('- gate step 1 #2: fail — alarm web-5xx pass (OK); error-rate fail (20 &gt; max 5;');
    expect(md).toContain('- gate step 1: FAILED after 2 evaluations: 1 failed evaluation, more than failureLimit 0');
  });
});
