/**
 * The renderers against events the real engine emits (the engine's test harness: fake AWS, virtual clock), so the
 * recorded fixtures cannot drift from what apply actually says.
 */
import { describe, expect, it } from 'vitest';
import type { EngineEvent, EngineEventType } from '../../src/events/types.js';
import { renderApplySummaryMarkdown } from '../../src/render/events-markdown.js';
import { createPlainRenderer } from '../../src/render/events-plain.js';
import { EVENT_REGISTRY } from '../../src/render/events-registry.js';
import { harness, plan, servicePlan } from '../engine/builders.js';
import { collector, feed } from './events-fixtures.js';

async function plain(events: readonly EngineEvent[]) {
  const stdout = collector();
  const stderr = collector();
  const r = createPlainRenderer({ stdout: stdout.stream, stderr: stderr.stream, color: false, verbose: true, githubActions: true });
  feed(r, events);
  await r.finish();
  return { stdout: stdout.text(), stderr: stderr.text() };
}

function undocumentedFields(events: readonly EngineEvent[]): string[] {
  const missing = new Set<string>();
  for (const e of events) {
    const doc = EVENT_REGISTRY[e.type as EngineEventType];
    if (!doc) {
      missing.add(e.type);
      continue;
    }
    for (const k of Object.keys(e)) if (!['time', 'level', 'type'].includes(k) && !(k in doc.fields)) missing.add(`${e.type}.${k}`);
  }
  return [...missing];
}

describe('renderers fed by the engine', () => {
  it('summarise a healthy deploy of two services and document every field the engine emitted', async () => {
    const h = harness();
    h.aws.addService({ name: 'web', taskDefinition: h.aws.addTaskDefinition('web') });
    h.aws.addService({ name: 'api', taskDefinition: h.aws.addTaskDefinition('api') });
    const r = await h.apply(
      plan([
        servicePlan({ key: 'web', liveArn: h.aws.service('web').taskDefinition }),
        servicePlan({ key: 'api', liveArn: h.aws.service('api').taskDefinition }),
      ]),
    );
    expect(r.outcome).toBe('succeeded');
    const events = h.sink.events;
    expect(undocumentedFields(events)).toEqual([]);
    const out = await plain(events);
    expect(out.stdout).toMatch(/^✔ web +succeeded +web:2 /m);
    expect(out.stdout).toMatch(/^✔ api +succeeded +api:2 /m);
    expect(out.stdout).toMatch(/^Apply succeeded in \d/m);
    expect(out.stdout).not.toContain('::error');
    const md = renderApplySummaryMarkdown(events);
    expect(md).toMatch(/^## ✅ ecsdeploy apply succeeded/);
    expect(md).toContain('| **web** | ✅ succeeded | `web:2` |');
  });

  it('make a circuit-breaker rollback from the engine actionable and annotated', async () => {
    const h = harness();
    h.aws.addService({ name: 'a', taskDefinition: h.aws.addTaskDefinition('a'), behaviours: ['circuit-breaker'] });
    const r = await h.apply(plan([servicePlan({ key: 'a', liveArn: h.aws.service('a').taskDefinition })]));
    expect(r.outcome).toBe('failed');
    const events = h.sink.events;
    expect(undocumentedFields(events)).toEqual([]);
    const out = await plain(events);
    expect(out.stdout).toMatch(/^↺ a +rolled back +a:1 \(attempted a:2\)/m);
    expect(out.stdout).toMatch(/^Apply FAILED after \S+: a rolled back/m);
    expect(out.stdout).toMatch(/^::error title=ecsdeploy%3A a rolled back::/m);
    expect(renderApplySummaryMarkdown(events)).toContain('### Failures');
  });

  it('report a failed migration from the engine with its exit code', async () => {
    const h = harness();
    const old = h.aws.addTaskDefinition('api');
    h.aws.addService({ name: 'api', taskDefinition: old });
    h.aws.oneOffExit = 3;
    await h.apply(
      plan([servicePlan({ key: 'api', liveArn: old })], { before: [{ name: 'migrate', taskDefinitionOf: 'api', timeoutMs: 600_000 }] }),
    );
    const events = h.sink.events;
    expect(undocumentedFields(events)).toEqual([]);
    const out = await plain(events);
    expect(out.stdout).toMatch(/^✖ one-off migrate {2}failed/m);
    expect(out.stdout).toContain('exit 3');
    expect(out.stdout).toMatch(/^Apply FAILED after \S+: one-off task migrate failed/m);
  });

  it('list what a dry run from the engine would change', async () => {
    const h = harness();
    const old = h.aws.addTaskDefinition('api');
    h.aws.addService({ name: 'api', taskDefinition: old });
    await h.apply(plan([servicePlan({ key: 'api', liveArn: old })]), { dryRun: true });
    const events = h.sink.events;
    expect(undocumentedFields(events)).toEqual([]);
    const out = await plain(events);
    expect(out.stderr).toMatch(/would call ECS\.UpdateService: /);
    expect(out.stdout).toMatch(/^Dry run complete in \S+: nothing changed; apply would make \d+ changes$/m);
  });
});
