import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineEventType } from '../../src/events/types.js';
import { EVENT_REGISTRY, renderEventsDoc } from '../../src/render/events-registry.js';
import { circuitBreaker, dryRun, healthyRolling, interruption, migrationFailure } from './events-fixtures.js';

const DOC = resolve(__dirname, '../../docs/events.md');

describe('event registry and docs/events.md', () => {
  it('describes every event type with a sentence and a level', () => {
    for (const [type, doc] of Object.entries(EVENT_REGISTRY)) {
      expect(doc.description, type).toMatch(/\.$/);
      expect(doc.level, type).not.toBe('');
    }
  });

  it('documents every payload field the recorded event sequences carry', () => {
    const missing: string[] = [];
    for (const event of [...healthyRolling, ...circuitBreaker, ...migrationFailure, ...interruption, ...dryRun]) {
      const fields = EVENT_REGISTRY[event.type as EngineEventType].fields;
      for (const key of Object.keys(event)) {
        if (key === 'time' || key === 'level' || key === 'type') continue;
        if (!(key in fields)) missing.push(`${event.type}.${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('keeps docs/events.md equal to the registry (regenerate with UPDATE_EVENTS_DOC=1)', () => {
    const generated = renderEventsDoc();
    if (process.env.UPDATE_EVENTS_DOC === '1') writeFileSync(DOC, generated);
    expect(readFileSync(DOC, 'utf8')).toBe(generated);
    for (const type of Object.keys(EVENT_REGISTRY)) expect(generated).toContain(`### \`${type}\``);
  });
});
