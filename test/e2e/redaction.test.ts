// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are manifest interpolation syntax, not templates
/**
 * No secret reaches any output. A manifest full of them (sensitive environment values, secret-named variables,
 * a token interpolated from the environment into a variable of a harmless name, log-driver secret options, a
 * one-off task's secret variable and URL credentials in commands) is planned, rendered and applied against the
 * sandbox in every output format; none of the secrets may appear anywhere a person or another system could read
 * them: stdout, stderr, the GitHub step summary, saved plans, SNS messages. The parts that are not secret must
 * still be there (redaction is not deleting).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../src/cli/context.js';
import { run } from '../../src/cli/main.js';
import { capture } from '../_helpers/capture.js';

const AWS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const AWS_SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

/** Every value below must never be printed. */
const SECRETS = {
  sensitiveByName: 'hunter2-db-password',
  markedSensitive: 'custom-marked-secret-42',
  interpolatedToken: 'env-token-5d41402abc4b2a76',
  urlPasswordInEnvironment: 'urlpass-in-env-555',
  logDriverToken: 'SPLUNK-HEC-9911aa77',
  logDriverUrlPassword: 'splunk-url-pass-77',
  urlPasswordInCommand: 'cmd-url-pass-777',
  bearerToken: 'bearer-tok-abc123def',
  passwordFlag: 'flag-password-31337',
  oneOffUrlPassword: 'oneoff-url-pass-31',
  oneOffSecretVariable: 'oneoff-token-88',
  awsSecretKey: AWS_SECRET_KEY,
  awsKeyId: AWS_KEY_ID,
};

/** Parts around the secrets that must still be shown. */
const VISIBLE = ['hello-world', 'postgres://app:***@db.example.com/app', 'Bearer ***', 'DB_PASSWORD', 'splunk-url'];

const MANIFEST = `version: 1
region: us-east-1
notify: { sns: "arn:aws:sns:us-east-1:000000000000:deploys", eachCall: true }
services:
  web:
    cluster: shop
    launchType: FARGATE
    desiredCount: 1
    networkConfiguration: { awsvpcConfiguration: { subnets: [subnet-1] } }
    sensitive: [CUSTOM]
    taskDefinition:
      family: web
      networkMode: awsvpc
      cpu: "256"
      memory: "512"
      requiresCompatibilities: [FARGATE]
      containerDefinitions:
        - name: web
          image: nginx:1.27
          essential: true
          logConfiguration:
            logDriver: splunk
            options:
              splunk-token: ${SECRETS.logDriverToken}
              splunk-url: "https://splunk:${SECRETS.logDriverUrlPassword}@splunk.example.com:8088"
    environment:
      web:
        DB_PASSWORD: ${SECRETS.sensitiveByName}
        CUSTOM: ${SECRETS.markedSensitive}
        FEATURE_SETTING: \${env:API_TOKEN}
        DATABASE_URL: "postgres://app:${SECRETS.urlPasswordInEnvironment}@db.example.com/app"
        BACKUP_KEYS: "${AWS_KEY_ID}:${AWS_SECRET_KEY}"
        GREETING: hello-world
    command:
      web: [./serve, --db, "mysql://root:${SECRETS.urlPasswordInCommand}@db:3306/x", -H, "Authorization: Bearer ${SECRETS.bearerToken}", --password, ${SECRETS.passwordFlag}]
before:
  - name: migrate
    taskDefinitionOf: web
    command: [./migrate, "postgres://migrator:${SECRETS.oneOffUrlPassword}@db/x"]
    environment: { MIGRATE_TOKEN: ${SECRETS.oneOffSecretVariable} }
`;

