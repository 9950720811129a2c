// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are manifest interpolation syntax, not templates
/**
 * `ecsdeploy init` end to end against the sandbox: seed an account from each example (saved with --state), import
 * its cluster with the real CLI into an empty folder, then `plan` the written manifest against the same account.
 * The round trip must show no changes. Also: what init refuses, and that no secret reaches its output.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { loadManifest, loadManifestAll } from '../../src/manifest/index.js';
import type { ResolvedManifest } from '../../src/model/manifest.js';
import { isEcsNative } from '../../src/model/strategy.js';
import type { Plan } from '../../src/plan/types.js';
import { codedeployOperations } from '../../src/sandbox/world/codedeploy.js';
import { capture } from '../_helpers/capture.js';

const EXAMPLES = resolve(__dirname, '../../examples');
const examples = readdirSync(EXAMPLES).filter((d) => existsSync(join(EXAMPLES, d, 'ecsdeploy.yaml')));

/**
 * The sandbox does not serve CodeDeploy's ListApplications/BatchGetDeploymentGroups yet (being added); until it
 * does, blue-green services are imported with their group named (`--deployment-group`), and the search itself is
 * covered against a mocked SDK (read-services-to-import.test.ts).
 */
const sandboxSearchesCodeDeploy = ['ListApplications', 'ListDeploymentGroups', 'BatchGetDeploymentGroups'].every(
  (op) => op in codedeployOperations,
);

const scratch: string[] = [];
afterEach(() => {
  for (const d of scratch.splice(0)) rmSync(d, { recursive: true, force: true });
});

function folder(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), `ecsdeploy-init-${prefix}-`));
  scratch.push(d);
  return d;
}

