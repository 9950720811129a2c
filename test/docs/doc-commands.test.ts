/**
 * The sandbox command lines a newcomer copies from README.md (the opening deployment) and docs/blue-green.md (the
 * CodeDeploy and ECS-native rehearsals) run exactly as shown, from the repository, and end as the text says. The
 * canary line and the `ecsdeploy run` session are run by test/e2e/canary-sandbox.test.ts and tasks-sandbox.test.ts.
 * Each line is read from the doc, so a doc edit that breaks a command breaks this test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ofType } from '../_helpers/cli.js';
import { REPO } from '../manifest/paths.js';

/** The command lines of the ```sh blocks of a doc (continuations joined, comments dropped). */
function shellLines(file: string): string[] {
  const text = readFileSync(join(REPO, file), 'utf8');
  return [...text.matchAll(/^```sh\n([\s\S]*?)^```/gm)].flatMap((m) =>
    (m[1] as string)
      .replace(/\\\n\s*/g, '')
      .split('\n')
      .map((l) => l.replace(/\s+#.*$/, '').trim())
      .filter((l) => l && !l.startsWith('#')),
  );
}

/** `[VAR=value ...] npx ecsdeploy ARGS` → the environment and the arguments, with `--format json` for the events. */
function parse(line: string): { env: Record<string, string>; args: string[] } {
  const words = line.split(/\s+/);
  const env: Record<string, string> = {};
  while (/^[A-Z_]+=/.test(words[0] ?? '')) {
    const [name, value] = (words.shift() as string).split('=');
    env[name as string] = value as string;
  }
  expect(words.slice(0, 2)).toEqual(['npx', 'ecsdeploy']);
  return { env, args: [...words.slice(2), '--format', 'json'] };
}

function lineWith(file: string, ...parts: string[]): string {
  const line = shellLines(file).find((l) => parts.every((p) => l.includes(p)));
  expect(line, `${file}: a command line with ${parts.join(', ')}`).toBeDefined();
  return line as string;
}

async function runLine(line: string) {
  const { env, args } = parse(line);
  return cli(args, { cwd: REPO, env });
}

describe("README's opening command", () => {
  it('deploys examples/multi to the sandbox: the migration, three services in dependency order, the scheduled target moved; exit 0', async () => {
    const line = lineWith('README.md', 'examples/multi/ecsdeploy.yaml', '--sandbox');
    expect(line).toBe('npm ci && npx ecsdeploy apply --sandbox -f examples/multi/ecsdeploy.yaml --env staging --yes');
    const r = await runLine(line.replace(/^npm ci && /, ''));
    expect(r.code).toBe(0);
    expect(ofType(r.events, 'oneoff.finished').map((e) => [e.name, e.outcome])).toEqual([['migrate', 'succeeded']]);
    const finished = ofType(r.events, 'service.finished');
    expect(finished.map((e) => e.service)).toEqual(['api', expect.any(String), expect.any(String)]);
    expect(finished.map((e) => e.outcome)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(ofType(r.events, 'scheduled-target.updated')).toHaveLength(1);
  });
});

describe("docs/blue-green.md's sandbox rehearsals", () => {
  it('CodeDeploy, a healthy release: test traffic and production traffic gates pass, exit 0', async () => {
    const r = await runLine(lineWith('docs/blue-green.md', 'examples/blue-green/', 'healthy-canary.yaml'));
    expect(r.code).toBe(0);
    const gates = ofType(r.events, 'gate.finished').map((e) => [e.gate, e.verdict]);
    expect(gates).toEqual([
      ['test-traffic', 'pass'],
      ['production-traffic', 'pass'],
    ]);
  });

  it('CodeDeploy, a bad release: caught on test traffic and stopped with rollback before production saw it, exit 1', async () => {
    const r = await runLine(lineWith('docs/blue-green.md', 'examples/blue-green/', 'bad-release.yaml'));
    expect(r.code).toBe(1);
    const [stopped] = ofType(r.events, 'codedeploy.stopped');
    expect(stopped).toMatchObject({ trigger: 'gate', trafficRestored: true, productionWeight: 0 });
  });

  it('ECS-native linear: a healthy release goes through every step, exit 0', async () => {
    const r = await runLine(lineWith('docs/blue-green.md', 'examples/ecs-native/', '-n linear'));
    expect(r.code).toBe(0);
    expect(ofType(r.events, 'service.finished').map((e) => [e.service, e.outcome])).toEqual([['linear', 'succeeded']]);
  });

  it('ECS-native blue-green, a bad release: rolled back at the test-traffic gate with production at 0 %, exit 1', async () => {
    const r = await runLine(lineWith('docs/blue-green.md', 'examples/ecs-native/', '-n blue-green', 'bad-release.yaml'));
    expect(r.code).toBe(1);
    const holds = ofType(r.events, 'ecs-native.hold').filter((e) => e.decision === 'rollback');
    expect(holds).toMatchObject([{ gate: 'test-traffic', productionWeight: 0 }]);
    expect(ofType(r.events, 'service.finished').map((e) => e.outcome)).toEqual(['rolled-back']);
  });
});
