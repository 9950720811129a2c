import { describe, expect, it } from 'vitest';
import { renderPlanJson } from '../../src/render/plan-json.js';
import { SECRET_VALUES, sensitivePlan } from '../plan/fixtures.js';
import { mixedPlan } from './plan-fixtures.js';

describe('renderPlanJson', () => {
  it('prints the versioned plan structure with every service', () => {
    const doc = JSON.parse(renderPlanJson(mixedPlan()));
    expect(doc.format).toBe('ecsdeploy.plan');
    expect(doc.version).toBe(1);
    expect(doc.summary).toEqual({ create: 1, update: 1, noChange: 1, blocked: 1 });
    expect(doc.hasChanges).toBe(true);
    expect(doc.services.map((s: { key: string; action: string }) => [s.key, s.action])).toEqual([
      ['web', 'update'],
      ['api', 'no-change'],
      ['worker', 'blocked'],
      ['jobs', 'create'],
    ]);
    expect(doc.services[0].changes).toEqual([
      {
        scope: 'taskDefinition',
        path: 'containerDefinitions[web].image',
        kind: 'change',
        before: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/shop-web:v1',
        after: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/shop-web:v2',
      },
    ]);
    expect(doc.services[2].changes[0].requiresReplacement).toBe(true);
  });

  it('redacts sensitive values everywhere: desired task definition, changes, diff, one-off tasks', () => {
    const text = renderPlanJson(sensitivePlan());
    for (const secret of SECRET_VALUES) expect(text).not.toContain(secret);
    const doc = JSON.parse(text);
    const env = doc.services[0].desired.taskDefinition.containerDefinitions[0].environment;
    expect(env).toContainEqual({ name: 'DB_PASSWORD', value: '(sensitive)' });
    expect(env).toContainEqual({ name: 'LOG_LEVEL', value: 'info' });
    expect(doc.before[0].environment).toEqual({ MIGRATION_TOKEN: '(sensitive)', MODE: 'up' });
    expect(doc.services[0].changes).toContainEqual(
      expect.objectContaining({ before: '(sensitive)', after: '(sensitive)', note: 'value changed' }),
    );
  });
});