async function cli(cwd: string, args: string[], env: Record<string, string> = {}) {
  const stdout = capture();
  const stderr = capture();
  const code = await run(args, {
    env: { XDG_CACHE_HOME: join(cwd, '.cache'), ...env },
    cwd,
    stdout: stdout.stream,
    stderr: stderr.stream,
    isTTY: false,
    isCI: true,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** Environment values the examples set, by variable name (init asks for the secret-looking ones by that name). */
function environmentValues(manifest: ResolvedManifest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of manifest.services) {
    if (s.taskDefinition.kind !== 'declared') continue;
    for (const c of s.taskDefinition.input.containerDefinitions) for (const e of c.environment ?? []) out[e.name] = e.value;
  }
  return out;
}

/** An account seeded from the example, saved to `state`. */
async function seed(example: string, environment: string | undefined, state: string): Promise<ResolvedManifest> {
  const dir = join(EXAMPLES, example);
  const envArgs = environment ? ['--env', environment] : [];
  const seeded = await cli(dir, ['plan', '--sandbox', '--state', state, ...envArgs]);
  expect(seeded.code, seeded.stderr).toBe(0);
  return loadManifest({ cwd: dir, env: {}, ...(environment ? { environment } : {}) });
}

function deploymentGroupFlags(manifest: ResolvedManifest): string[] {
  if (sandboxSearchesCodeDeploy) return [];
  return manifest.services.flatMap((s) =>
    s.strategy.type === 'blue-green' ? ['--deployment-group', `${s.service}=${s.strategy.application}/${s.strategy.deploymentGroup}`] : [],
  );
}

describe('init --sandbox', () => {
  for (const example of examples) {
    for (const environment of loadManifestAll({ cwd: join(EXAMPLES, example), env: {} }).map((m) => m.environment)) {
      const label = environment ? `${example} (--env ${environment})` : example;

      it(`imports the account seeded from ${label}, and plan then shows no changes`, async () => {
        // GIVEN an account seeded from the example
        const account = folder('account');
        const state = join(account, 'state.json');
        const manifest = await seed(example, environment, state);
        const clusters = [...new Set(manifest.services.map((s) => s.cluster))];
        expect(clusters).toHaveLength(1);

        // WHEN every service of its cluster is imported into an empty folder
        const out = folder('out');
        const init = await cli(out, [
          'init',
          '--sandbox',
          '--state',
          state,
          '--cluster',
          clusters[0] as string,
          '--all',
          ...deploymentGroupFlags(manifest),
        ]);
        expect(init.code, init.stderr).toBe(0);
        expect(init.stdout).toContain('wrote ecsdeploy.yaml\n');

        // THEN the written manifest is valid, names every service of the cluster, and plans with no changes
        const values = environmentValues(manifest);
        const asked = /set these environment variables[^:]*: (.*)$/m.exec(init.stderr)?.[1]?.split(', ') ?? [];
        const env = Object.fromEntries(asked.map((name) => [name, values[name] ?? '']));
        const plan = await cli(out, ['plan', '--sandbox', '--state', state, '--format', 'json', '--detailed-exitcode'], env);
        expect(plan.stderr).toBe('');
        const p = JSON.parse(plan.stdout) as Plan;
        expect(p.services.map((s) => [s.key, s.action, s.changes, s.blockedReasons])).toEqual(
          p.services.map((s) => [s.key, 'no-change', [], []]),
        );
        expect(plan.code).toBe(0);
        const expected = new Set(manifest.services.map((s) => s.service));
        if (manifest.services.some((s) => s.strategy.type === 'canary')) {
          for (const s of manifest.services) if (s.strategy.type === 'canary') expected.add(s.strategy.canary.service);
        }
        expect(p.services.map((s) => s.service).sort()).toEqual([...expected].sort());
        // Strategies follow the deployment controller, and ECS's own strategy (BLUE_GREEN, LINEAR, CANARY).
        for (const s of manifest.services) {
          const imported = p.services.find((x) => x.service === s.service);
          expect(imported?.strategy.type).toBe(s.strategy.type === 'blue-green' || isEcsNative(s.strategy) ? s.strategy.type : 'rolling');
        }
      });
    }
  }

  it('refuses to overwrite any file without --force, writing nothing, and overwrites with it', async () => {
    const account = folder('account');
    const state = join(account, 'state.json');
    await seed('rolling', undefined, state);
    const out = folder('out');
    mkdirSync(join(out, 'ecs'));
    writeFileSync(join(out, 'ecs', 'hello-web.task.json'), '{"mine": true}\n');

    const refused = await cli(out, ['init', '--sandbox', '--state', state, '--cluster', 'hello', '--service', 'hello-web']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error [INIT_FILE_EXISTS]: nothing was written; this file exists: ecs/hello-web.task.json');
    expect(refused.stderr).toContain('hint: pass --force');
    expect(existsSync(join(out, 'ecsdeploy.yaml'))).toBe(false);
    expect(readFileSync(join(out, 'ecs', 'hello-web.task.json'), 'utf8')).toBe('{"mine": true}\n');

    // The manifest, known before AWS is read, is refused before any call.
    writeFileSync(join(out, 'ecsdeploy.yaml'), 'mine: true\n');
    const early = await cli(out, ['init', '--sandbox', '--state', state, '--cluster', 'nope', '--all', '--verbose']);
    expect(early.stderr).toContain('this file exists: ecsdeploy.yaml');

    const forced = await cli(out, ['init', '--sandbox', '--state', state, '--cluster', 'hello', '--service', 'hello-web', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toBe('wrote ecs/hello-web.task.json\nwrote ecsdeploy.yaml\n');
    expect(JSON.parse(readFileSync(join(out, 'ecs', 'hello-web.task.json'), 'utf8')).family).toBe('hello-web');
  });

  it('writes where -o and --dir say, with the manifest pointing at the files', async () => {
    const account = folder('account');
    const state = join(account, 'state.json');
    await seed('rolling', undefined, state);
    const out = folder('out');
    const init = await cli(out, [
      'init',
      '--sandbox',
      '--state',
      state,
      '--cluster',
      'hello',
      '--all',
      '-o',
      'deploy/ecsdeploy.yaml',
      '--dir',
      'task-definitions',
    ]);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toBe('wrote task-definitions/hello-web.task.json\nwrote deploy/ecsdeploy.yaml\n');
    expect(readFileSync(join(out, 'deploy', 'ecsdeploy.yaml'), 'utf8')).toContain(
      'taskDefinition: ../task-definitions/hello-web.task.json\n',
    );
    const plan = await cli(out, ['plan', '--sandbox', '--state', state, '-f', 'deploy/ecsdeploy.yaml', '--detailed-exitcode']);
    expect(plan.code, plan.stderr).toBe(0);
  });

  it('asks for the services to import, and names the ones that do not exist', async () => {
    const account = folder('account');
    const state = join(account, 'state.json');
    await seed('rolling', undefined, state);
    const out = folder('out');
    const neither = await cli(out, ['init', '--sandbox', '--state', state, '--cluster', 'hello']);
    expect(neither.code).toBe(1);
    expect(neither.stderr).toContain('error [INIT_SERVICES_REQUIRED]');
    const missing = await cli(out, ['init', '--sandbox', '--state', state, '--cluster', 'hello', '--service', 'hello-wbe']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      'error [SERVICE_NOT_FOUND]: this service does not exist (or is being deleted) in the ECS cluster "hello": hello-wbe',
    );
    const noAccount = await cli(out, ['init', '--sandbox', '--state', 'typo.json', '--cluster', 'hello', '--all']);
    expect(noAccount.code).toBe(1);
    expect(noAccount.stderr).toContain('error [INIT_SANDBOX_STATE_REQUIRED]');
    expect(readdirSync(out).filter((f) => !f.startsWith('.'))).toEqual([]);
  });

  it('checks a named deployment group, and the form of the flag, before writing anything', async () => {
    const account = folder('account');
    const state = join(account, 'state.json');
    await seed('blue-green', undefined, state);
    const out = folder('out');
    const init = (flag: string) =>
      cli(out, ['init', '--sandbox', '--state', state, '--cluster', 'orders', '--all', '--deployment-group', flag]);

    const malformed = await init('orders-api');
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toContain(
      'error [INIT_DEPLOYMENT_GROUP_INVALID]: --deployment-group "orders-api": expected SERVICE=APPLICATION/GROUP',
    );
    const missing = await init('orders-api=orders/nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('error [DEPLOYMENT_GROUP_NOT_FOUND]: --deployment-group orders-api=orders/nope:');
    expect(readdirSync(out).filter((f) => !f.startsWith('.'))).toEqual([]);
  });

  it('never prints a plain secret it found, and asks for it by name instead', async () => {
    // GIVEN an account whose task definition holds a plain token and a password (a folder copied from the example)
    const work = folder('secret-example');
    const task = JSON.parse(readFileSync(join(EXAMPLES, 'rolling', 'web.task.json'), 'utf8'));
    task.containerDefinitions[0].environment.push({ name: 'STRIPE_API_KEY', value: 'sk_live_do_not_print_me' });
    writeFileSync(join(work, 'web.task.json'), JSON.stringify(task));
    writeFileSync(join(work, 'ecsdeploy.yaml'), readFileSync(join(EXAMPLES, 'rolling', 'ecsdeploy.yaml'), 'utf8'));
    const state = join(work, 'state.json');
    expect((await cli(work, ['plan', '--sandbox', '--state', state])).code).toBe(0);

    // WHEN it is imported
    const out = folder('out');
    const init = await cli(out, ['init', '--sandbox', '--state', state, '--cluster', 'hello', '--all', '--verbose']);

    // THEN the value is nowhere, in output or files, and the variable is named
    expect(init.code, init.stderr).toBe(0);
    const files = [join(out, 'ecsdeploy.yaml'), join(out, 'ecs', 'hello-web.task.json')].map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(`${init.stdout}${init.stderr}${files}`).not.toContain('sk_live_do_not_print_me');
    expect(files).toContain('"value": "${env:STRIPE_API_KEY}"');
    expect(init.stderr).toContain(
      'set these environment variables where ecsdeploy runs (CI secrets), or move the values to Secrets Manager or SSM: STRIPE_API_KEY',
    );
    expect(init.stderr).toContain('AWS calls: 3 (ECS.DescribeServices 1, ECS.DescribeTaskDefinition 1, ECS.ListServices 1)');
    const plan = await cli(out, ['plan', '--sandbox', '--state', state, '--detailed-exitcode'], {
      STRIPE_API_KEY: 'sk_live_do_not_print_me',
    });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).not.toContain('sk_live_do_not_print_me');
  });

  it('is listed by ecsdeploy --help', async () => {
    const help = await cli(tmpdir(), ['--help']);
    expect(help.stdout).toMatch(/ecsdeploy init .*--cluster/);
  });
});