interface Output {
  code: number;
  stdout: string;
  stderr: string;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-redaction-'));
  writeFileSync(join(dir, 'ecsdeploy.yaml'), MANIFEST);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[], context: Partial<CliContext> = {}, env: Record<string, string> = {}): Promise<Output> {
  const stdout = capture();
  const stderr = capture();
  // Only commands that colour their output take --no-color (render prints JSON).
  const code = await run(args[0] === 'render' ? args : [...args, '--no-color'], {
    env: { API_TOKEN: SECRETS.interpolatedToken, ...env },
    cwd: dir,
    stdout: stdout.stream,
    stderr: stderr.stream,
    isTTY: false,
    stderrIsTTY: false,
    stdinIsTTY: false,
    isCI: true,
    columns: 120,
    ...context,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

function expectNoSecret(where: string, text: string): void {
  for (const [what, secret] of Object.entries(SECRETS)) {
    expect(text.includes(secret), `${what} (${secret}) appears in ${where}`).toBe(false);
  }
}

/** Messages published to SNS, from a sandbox account saved with --state. */
function snsMessages(stateFile: string): string {
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { world: { sns: { messages: { subject?: string; message: string }[] } } };
  return state.world.sns.messages.map((m) => `${m.subject ?? ''}\n${m.message}`).join('\n');
}

describe('no secret reaches any output', () => {
  it.each([
    ['json', {}],
    ['plain', {}],
    ['tty', { isTTY: true, stderrIsTTY: true, isCI: false }],
  ] as const)('apply --format %s: stdout, stderr, the step summary and SNS messages hold no secret', async (format, context) => {
    // GIVEN a fresh sandbox account per run (each apply has the same changes to make)
    const state = join(dir, `state-${format}.json`);
    const summary = join(dir, `summary-${format}.md`);
    // WHEN
    const r = await cli(['apply', '--sandbox', '--state', state, '--yes', '--format', format, '--verbose'], context, {
      GITHUB_ACTIONS: 'true',
      GITHUB_STEP_SUMMARY: summary,
    });
    // THEN
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    expectNoSecret('stdout', r.stdout);
    expectNoSecret('stderr', r.stderr);
    expect(existsSync(summary)).toBe(true);
    expectNoSecret('the step summary', readFileSync(summary, 'utf8'));
    const sns = snsMessages(state);
    expect(sns).toContain('run one-off task migrate');
    expectNoSecret('SNS messages', sns);
    if (format === 'json') {
      const events = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string });
      expect(events.map((e) => e.type)).toContain('plan.computed');
      for (const visible of VISIBLE) expect(r.stdout).toContain(visible);
    }
  });

  it('apply --dry-run --verbose: the call summaries hold no secret, but say what would run', async () => {
    const r = await cli(['apply', '--sandbox', '--yes', '--dry-run', '--format', 'plain', '--verbose']);
    expect(r.code).toBe(0);
    expectNoSecret('stdout', r.stdout);
    expectNoSecret('stderr', r.stderr);
    expect(`${r.stdout}${r.stderr}`).toContain('./migrate postgres://migrator:***@db/x');
  });

  it.each(['text', 'json', 'markdown'])('plan --format %s and the plan it saves hold no secret', async (format) => {
    const out = join(dir, `plan-${format}.json`);
    const r = await cli(['plan', '--sandbox', '--format', format, '--out', out, '--verbose']);
    expect(r.code).toBe(0);
    expectNoSecret('stdout', r.stdout);
    expectNoSecret('stderr', r.stderr);
    const saved = readFileSync(out, 'utf8');
    expectNoSecret('the saved plan', saved);
    for (const visible of VISIBLE) expect(saved).toContain(visible);
  });

  it('render holds no secret, and shows the rest', async () => {
    const r = await cli(['render']);
    expect(r.code).toBe(0);
    expectNoSecret('stdout', r.stdout);
    for (const visible of VISIBLE.filter((v) => v !== 'splunk-url')) expect(r.stdout).toContain(visible);
  });

  it('an error that quotes a value does not quote a secret', async () => {
    // A token interpolated where a number belongs: the schema's message quotes the value it got.
    const errorDir = mkdtempSync(join(tmpdir(), 'ecsdeploy-redaction-error-'));
    writeFileSync(
      join(errorDir, 'ecsdeploy.yaml'),
      'version: 1\nservices:\n  web:\n    cluster: shop\n    desiredCount: ${env:API_TOKEN}\n    taskDefinition: { family: web, containerDefinitions: [{ name: web, image: nginx }] }\n',
    );
    const stdout = capture();
    const stderr = capture();
    const code = await run(['validate'], {
      env: { API_TOKEN: SECRETS.interpolatedToken },
      cwd: errorDir,
      stdout: stdout.stream,
      stderr: stderr.stream,
      isTTY: false,
      stdinIsTTY: false,
      isCI: true,
    });
    expect(code).toBe(1);
    expect(stderr.text()).toContain('services.web.desiredCount: must be a whole number from 0 to 5000');
    expectNoSecret('stderr', stderr.text());
    rmSync(errorDir, { recursive: true, force: true });
  });
});
