/**
 * The GitHub Action, tested without GitHub: its script (action/run.mjs) runs as action.yml runs it, with the
 * `GITHUB_*` environment a runner sets and an event file, against a stand-in of GitHub's REST API on loopback
 * that records every request. The plan text comes from the real CLI against the sandbox (`--sandbox --state`).
 * Exit 3 (a canary paused for approval) has no producer yet, so those tests use a stand-in CLI that exits 3.
 */
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type GitHubStandIn, startGitHubStandIn } from './github-stand-in.js';

const ROOT = resolve(__dirname, '../..');
const EXAMPLES = join(ROOT, 'examples');
const TOKEN = 'test-token-not-a-secret';
const built = existsSync(join(ROOT, 'dist/cli.mjs'));

interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

interface RunOptions {
  inputs: Record<string, string>;
  /** The event payload; `pull_request` events get a pull request. */
  event?: object;
  eventName?: string;
  cwd: string;
  bin?: string;
  env?: Record<string, string>;
}

let github: GitHubStandIn;
let scratch: string[] = [];

function folder(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), `ecsdeploy-action-${prefix}-`));
  scratch.push(d);
  return d;
}

/** A pull_request event as GitHub writes it (the parts the action reads). */
function pullRequestEvent(number: number, headRepo = 'acme/shop'): object {
  return {
    action: 'synchronize',
    number,
    pull_request: {
      number,
      head: { sha: '0123456789abcdef0123456789abcdef01234567', repo: { full_name: headRepo } },
      base: { repo: { full_name: 'acme/shop' } },
    },
    repository: { full_name: 'acme/shop' },
  };
}

/** Parses `$GITHUB_OUTPUT` (`name=value` lines and `name<<DELIM` blocks). */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const block = /^([^=<]+)<<(.+)$/.exec(line);
    if (block) {
      const end = lines.indexOf(block[2] as string, i + 1);
      out[block[1] as string] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
  }
  return out;
}

/** Runs `node action/run.mjs` the way the composite step does. */
async function runAction(options: RunOptions): Promise<ActionRun> {
  const runner = folder('runner');
  const files = { output: join(runner, 'output'), summary: join(runner, 'summary.md'), event: join(runner, 'event.json') };
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  writeFileSync(files.event, JSON.stringify(options.event ?? {}));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: runner,
    XDG_CACHE_HOME: join(runner, 'cache'),
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_API_URL: github.url,
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_NUMBER: '17',
    GITHUB_EVENT_NAME: options.eventName ?? 'pull_request',
    GITHUB_EVENT_PATH: files.event,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_WORKSPACE: options.cwd,
    RUNNER_TEMP: join(runner, 'temp'),
    GITHUB_TOKEN: TOKEN,
    ECSDEPLOY_BIN: options.bin ?? join(ROOT, 'bin/ecsdeploy.js'),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...Object.fromEntries(Object.entries(options.inputs).map(([k, v]) => [`INPUT_${k.toUpperCase().replace(/-/g, '_')}`, v])),
    ...options.env,
  };
  mkdirSync(env.RUNNER_TEMP as string);
  const child = spawn(process.execPath, [join(ROOT, 'action/run.mjs')], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const code = await new Promise<number>((r) => child.on('close', (c) => r(c ?? -1)));
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputs(readFileSync(files.output, 'utf8')),
    summary: readFileSync(files.summary, 'utf8'),
  };
}

/** A working copy of an example, with the sandbox account it plans against kept in `state.json`. */
function example(name: string): { dir: string; sandbox: string } {
  const dir = folder(name);
  cpSync(join(EXAMPLES, name), dir, { recursive: true });
  return { dir, sandbox: `--sandbox --state ${join(dir, 'state.json')}` };
}

const writes = () => github.requests.filter((r) => r.method !== 'GET');
const markerComments = (issue: number) => (github.comments.get(issue) ?? []).filter((c) => c.body.includes('<!-- ecsdeploy-plan '));

beforeAll(async () => {
  github = await startGitHubStandIn();
});
afterAll(async () => {
  await github.close();
});
beforeEach(() => {
  github.requests.length = 0;
  github.comments.clear();
  github.refuseWritesWith = undefined;
});
afterEach(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
  scratch = [];
});

