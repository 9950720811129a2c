import { describe, expect, it } from 'vitest';
import { hasColor } from '../../src/render/ansi.js';
import { summarizeEvents } from '../../src/render/summary-state.js';
import { headline, renderSummaryText } from '../../src/render/summary-text.js';
import { at, circuitBreaker, healthyRolling, interruption, td } from './events-fixtures.js';

describe('final apply summary', () => {
  it('says there was nothing to do when the engine found no changes', () => {
    const text = renderSummaryText(
      summarizeEvents([
        at(3, {
          type: 'apply.finished',
          runId: 'r-nc',
          outcome: 'no-change',
          durationMs: 3000,
          services: [
            { key: 'web', outcome: 'unchanged', taskDefinitionArn: td('web:42') },
            { key: 'worker', outcome: 'unchanged', taskDefinitionArn: td('worker:17') },
          ],
        }),
      ]),
      { color: false },
    );
    expect(text).toBe('= web     unchanged  web:42\n= worker  unchanged  worker:17\nNo changes: every service is up to date\n');
  });

  it('names the problem when the run failed for a reason that is not a service failure', () => {
    const summary = summarizeEvents([
      at(0, { type: 'apply.started', runId: 'r-e', services: ['web'], dryRun: false }),
      at(5, { type: 'service.finished', service: 'web', outcome: 'succeeded', durationMs: 5000, taskDefinitionArn: td('web:42') }),
      at(6, { type: 'log', message: 'scheduled target nightly/report: AccessDenied on PutTargets' }, 'error'),
      at(7, {
        type: 'apply.finished',
        runId: 'r-e',
        outcome: 'failed',
        durationMs: 7000,
        services: [{ key: 'web', outcome: 'succeeded' }],
      }),
    ]);
    expect(headline(summary)).toBe('Apply FAILED after 7s: scheduled target nightly/report: AccessDenied on PutTargets');
    expect(renderSummaryText(summary, { color: false })).toContain('✖ scheduled target nightly/report: AccessDenied on PutTargets\n');
  });

  it('reports where services stand when the stream ends without apply.finished', () => {
    const cut = healthyRolling.filter((e) => e.time <= '2026-11-22T10:01:02.000Z');
    const summary = summarizeEvents(cut);
    expect(summary.outcome).toBeUndefined();
    expect(headline(summary)).toBe(
      'Apply did not finish after 1m2s: web in progress (waiting, 2/2 running, rollout IN_PROGRESS); worker succeeded',
    );
  });

  it('prints nothing when no apply ran', () => {
    expect(renderSummaryText(summarizeEvents([at(0, { type: 'log', message: 'hello' })]), { color: false })).toBe('');
  });

  it('prefers the engine verdict in apply.finished over what the stream implied', () => {
    const summary = summarizeEvents(interruption);
    expect(summary.services.map((s) => [s.key, s.state])).toEqual([
      ['web', 'interrupted'],
      ['worker', 'skipped'],
    ]);
  });

  it('colours the headline red on failure only when colour is on', () => {
    const summary = summarizeEvents(circuitBreaker);
    const coloured = renderSummaryText(summary, { color: true });
    expect(coloured).toContain('\u001b[31m\u001b[1mApply FAILED');
    expect(hasColor(renderSummaryText(summary, { color: false }))).toBe(false);
  });
});
