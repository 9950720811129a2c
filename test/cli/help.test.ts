/**
 * `--help` of every command, as a newcomer reads it: every option named with the value it takes (never clipanion's
 * `#0`), described in a sentence that starts with a capital, offered in the form that does something (`--no-color`,
 * not `--color`), and only the options the command reads; `ecsdeploy help [COMMAND]` prints the same. Properties,
 * not snapshots: the wording may improve, these may not regress.
 */
import { SERVICES } from '../../src/sandbox/protocol/services.js';
import { describe, expect, it } from 'vitest';
import { capture } from '../_helpers/capture.js';
import { run } from '../../src/cli/main.js';

async function ecsdeploy(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = capture();
  const stderr = capture();
  const code = await run(args, {
    env: {},
    cwd: process.cwd(),
    stdout: stdout.stream,
    stderr: stderr.stream,
    isTTY: false,
    stdinIsTTY: false,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const AWS = [
  '-n,--service',
  '-r,--region',
  '-p,--profile',
  '--endpoint-url',
  '--assume-role-arn',
  '--external-id',
  '-k,--aws-access-key',
  '-s,--aws-secret-key',
  '--max-attempts',
  '--sandbox',
  '--scenario',
  '--state',
  '--no-color',
];
const MANIFEST = ['-v,--verbose', '-f,--file', '-e,--env', '--var'];
const OVERRIDES = ['-i,--image', '-D,--desired-count', '-m,--min', '-M,--max', '-t,--timeout'];
const DEPLOY = ['-y,--yes,--auto-approve', '--dry-run', '--force', '--on-interrupt', '--format'];

/**
 * Every option each command accepts: each one is read by the command (an option accepted and ignored, such as
 * `--image` on `status`, looks as if it did something). A new option is added here when it is added to a command.
 */
const OPTIONS: Record<string, string[]> = {
  validate: [...MANIFEST, ...OVERRIDES, '-n,--service'],
  // AWS access only to read lookups: no sandbox account (--scenario, --state) and JSON output (no colour).
  render: [...MANIFEST, ...OVERRIDES, ...AWS.filter((o) => !['--scenario', '--state', '--no-color'].includes(o)), '--resolve-lookups'],
  schema: ['-v,--verbose'],
  plan: [...MANIFEST, ...AWS, ...OVERRIDES, '--no-cache', '--format', '-o,--out', '--detailed-exitcode', '--concurrency'],
  apply: [...MANIFEST, ...AWS, ...DEPLOY, ...OVERRIDES, '--no-cache', '--plan', '--concurrency', '--wait', '--resume', '--wait-until'],
  // The canary's revision is recorded in its tags (no --image); the stable service's deployment at promotion takes
  // the count, deployment settings and timeout.
  promote: [...MANIFEST, ...AWS, ...DEPLOY, ...OVERRIDES.filter((o) => o !== '-i,--image'), '--no-cache', '--full', '--wait-until'],
  abort: [...MANIFEST, ...AWS, ...DEPLOY, '--no-cache'],
  rollback: [...MANIFEST, ...AWS, ...DEPLOY, '-t,--timeout', '--to'],
  run: [...MANIFEST, ...AWS, '-i,--image', '--live', '--container', '--env-var', '--no-wait', '-t,--timeout', '--dry-run', '--format'],
  status: [...MANIFEST, ...AWS, '--format'],
  unlock: [...MANIFEST, ...AWS, '--run', '--force'],
  sandbox: [...MANIFEST, '--seed', '--scenario', '--port', '--speed', '--state', '-r,--region'],
  init: [
    '-c,--cluster',
    '-n,--service',
    '--all',
    '-o,--out',
    '--dir',
    '--force',
    '--deployment-group',
    '--concurrency',
    '-v,--verbose',
    ...AWS.filter((o) => !['-n,--service', '--scenario', '--no-color'].includes(o)),
  ],
  help: [],
};

/** The option lines of a command's `--help`: `{ definition, description }`. */
function optionLines(help: string): { names: string; definition: string; description: string }[] {
  const section = /\nOptions\n\n([\s\S]*?)(?:\n\n|\n?$)/.exec(help)?.[1] ?? '';
  return section
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const m = /^ {2}(\S+(?: \S+)?) {2,}(.*)$/.exec(l);
      const definition = m?.[1] ?? l.trim();
      return { names: definition.split(' ')[0] as string, definition, description: m?.[2] ?? '' };
    });
}

describe('--help', () => {
  it.each(Object.keys(OPTIONS))('%s: lists exactly the options it reads, each named and described', async (command) => {
    const { code, stdout } = await ecsdeploy([command, '--help']);
    expect(code).toBe(0);
    expect(stdout).not.toMatch(/#\d/);
    // The command's one-line description, capitalised like every other.
    expect(stdout).toMatch(/^[A-Z]/);
    const options = optionLines(stdout);
    expect(options.map((o) => o.names).sort()).toEqual([...(OPTIONS[command] as string[])].sort());
    for (const o of options) {
      expect(o.description, o.names).toMatch(/^[A-Z]/);
      // A value option shows the value it takes.
      if (o.definition !== o.names) expect(o.definition, o.names).toMatch(/^\S+ [^#\s]+$/);
    }
  });

  it('offers the negations that do something: --no-color and --no-cache, never --color or --cache', async () => {
    const plan = (await ecsdeploy(['plan', '--help'])).stdout;
    expect(plan).toContain('--no-color');
    expect(plan).toContain('--no-cache');
    expect(plan).not.toMatch(/\s--(color|cache)\s/);
    expect((await ecsdeploy(['plan', '--color', '--help'])).code).toBe(1);
  });

  it('lists every command with a capitalised description and named option values', async () => {
    const { code, stdout } = await ecsdeploy(['--help']);
    expect(code).toBe(0);
    expect(stdout).not.toMatch(/#\d/);
    const descriptions = [...stdout.matchAll(/\n {2}ecsdeploy \S+.*\n {4}(.*)/g)].map((m) => m[1] as string);
    expect(descriptions.length).toBeGreaterThanOrEqual(Object.keys(OPTIONS).length);
    for (const d of descriptions) expect(d).toMatch(/^[A-Z]/);
  });

  it('names option values in usage errors too', async () => {
    const { code, stdout } = await ecsdeploy(['status', '--nope']);
    expect(code).toBe(1);
    expect(stdout).toContain('[-f,--file FILE]');
    expect(stdout).not.toMatch(/#\d/);
  });
});

describe('ecsdeploy help [COMMAND]', () => {
  it('prints the list of commands, as --help does', async () => {
    const help = await ecsdeploy(['help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toBe((await ecsdeploy(['--help'])).stdout);
  });

  it.each(['apply', 'status', 'unlock'])('prints the help of %s, as --help after it does', async (command) => {
    const help = await ecsdeploy(['help', command]);
    expect(help.code).toBe(0);
    expect(help.stdout).toBe((await ecsdeploy([command, '--help'])).stdout);
  });

  it('refuses a command that does not exist, naming the ones that do', async () => {
    const help = await ecsdeploy(['help', 'deploy']);
    expect(help.code).toBe(1);
    expect(help.stdout).toBe('');
    expect(help.stderr).toMatch(/^error \[COMMAND_UNKNOWN\]: no command "deploy"\nhint: commands: .*\bapply\b.*\bunlock\b/);
  });
});

describe('ecsdeploy sandbox --help', () => {
  // The services a user may point an AWS tool at; STS (GetCallerIdentity only) is plumbing.
  const SERVED = {
    ecs: 'ECS',
    codedeploy: 'CodeDeploy',
    events: 'EventBridge',
    logs: 'CloudWatch Logs',
    cloudwatch: 'CloudWatch',
    elbv2: 'ELBv2',
    sns: 'SNS',
  };

  it('names every service the sandbox serves over HTTP', async () => {
    const { code, stdout } = await ecsdeploy(['--help']);
    expect(code).toBe(0);
    const description = /\n {2}ecsdeploy sandbox .*\n {4}(.*)/.exec(stdout)?.[1] ?? '';
    const ids = SERVICES.map((s) => s.id).filter((id) => id !== 'sts');
    expect(ids.sort()).toEqual(Object.keys(SERVED).sort());
    for (const id of ids) expect(description).toContain(SERVED[id as keyof typeof SERVED]);
  });
});