describe.skipIf(!built)('the action: plan on a pull request', () => {
  it('creates one comment on the first run and updates that same comment on every later push', async () => {
    // GIVEN a pull request that already has other people's comments
    github.seed(7, ['LGTM', 'please rebase', 'ecsdeploy is nice']);
    const { dir, sandbox } = example('rolling');
    const event = pullRequestEvent(7);

    // WHEN the plan runs three times (a push with changes, one reverting them, one more)
    const first = await runAction({ cwd: dir, event, inputs: { command: 'plan', manifest: 'ecsdeploy.yaml', args: sandbox } });
    const firstBody = markerComments(7)[0]?.body ?? '';
    const second = await runAction({
      cwd: dir,
      event,
      inputs: { command: 'plan', args: sandbox, images: 'web=123456789012.dkr.ecr.us-east-1.amazonaws.com/hello-web:previous' },
    });
    const third = await runAction({ cwd: dir, event, inputs: { command: 'plan', args: sandbox } });

    // THEN one POST, then PATCHes of that comment; exactly one plan comment; the others untouched
    for (const r of [first, second, third]) expect(r.code, r.stderr).toBe(0);
    expect(writes().map((r) => r.method)).toEqual(['POST', 'PATCH', 'PATCH']);
    const id = markerComments(7)[0]?.id;
    expect(
      writes()
        .slice(1)
        .map((r) => r.path),
    ).toEqual([`/repos/acme/shop/issues/comments/${id}`, `/repos/acme/shop/issues/comments/${id}`]);
    expect(markerComments(7)).toHaveLength(1);
    expect(github.comments.get(7)?.map((c) => c.body.slice(0, 20))).toEqual([
      'LGTM',
      'please rebase',
      'ecsdeploy is nice',
      '<!-- ecsdeploy-plan ',
    ]);
    expect(github.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);

    // The comment is the Markdown plan: a change shown, then none, then the change again.
    expect(firstBody).toMatch(/^<!-- ecsdeploy-plan manifest=ecsdeploy.yaml env=- -->\n### ecsdeploy plan/);
    expect(firstBody).toContain('<details><summary>web (hello/hello-web)');
    expect(firstBody).toContain('hello-web:previous');
    expect(firstBody).toContain('for 0123456, updated by [run 17](https://github.example/acme/shop/actions/runs/4242)');
    expect(first.outputs['has-changes']).toBe('true');
    expect(second.outputs['has-changes']).toBe('false');
    expect(third.outputs['has-changes']).toBe('true');
    expect(markerComments(7)[0]?.body).toContain('hello-web:1.0.0');
    expect(first.stdout).toContain(`ecsdeploy: plan comment created: https://github.example/acme/shop/pull/7#issuecomment-${id}`);
    expect(second.stdout).toContain('ecsdeploy: plan comment updated:');
    expect(first.outputs['comment-url']).toBe(`https://github.example/acme/shop/pull/7#issuecomment-${id}`);

    // Outputs for a later job: the saved plan and its Markdown.
    const saved = JSON.parse(readFileSync(first.outputs['plan-path'] as string, 'utf8')) as { format: string; hasChanges: boolean };
    expect(saved).toMatchObject({ format: 'ecsdeploy.plan', hasChanges: true });
    expect(readFileSync(first.outputs['plan-markdown-path'] as string, 'utf8')).toContain('### ecsdeploy plan');
    expect(first.outputs['artifact-name']).toBe('ecsdeploy-plan-default');
    expect(first.outputs['exit-code']).toBe('2');
    expect(second.outputs['exit-code']).toBe('0');
    expect(first.summary).toContain('### ecsdeploy plan');
    expect(`${first.stdout}${first.stderr}`).not.toContain(TOKEN);
  });

  it('finds its comment past the first pages of a long discussion, and never posts a second one', async () => {
    // GIVEN 230 comments, then the plan comment, then 40 more: it sits on page 3 of 100
    const { dir, sandbox } = example('rolling');
    const event = pullRequestEvent(8);
    github.seed(
      8,
      Array.from({ length: 230 }, (_, i) => `comment ${i}`),
    );
    expect((await runAction({ cwd: dir, event, inputs: { args: sandbox } })).code).toBe(0);
    github.seed(
      8,
      Array.from({ length: 40 }, (_, i) => `later ${i}`),
    );
    github.requests.length = 0;

    // WHEN the plan runs again
    const again = await runAction({ cwd: dir, event, inputs: { args: sandbox } });

    // THEN it read every page and updated the comment in place
    expect(again.code, again.stderr).toBe(0);
    expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /repos/acme/shop/issues/8/comments?per_page=100',
      'GET /repos/acme/shop/issues/8/comments?per_page=100&page=2',
      'GET /repos/acme/shop/issues/8/comments?per_page=100&page=3',
      `PATCH /repos/acme/shop/issues/comments/${markerComments(8)[0]?.id}`,
    ]);
    expect(github.comments.get(8)).toHaveLength(271);
    expect(markerComments(8)).toHaveLength(1);
  });

  it('keeps one comment per manifest and environment', async () => {
    const { dir } = example('multi');
    const event = pullRequestEvent(9);
    const plan = (environment: string) =>
      runAction({ cwd: dir, event, inputs: { environment, args: `--sandbox --state ${join(dir, `${environment}.json`)}` } });
    for (const environment of ['staging', 'production', 'staging']) expect((await plan(environment)).code).toBe(0);
    expect(markerComments(9).map((c) => c.body.split('\n')[0])).toEqual([
      '<!-- ecsdeploy-plan manifest=ecsdeploy.yaml env=staging -->',
      '<!-- ecsdeploy-plan manifest=ecsdeploy.yaml env=production -->',
    ]);
    expect(writes().map((r) => r.method)).toEqual(['POST', 'POST', 'PATCH']);
  });

  it('writes the step summary and says why when the pull request comes from a fork', async () => {
    const { dir, sandbox } = example('rolling');
    const run = await runAction({ cwd: dir, event: pullRequestEvent(10, 'someone/shop'), inputs: { args: sandbox } });
    expect(run.code, run.stderr).toBe(0);
    expect(github.requests).toEqual([]);
    expect(run.summary).toContain('### ecsdeploy plan');
    expect(run.summary).toContain('This pull request comes from a fork: GitHub gives its workflow a read-only token');
    expect(run.stdout).toContain('::notice title=ecsdeploy::This pull request comes from a fork');
    expect(run.outputs['has-changes']).toBe('true');
  });

  it('writes the step summary and says why when the token may not comment (403), without failing the plan', async () => {
    github.refuseWritesWith = 403;
    const { dir, sandbox } = example('rolling');
    const run = await runAction({ cwd: dir, event: pullRequestEvent(11), inputs: { args: sandbox } });
    expect(run.code, run.stderr).toBe(0);
    expect(writes().map((r) => r.method)).toEqual(['POST']);
    expect(run.summary).toContain('### ecsdeploy plan');
    expect(run.summary).toContain('could not be posted as a comment (HTTP 403): the token needs `pull-requests: write`');
    expect(run.stdout).toContain('::warning title=ecsdeploy::');
  });

  it('keeps a long plan under the comment limit, whole diffs first, pointing to the artifact for the rest', async () => {
    // GIVEN an account running 12 services with 150 environment variables each, and a manifest changing them all
    const dir = folder('long');
    const manifest = (value: string) => {
      const env = Array.from({ length: 150 }, (_, i) => ({ name: `SETTING_${i}`, value: `${value}-${i}-${'x'.repeat(30)}` }));
      const services: Record<string, object> = {};
      for (let s = 0; s < 12; s++) {
        const family = `svc-${s}`;
        writeFileSync(
          join(dir, `${family}-${value}.task.json`),
          JSON.stringify({
            family,
            networkMode: 'awsvpc',
            requiresCompatibilities: ['FARGATE'],
            cpu: '256',
            memory: '512',
            containerDefinitions: [{ name: 'app', image: 'registry/app:1', environment: env }],
          }),
        );
        services[family] = {
          cluster: 'big',
          taskDefinition: `./${family}-${value}.task.json`,
          desiredCount: 1,
          launchType: 'FARGATE',
          networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0a1b2c3d4e5f60001'] } },
        };
      }
      const file = `${value}.yaml`;
      writeFileSync(join(dir, file), JSON.stringify({ version: 1, region: 'us-east-1', services }));
      return file;
    };
    const state = join(dir, 'state.json');
    const seeded = await runAction({
      cwd: dir,
      eventName: 'push',
      inputs: { manifest: manifest('old'), args: `--sandbox --state ${state}` },
    });
    expect(seeded.code, seeded.stderr).toBe(0);

    // WHEN the changing manifest is planned on a pull request
    const run = await runAction({
      cwd: dir,
      event: pullRequestEvent(12),
      inputs: { manifest: manifest('new'), args: `--sandbox --state ${state}` },
    });

    // THEN the full plan (far over the limit) is in the file; the comment fits, with whole diffs and a pointer
    expect(run.code, run.stderr).toBe(0);
    const full = readFileSync(run.outputs['plan-markdown-path'] as string, 'utf8');
    expect(full.length).toBeGreaterThan(200_000);
    const body = markerComments(12)[0]?.body ?? '';
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body.length).toBeGreaterThan(60_000);
    expect(body).toContain('| svc-11 | big |'); // the table is whole
    expect(body).toMatch(
      /This plan is too long for a comment: \d+ of 12 service diffs shown\. The full plan is the `ecsdeploy-plan-default` artifact of \[this run\]/,
    );
    expect(body.match(/<details>/g)?.length).toBe(body.match(/<\/details>/g)?.length);
    expect((body.match(/^````?diff$/gm) ?? []).length * 2).toBe((body.match(/^````?(?:diff)?$/gm) ?? []).length);
    expect(body).toMatch(/… \d+ more lines of this diff left out/);
    // The summary has room for all of it.
    expect(run.summary).toContain(full.trim().split('\n').slice(-3).join('\n'));
  });

  it('on a push, plans into the step summary and calls no GitHub API', async () => {
    const { dir, sandbox } = example('rolling');
    const run = await runAction({ cwd: dir, eventName: 'push', event: { ref: 'refs/heads/main' }, inputs: { args: sandbox } });
    expect(run.code, run.stderr).toBe(0);
    expect(github.requests).toEqual([]);
    expect(run.summary).toContain('### ecsdeploy plan');
    expect(run.outputs['has-changes']).toBe('true');
  });

  it('fails the step when the plan fails, and makes the comment say so instead of showing an earlier plan', async () => {
    // GIVEN a comment with the plan of an earlier push
    const { dir, sandbox } = example('rolling');
    const event = pullRequestEvent(13);
    expect((await runAction({ cwd: dir, event, inputs: { args: sandbox } })).code).toBe(0);

    // WHEN the plan of the next push fails (its sandbox account is unreadable)
    writeFileSync(join(dir, 'broken.json'), 'not json');
    const run = await runAction({ cwd: dir, event, inputs: { args: `--sandbox --state ${join(dir, 'broken.json')}` } });

    // THEN the step fails, and the one comment now says the plan failed
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error [SANDBOX_STATE_INVALID]');
    expect(run.stdout).toContain('::error title=ecsdeploy::ecsdeploy plan failed (exit 1)');
    expect(run.outputs['exit-code']).toBe('1');
    expect(run.outputs['has-changes']).toBeUndefined();
    expect(writes().map((r) => r.method)).toEqual(['POST', 'PATCH']);
    expect(markerComments(13)).toHaveLength(1);
    expect(markerComments(13)[0]?.body).toMatch(
      /^<!-- ecsdeploy-plan manifest=ecsdeploy.yaml env=- -->\n### ecsdeploy plan\n\n\*\*The plan failed\*\* \(exit 1\) for 0123456: the error is in \[the run's log\]\(https:\/\/github.example\/acme\/shop\/actions\/runs\/4242\)/,
    );
    expect(markerComments(13)[0]?.body).not.toContain('<details>');
  });
});

