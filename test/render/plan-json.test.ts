import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/plan/build.js';
import { renderPlanJson } from '../../src/render/plan-json.js';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import { renderPlanText } from '../../src/render/plan-text.js';
import {
  liveService,
  liveState,
  manifest,
  minimalTaskDefinition,
  OPTIONS,
  SECRET_VALUES,
  sensitivePlan,
  service,
} from '../plan/fixtures.js';
import { mixedPlan } from './plan-fixtures.js';

describe('renderPlanJson', () => {
  it('prints the versioned plan structure with every service', () => {
    const doc = JSON.parse(renderPlanJson(mixedPlan()));
    expect(doc.format).toBe('ecsdeploy.plan');
    expect(doc.version).toBe(1);
    expect(doc.summary).toEqual({ create: 1, update: 1, noChange: 1, blocked: 1, inFlight: 0 });
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

describe('log driver secrets in every plan output', () => {
  it('never prints a secret-looking log option of the desired task definition, in JSON, Markdown or text', () => {
    const td = minimalTaskDefinition();
    const web = td.containerDefinitions[0]!;
    web.logConfiguration = { logDriver: 'splunk', options: { 'splunk-url': 'https://splunk.example', 'splunk-token': 'sk-live-7731' } };
    const plan = buildPlan(manifest([service({ taskDefinition: { kind: 'declared', input: td } })]), liveState([liveService()]), OPTIONS);
    for (const text of [renderPlanJson(plan), renderPlanMarkdown(plan), renderPlanText(plan, { color: false })]) {
      expect(text).not.toContain('sk-live-7731');
    }
    const doc = JSON.parse(renderPlanJson(plan));
    expect(doc.services[0].desired.taskDefinition.containerDefinitions[0].logConfiguration.options).toEqual({
      'splunk-url': 'https://splunk.example',
      'splunk-token': '(sensitive)',
    });
  });
});
