import { describe, expect, it } from 'vitest';
import { parseSavedPlan, serializePlan } from '../../src/plan/saved-plan.js';
import { redactChanges, sensitivityTest } from '../../src/plan/sensitive.js';
import { SECRET_VALUES, sensitivePlan } from './fixtures.js';

describe('sensitive values', () => {
  it('still show a changed sensitive value as a change, redacted, with a note', () => {
    const plan = sensitivePlan();
    const changes = plan.services[0]?.changes ?? [];
    expect(changes).toContainEqual({
      scope: 'taskDefinition',
      path: 'containerDefinitions[web].environment[DB_PASSWORD].value',
      kind: 'change',
      before: '(sensitive)',
      after: '(sensitive)',
      note: 'value changed',
    });
    expect(changes).toContainEqual({
      scope: 'taskDefinition',
      path: 'containerDefinitions[web].environment[STRIPE_WEBHOOK]',
      kind: 'add',
      after: { name: 'STRIPE_WEBHOOK', value: '(sensitive)' },
    });
  });

  it('never appear in changes or the diff, which marks the changed line', () => {
    const plan = sensitivePlan();
    const web = plan.services[0]!;
    for (const secret of SECRET_VALUES) {
      expect(JSON.stringify(web.changes)).not.toContain(secret);
      expect(web.diff).not.toContain(secret);
    }
    expect(web.diff).toContain('+            "value": "(sensitive)"  (value changed)');
    expect(web.diff).toContain('-            "value": "(sensitive)"');
    expect(web.sensitiveNames).toEqual(['DB_PASSWORD', 'MIGRATION_TOKEN', 'STRIPE_WEBHOOK']);
  });

  it('are recognised by entry name, never by tag key', () => {
    const test = sensitivityTest([]);
    const changes = redactChanges(
      [
        { scope: 'service', path: 'tags[auth-team].value', kind: 'change', before: 'a', after: 'b' },
        {
          scope: 'taskDefinition',
          path: 'containerDefinitions[web].environment[API_TOKEN].value',
          kind: 'change',
          before: 'x',
          after: 'y',
        },
      ],
      test,
    );
    expect(changes.map((c) => [c.before, c.after])).toEqual([
      ['a', 'b'],
      ['(sensitive)', '(sensitive)'],
    ]);
  });

  it('are redacted in the saved plan, while apply still gets the real values from the in-memory plan', () => {
    const plan = sensitivePlan();
    const text = serializePlan(plan);
    for (const secret of SECRET_VALUES) expect(text).not.toContain(secret);
    const saved = parseSavedPlan(text, 'plan.json');
    expect(saved.before[0]?.environment).toEqual({ MIGRATION_TOKEN: '(sensitive)', MODE: 'up' });
    const env = plan.services[0]?.desired.taskDefinition.containerDefinitions[0]?.environment ?? [];
    expect(env.find((e) => e.name === 'DB_PASSWORD')?.value).toBe('correct-horse');
  });
});