describe.skipIf(!built)('the action: apply and the other commands', () => {
  it('applies with the real CLI: the CLI writes the step summary, paused is false', async () => {
    const { dir, sandbox } = example('rolling');
    const run = await runAction({ cwd: dir, eventName: 'push', inputs: { command: 'apply', args: sandbox } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.outputs).toMatchObject({ paused: 'false', 'exit-code': '0' });
    expect(run.summary).toMatch(/hello-web/);
    expect(github.requests).toEqual([]);
  });

  it('fails the job, with annotations, when the deployment fails', async () => {
    const { dir, sandbox } = example('rolling');
    const scenario = join(EXAMPLES, 'scenarios', 'crashing.yaml');
    const run = await runAction({ cwd: dir, eventName: 'push', inputs: { command: 'apply', args: `${sandbox} --scenario ${scenario}` } });
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ paused: 'false', 'exit-code': '1' });
    expect(run.stdout).toMatch(/^::error title=ecsdeploy%3A web/m);
  });
});

describe('the action: commands, arguments, exit 3', () => {
  /** A stand-in CLI: records its arguments and exits with STAND_IN_EXIT. */
  function standInCli(): { bin: string; calls: () => string[][] } {
    const dir = folder('cli');
    const log = join(dir, 'calls.jsonl');
    const bin = join(dir, 'ecsdeploy.mjs');
    writeFileSync(
      bin,
      [
        "import { appendFileSync } from 'node:fs';",
        `appendFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)) + '\\n');`,
        "if (process.env.GITHUB_TOKEN !== undefined) throw new Error('the CLI was handed the GitHub token');",
        'process.exitCode = Number(process.env.STAND_IN_EXIT ?? 0);',
        '',
      ].join('\n'),
    );
    chmodSync(bin, 0o755);
    return {
      bin,
      calls: () =>
        existsSync(log)
          ? readFileSync(log, 'utf8')
              .trim()
              .split('\n')
              .map((l) => JSON.parse(l) as string[])
          : [],
    };
  }

  it('treats exit 3 (a canary paused for approval) as success with paused=true, and runs promote in a later job', async () => {
    const cli = standInCli();
    const cwd = folder('work');
    const paused = await runAction({
      cwd,
      eventName: 'push',
      bin: cli.bin,
      env: { STAND_IN_EXIT: '3' },
      inputs: { command: 'apply', environment: 'production' },
    });
    expect(paused.code).toBe(0);
    expect(paused.outputs).toMatchObject({ paused: 'true', 'exit-code': '3' });
    expect(paused.stdout).toContain('::notice title=ecsdeploy::ecsdeploy apply paused awaiting approval');

    const promoted = await runAction({ cwd, eventName: 'push', bin: cli.bin, inputs: { command: 'promote', environment: 'production' } });
    expect(promoted.code).toBe(0);
    expect(promoted.outputs).toMatchObject({ paused: 'false', 'exit-code': '0' });
    expect(cli.calls()).toEqual([
      ['apply', '-f', 'ecsdeploy.yaml', '--env', 'production', '--yes'],
      ['promote', '-f', 'ecsdeploy.yaml', '--env', 'production', '--yes'],
    ]);
  });

  it('fails on any other non-zero exit', async () => {
    const cli = standInCli();
    for (const [exit, expected] of [
      ['1', 1],
      ['130', 130],
    ] as const) {
      const run = await runAction({
        cwd: folder('work'),
        eventName: 'push',
        bin: cli.bin,
        env: { STAND_IN_EXIT: exit },
        inputs: { command: 'abort' },
      });
      expect(run.code).toBe(expected);
      expect(run.outputs.paused).toBe('false');
    }
  });

  it('passes images and extra arguments as words, adds --yes only to commands that change AWS', async () => {
    const cli = standInCli();
    const cwd = folder('work');
    await runAction({
      cwd,
      eventName: 'push',
      bin: cli.bin,
      inputs: {
        command: 'apply',
        manifest: 'deploy/ecsdeploy.yaml',
        images: 'web=registry/web:1.4.2,\n api=registry/api:2.0.0\n',
        args: `--service web --var "note=two words" --var 'quote="x"' --region\teu-west-1`,
      },
    });
    await runAction({ cwd, eventName: 'push', bin: cli.bin, inputs: { command: 'rollback', args: '-y' } });
    expect(cli.calls()).toEqual([
      [
        'apply',
        '-f',
        'deploy/ecsdeploy.yaml',
        '--image',
        'web=registry/web:1.4.2',
        '--image',
        'api=registry/api:2.0.0',
        '--yes',
        '--service',
        'web',
        '--var',
        'note=two words',
        '--var',
        'quote="x"',
        '--region',
        'eu-west-1',
      ],
      ['rollback', '-f', 'ecsdeploy.yaml', '-y'],
    ]);
  });

  it('refuses an unknown command or an unbalanced quote before running anything', async () => {
    const cli = standInCli();
    const unknown = await runAction({ cwd: folder('work'), eventName: 'push', bin: cli.bin, inputs: { command: 'destroy' } });
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain(
      '::error title=ecsdeploy::command: "destroy" is not one of plan, apply, rollback, status, promote, abort',
    );
    const quote = await runAction({
      cwd: folder('work'),
      eventName: 'push',
      bin: cli.bin,
      inputs: { command: 'status', args: '--var "x=1' },
    });
    expect(quote.code).toBe(1);
    expect(quote.stdout).toContain('::error title=ecsdeploy::args: unterminated " quote');
    // ecsdeploy refuses --image on a command that would ignore it; the action says so first.
    const images = await runAction({
      cwd: folder('work'),
      eventName: 'push',
      bin: cli.bin,
      inputs: { command: 'status', images: 'web=r/web:1' },
    });
    expect(images.code).toBe(1);
    expect(images.stdout).toContain('::error title=ecsdeploy::images: only plan and apply take images; status does not');
    expect(cli.calls()).toEqual([]);
  });
});
