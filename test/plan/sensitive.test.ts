import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/model/task-definition.js';
import { buildPlan } from '../../src/plan/build.js';
import { parseSavedPlan, serializePlan } from '../../src/plan/saved-plan.js';
import { redactChanges, sensitivityTest } from '../../src/plan/sensitive.js';
import {
  describedTaskDefinition,
  liveService,
  liveState,
  manifest,
  minimalTaskDefinition,
  OPTIONS,
  SECRET_VALUES,
  sensitivePlan,
  service,
} from './fixtures.js';

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

describe('sensitive log driver and FireLens options', () => {
  const SPLUNK_OLD = 'splunk-hec-0ld';
  const SPLUNK_NEW = 'splunk-hec-n3w';
  const DD_KEY = 'dd-api-k3y';

  function withOptions(splunk: string, firelens: boolean) {
    const td = minimalTaskDefinition();
    const web = td.containerDefinitions[0]!;
    web.logConfiguration = { logDriver: 'splunk', options: { 'splunk-url': 'https://hec.example.com', 'splunk-token': splunk } };
    if (firelens) web.firelensConfiguration = { type: 'fluentbit', options: { Name: 'datadog', apikey: DD_KEY } };
    return td;
  }

  function plan() {
    const live = describedTaskDefinition();
    const liveWeb = (live.containerDefinitions as JsonObject[]).find((c) => c.name === 'web')!;
    liveWeb.logConfiguration = { logDriver: 'splunk', options: { 'splunk-token': SPLUNK_OLD, 'splunk-url': 'https://hec.example.com' } };
    return buildPlan(
      manifest([service({ taskDefinition: { kind: 'declared', input: withOptions(SPLUNK_NEW, true) } })]),
      liveState([liveService({ taskDefinition: live })]),
      OPTIONS,
    );
  }

  it('never appear in changes, the diff or the saved plan, while other options stay readable', () => {
    const p = plan();
    const web = p.services[0]!;
    const saved = serializePlan(p);
    for (const secret of [SPLUNK_OLD, SPLUNK_NEW, DD_KEY]) {
      expect(JSON.stringify(web.changes)).not.toContain(secret);
      expect(web.diff).not.toContain(secret);
      expect(saved).not.toContain(secret);
    }
    expect(web.diff).toContain('+            "splunk-token": "(sensitive)",  (value changed)');
    expect(web.diff).toContain('"apikey": "(sensitive)"');
    expect(saved).toContain('https://hec.example.com');
  });

  it('still show a changed option as a change, redacted, with a note; an added options map is redacted too', () => {
    const web = plan().services[0]!;
    expect(web.taskDefinitionChanged).toBe(true);
    expect(web.changes).toContainEqual({
      scope: 'taskDefinition',
      path: 'containerDefinitions[web].logConfiguration.options.splunk-token',
      kind: 'change',
      before: '(sensitive)',
      after: '(sensitive)',
      note: 'value changed',
    });
    expect(web.changes).toContainEqual({
      scope: 'taskDefinition',
      path: 'containerDefinitions[web].firelensConfiguration',
      kind: 'add',
      after: { options: { Name: 'datadog', apikey: '(sensitive)' }, type: 'fluentbit' },
    });
    const addedOptions = redactChanges(
      [
        {
          scope: 'taskDefinition',
          path: 'containerDefinitions[web].logConfiguration.options',
          kind: 'add',
          after: { 'splunk-token': 'x' },
        },
      ],
      sensitivityTest([]),
    );
    expect(addedOptions[0]?.after).toEqual({ 'splunk-token': '(sensitive)' });
  });
});
