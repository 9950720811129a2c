/**
 * Every step the plan promised that did not happen is reported, with why: one-off tasks after a failed one,
 * scheduled targets and the cleanup after a service failed, the cleanup after a scheduled target could not move.
 * On the sandbox, through the events and the final summary the CLI prints.
 */
import { describe, expect, it } from 'vitest';
import { summarizeEvents } from '../../src/render/summary-state.js';
import { renderSummaryText } from '../../src/render/summary-text.js';
import { renderApplySummaryMarkdown } from '../../src/render/events-markdown.js';
import { engineOnSandbox, manifestDoc, service } from './sandbox-harness.js';

const TARGETS = { after: { scheduledTargets: [{ rule: 'nightly-report', taskDefinitionOf: 'web' }] }, keepRevisions: 3 };

describe('promised steps that did not happen', () => {
  it('reports the scheduled target and the cleanup a failed service kept from happening', async () => {
    const h = await engineOnSandbox({
      manifest: manifestDoc({ web: service('web') }, TARGETS),
      scenario: { images: [{ match: '*web:v2', crashOnStart: true }] },
    });
    const r = await h.apply(await h.plan());
    expect(r.outcome).toBe('failed');
    expect(h.rec.count('PutTargets')).toBe(0);
    expect(h.rec.count('DeregisterTaskDefinition')).toBe(0);
    const skipped = h.sink.ofType('step.skipped').map(({ step, name, reason }) => ({ step, name, reason }));
    expect(skipped).toEqual([
      { step: 'scheduled-target', name: 'rule nightly-report (task definition of web)', reason: 'not moved: web rolled-back' },
      { step: 'cleanup', name: 'old revisions', reason: 'not cleaned up: web rolled-back' },
    ]);
    expect(r.skipped).toEqual(skipped);
    const text = renderSummaryText(summarizeEvents(h.sink.events), { color: false });
    expect(text).toContain('- not done: scheduled target rule nightly-report (task definition of web): not moved: web rolled-back');
    expect(text).toContain('- not done: cleanup of old revisions: not cleaned up: web rolled-back');
    expect(renderApplySummaryMarkdown(h.sink.events)).toContain('### Not done');
  });

  it('reports the one-off tasks, the services, the scheduled target and the cleanup a failed migration stopped', async () => {
    const h = await engineOnSandbox({
      manifest: manifestDoc(
        { web: service('web') },
        {
          ...TARGETS,
          before: [
            { name: 'migrate', taskDefinitionOf: 'web', command: ['migrate'] },
            { name: 'seed', taskDefinitionOf: 'web', command: ['seed'] },
          ],
        },
      ),
      scenario: { images: [{ match: '*web:v2', exitCode: 3 }] },
    });
    const r = await h.apply(await h.plan());
    expect(r.outcome).toBe('failed');
    expect(h.rec.count('RunTask')).toBe(1);
    expect(r.oneOffs.map((o) => [o.name, o.outcome, o.reason])).toEqual([
      ['migrate', 'failed', expect.stringContaining('exit codes web=3')],
      ['seed', 'skipped', 'not run: one-off task migrate failed'],
    ]);
    expect(h.sink.ofType('step.skipped').map((e) => [e.step, e.reason])).toEqual([
      ['one-off', 'not run: one-off task migrate failed'],
      ['scheduled-target', 'not moved: one-off task migrate failed'],
      ['cleanup', 'not cleaned up: one-off task migrate failed'],
    ]);
    expect(h.sink.ofType('service.finished')[0]).toMatchObject({
      service: 'web',
      outcome: 'skipped',
      reason: 'not started: one-off task migrate failed',
    });
  });

  it('reports the cleanup a scheduled target that could not be moved kept from happening', async () => {
    const h = await engineOnSandbox({
      manifest: manifestDoc({ web: service('web') }, TARGETS),
      // EventBridge fails every PutTargets (after the SDK's retries).
      scenario: { faults: [{ service: 'events', operation: 'PutTargets', serverErrorRate: 1 }] },
    });
    const r = await h.apply(await h.plan());
    expect(r.outcome).toBe('failed');
    expect(r.problems).toEqual([expect.stringMatching(/^PutTargets on rule nightly-report failed: /)]);
    expect(h.sink.ofType('step.skipped').map((e) => [e.step, e.reason])).toEqual([
      ['cleanup', 'not cleaned up: 1 scheduled target could not be moved'],
    ]);
  });

  it('reports nothing skipped after a clean run', async () => {
    const h = await engineOnSandbox({ manifest: manifestDoc({ web: service('web') }, TARGETS) });
    const r = await h.apply(await h.plan());
    expect(r.outcome).toBe('succeeded');
    expect(h.sink.ofType('step.skipped')).toEqual([]);
    expect(r.skipped).toEqual([]);
  });
});
