import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/model/task-definition.js';
import { buildPlan } from '../../src/plan/build.js';
import { parseSavedPlan, serializePlan } from '../../src/plan/saved-plan.js';
import { markChangedSensitiveLines, redactChanges, redactPair, sensitivityTest } from '../../src/plan/sensitive.js';
import { redactArgs, redactStrings, redactText, rememberSecret } from '../../src/util/redact.js';
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

describe('credentials inside values', () => {
  it.each([
    ['postgres://app:s3cret@db.example.com/app', 'postgres://app:***@db.example.com/app'],
    ['mysql://root:p@ss:w0rd@db:3306/x?ssl=1', 'mysql://root:***@db:3306/x?ssl=1'],
    ['amqp://guest:guest@rabbit', 'amqp://guest:***@rabbit'],
    ['redis://:only-password@cache:6379', 'redis://:***@cache:6379'],
    ['git clone https://x-access-token:ghs_abc@github.com/o/r.git', 'git clone https://x-access-token:***@github.com/o/r.git'],
    ['"url":"https://u:p@h/a","other":"x@y"', '"url":"https://u:***@h/a","other":"x@y"'],
    ['Authorization: Bearer eyJhbGciOi.abc.def', 'Authorization: Bearer ***'],
    ['curl -H "Authorization: Basic dXNlcjpwYXNz" http://x', 'curl -H "Authorization: Basic ***" http://x'],
    ['Bearer abc.def-ghi', 'Bearer ***'],
    ['./run --password=hunter2 --user admin', './run --password=*** --user admin'],
    ['./run --api-key "k 1" -v', './run --api-key *** -v'],
    ['DB_PASSWORD=hunter2 ./manage.py migrate', 'DB_PASSWORD=*** ./manage.py migrate'],
    ['AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'AKIA***:***'],
    ['key id ASIAIOSFODNN7EXAMPLE in use', 'key id ASIA*** in use'],
  ])('%s is shown as %s', (text, shown) => {
    expect(redactText(text)).toBe(shown);
    expect(redactText(shown)).toBe(shown);
  });

  it.each([
    'https://registry.example.com/v2/',
    'ssh://git@github.com/o/r.git',
    'user@example.com',
    'services.web.environment.web.DB_PASSWORD: must be a string',
    'arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf',
    'the token expired',
  ])('%s is left as it is', (text) => {
    expect(redactText(text)).toBe(text);
  });

  it('masks the argument after a secret-looking flag in a command list', () => {
    expect(redactArgs(['./run', '--token', 'abc123', '--verbose', '-p', 'x'])).toEqual(['./run', '--token', '***', '--verbose', '-p', 'x']);
  });

  it('masks a remembered secret wherever it appears, but never a value too short or too plain to be one', () => {
    rememberSecret('tok-7f3a9c2e');
    rememberSecret('on');
    rememberSecret('disabled');
    rememberSecret('correcthorsebattery');
    expect(redactText('ClientException: invalid value tok-7f3a9c2e for x')).toBe('ClientException: invalid value (sensitive) for x');
    expect(redactText('turned on, circuit breaker disabled')).toBe('turned on, circuit breaker disabled');
    expect(redactText('password correcthorsebattery refused')).toBe('password (sensitive) refused');
    expect(redactStrings({ a: ['x', 'pre-tok-7f3a9c2e'], b: { c: 'tok-7f3a9c2e' } })).toEqual({
      a: ['x', 'pre-(sensitive)'],
      b: { c: '(sensitive)' },
    });
  });

  it('a value that differs only in its URL password still shows as changed, with the password masked', () => {
    const changes = redactChanges(
      [
        {
          scope: 'taskDefinition',
          path: 'containerDefinitions[web].environment[DATABASE_URL].value',
          kind: 'change',
          before: 'postgres://a:old@db/x',
          after: 'postgres://a:new@db/x',
        },
      ],
      sensitivityTest([]),
    );
    expect(changes).toEqual([
      {
        scope: 'taskDefinition',
        path: 'containerDefinitions[web].environment[DATABASE_URL].value',
        kind: 'change',
        before: 'postgres://a:***@db/x',
        after: 'postgres://a:***@db/x',
        note: 'value changed',
      },
    ]);
    const [live, desired] = redactPair(
      { command: ['x', 'postgres://a:old@db'] },
      { command: ['x', 'postgres://a:new@db'] },
      sensitivityTest([]),
    );
    expect(markChangedSensitiveLines(JSON.stringify({ live, desired }))).toContain('(value changed)');
  });
});
