/**
 * `ecsdeploy apply plan.json` refuses a saved plan when anything moved since it was made (house rule 2), even when
 * exactly one thing moved, and says what; nothing in the account changes. The real CLI, one sandbox account.
 */
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/clients.js';
import { loadManifest } from '../../src/manifest/index.js';
import { cli, ofType, sandboxContext } from '../_helpers/cli.js';
import { type InProcessSandbox, startInProcessSandbox } from '../_helpers/sandbox.js';

const ENV = { IMAGE_TAG: '1.2.3' };

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'ecsdeploy-saved-plan-'));
  cpSync(resolve(__dirname, '../../examples/rolling'), cwd, { recursive: true });
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

/** A sandbox seeded from the copied example, and a plan of it saved to plan.json. */
async function planned(): Promise<InProcessSandbox> {
  const sb = startInProcessSandbox({ manifest: loadManifest({ cwd, env: ENV }) });
  const p = await cli(['plan', '--out', 'plan.json'], { cwd, env: ENV, context: sandboxContext(sb) });
  expect(p.code).toBe(0);
  return sb;
}

/** Applies plan.json and checks it was refused before any change, for exactly the reasons in `moved`. */
async function refused(sb: InProcessSandbox, moved: RegExp[]): Promise<void> {
  const before = { ...sb.runtime.calls().counts };
  const r = await cli(['apply', 'plan.json', '--format', 'json'], { cwd, env: ENV, context: sandboxContext(sb) });
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/error \[PLAN_STALE\]: the saved plan is stale/);
  const reasons = r.stderr.split('\n').filter((l) => l.startsWith('  - '));
  expect(reasons).toEqual(moved.map((m) => expect.stringMatching(m)));
  expect(ofType(r.events, 'apply.started')).toEqual([]);
  // Only reads: no lock taken, nothing registered or updated.
  const after = sb.runtime.calls().counts;
  const changed = Object.keys(after).filter((k) => after[k] !== before[k] && !/\.(Describe|List|Get)/.test(k));
  expect(changed).toEqual([]);
}

describe('a saved plan where exactly one thing moved', () => {
  it('is refused when only the live desired count moved (say, autoscaling)', async () => {
    const sb = await planned();
    await createAwsPorts(sb.awsConfig()).ecs.updateService({ cluster: 'hello', service: 'hello-web', desiredCount: 3 });
    await refused(sb, [/^ {2}- service web \(hello\/hello-web\): desired count 2 → 3$/]);
  });

  it('is refused when only the manifest file changed, even where it changes nothing deployed', async () => {
    const sb = await planned();
    appendFileSync(join(cwd, 'ecsdeploy.yaml'), '# a comment added after the plan was made\n');
    await refused(sb, [/^ {2}- manifest ecsdeploy\.yaml changed \(digest [0-9a-f]{12} → [0-9a-f]{12}\)$/]);
  });

  it('is applied when nothing moved', async () => {
    const sb = await planned();
    const r = await cli(['apply', 'plan.json', '--format', 'json'], { cwd, env: ENV, context: sandboxContext(sb) });
    expect(r.code).toBe(0);
    expect(ofType(r.events, 'apply.finished')[0]?.outcome).toBe('succeeded');
  });
});

describe('a plan saved with overrides', () => {
  /** The service's image tag and desired count in the account. */
  async function deployed(sb: InProcessSandbox): Promise<{ image: string | undefined; desiredCount: number | undefined }> {
    const ports = createAwsPorts(sb.awsConfig());
    const svc = (await ports.ecs.describeServices({ cluster: 'hello', services: ['hello-web'] })).services?.[0];
    const td = (await ports.ecs.describeTaskDefinition({ taskDefinition: svc?.taskDefinition as string })).taskDefinition;
    return { image: td?.containerDefinitions?.[0]?.image?.split(':').at(-1), desiredCount: svc?.desiredCount };
  }

  it('is applied with them, without the flags given again, from another folder too', async () => {
    const sb = startInProcessSandbox({ manifest: loadManifest({ cwd, env: ENV }) });
    mkdirSync(join(cwd, 'plans'));
    const p = await cli(['plan', '--out', 'plans/plan.json', '--var', 'tag=2.0.0', '-D', '3'], {
      cwd,
      env: ENV,
      context: sandboxContext(sb),
    });
    expect(p.code, p.stderr).toBe(0);
    const saved = JSON.parse(readFileSync(join(cwd, 'plans', 'plan.json'), 'utf8'));
    expect(saved.overrides).toEqual({ images: [], vars: [{ name: 'tag', value: '2.0.0' }], desiredCount: 3 });
    expect(saved.manifest.fromPlan).toBe('../ecsdeploy.yaml');
    // Applied later, from another folder, with no flag: the plan knows its manifest and its overrides.
    const elsewhere = mkdtempSync(join(tmpdir(), 'ecsdeploy-elsewhere-'));
    try {
      const r = await cli(['apply', join(cwd, 'plans', 'plan.json'), '--format', 'json'], {
        cwd: elsewhere,
        env: ENV,
        context: sandboxContext(sb),
      });
      expect(r.code, r.stderr).toBe(0);
      expect(ofType(r.events, 'apply.finished')[0]?.outcome).toBe('succeeded');
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
    expect(await deployed(sb)).toEqual({ image: '2.0.0', desiredCount: 3 });
  });

  it('refuses flags that differ from the ones it was made with, before any change', async () => {
    const sb = startInProcessSandbox({ manifest: loadManifest({ cwd, env: ENV }) });
    expect((await cli(['plan', '--out', 'plan.json', '--var', 'tag=2.0.0'], { cwd, env: ENV, context: sandboxContext(sb) })).code).toBe(0);
    const before = { ...sb.runtime.calls().counts };
    const r = await cli(['apply', 'plan.json', '--var', 'tag=3.0.0', '-D', '5'], { cwd, env: ENV, context: sandboxContext(sb) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error [PLAN_OVERRIDES_DIFFER]: plan.json was made with other overrides than this command gives:');
    expect(r.stderr).toContain('  - --desired-count 5 (the plan was made with none)');
    expect(r.stderr).toContain('  - --var tag=3.0.0 (the plan was made with tag=2.0.0)');
    expect(sb.runtime.calls().counts).toEqual(before);
  });

  it('holds no variable value that may be secret: it must be given again, and is checked by the plan’s digests', async () => {
    // The service gets API_TOKEN from a variable.
    appendFileSync(join(cwd, 'ecsdeploy.yaml'), `    environment: { web: { API_TOKEN: "\${var:token}" } }\n`);
    const sb = startInProcessSandbox({ manifest: loadManifest({ cwd, env: ENV, vars: ['token=placeholder-token-value'] }) });
    const secret = 'tok-8f3a9c1e5b7d2046';
    const p = await cli(['plan', '--out', 'plan.json', '--var', `token=${secret}`], { cwd, env: ENV, context: sandboxContext(sb) });
    expect(p.code, p.stderr).toBe(0);
    const text = readFileSync(join(cwd, 'plan.json'), 'utf8');
    expect(text).not.toContain(secret);
    expect(JSON.parse(text).overrides.vars).toEqual([{ name: 'token', sensitive: true }]);

    const missing = await cli(['apply', 'plan.json'], { cwd, env: ENV, context: sandboxContext(sb) });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('--var token is missing: the plan was made with it, and its value may be secret');
    const wrong = await cli(['apply', 'plan.json', '--var', 'token=not-the-same-one'], { cwd, env: ENV, context: sandboxContext(sb) });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('error [PLAN_STALE]');
    expect(wrong.stderr).not.toContain('not-the-same-one');
    const right = await cli(['apply', 'plan.json', '--var', `token=${secret}`], { cwd, env: ENV, context: sandboxContext(sb) });
    expect(right.code, right.stderr).toBe(0);
  });

  it('with lookups too: applied with its overrides, and refused, naming the lookup, when one changed since', async () => {
    const sb = startInProcessSandbox({ manifest: loadManifest({ cwd, env: ENV }) });
    // The service gets QUEUE from a local Terraform state (a lookup: read again when the plan is applied).
    const file = join(cwd, 'ecsdeploy.yaml');
    const state = (queue: string) =>
      writeFileSync(join(cwd, 'app.tfstate'), JSON.stringify({ version: 4, outputs: { queue: { value: queue } }, resources: [] }));
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('region: us-east-1\n', 'region: us-east-1\ntfstate:\n  app: { path: ./app.tfstate }\n'),
    );
    appendFileSync(file, `    environment: { web: { QUEUE: "\${tfstate:output.queue}" } }\n`);
    state('jobs-1');
    const flags = ['--var', 'tag=2.0.0', '-D', '3'];
    const p = await cli(['plan', '--out', 'plan.json', ...flags], { cwd, env: ENV, context: sandboxContext(sb) });
    expect(p.code, p.stderr).toBe(0);
    const saved = JSON.parse(readFileSync(join(cwd, 'plan.json'), 'utf8'));
    expect(saved.overrides).toMatchObject({ vars: [{ name: 'tag', value: '2.0.0' }], desiredCount: 3 });
    expect(saved.lookups).toEqual([
      { lookup: 'tfstate:output.queue', at: [expect.stringMatching(/^ecsdeploy\.yaml:\d+:\d+$/)], fingerprint: expect.any(String) },
    ]);

    const applied = await cli(['apply', 'plan.json', '--format', 'json'], { cwd, env: ENV, context: sandboxContext(sb) });
    expect(applied.code, applied.stderr).toBe(0);
    expect(await deployed(sb)).toEqual({ image: '2.0.0', desiredCount: 3 });

    // A second plan, with the same flags; then the state moves before it is applied.
    expect((await cli(['plan', '--out', 'again.json', ...flags], { cwd, env: ENV, context: sandboxContext(sb) })).code).toBe(0);
    state('jobs-2');
    const before = { ...sb.runtime.calls().counts };
    const r = await cli(['apply', 'again.json'], { cwd, env: ENV, context: sandboxContext(sb) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error [PLAN_STALE]');
    expect(r.stderr).toMatch(
      /lookup \$\{tfstate:output\.queue\} \(ecsdeploy\.yaml:\d+:\d+\) has a different value than when the plan was made/,
    );
    expect(r.stderr).not.toContain('PLAN_OVERRIDES_DIFFER');
    const after = sb.runtime.calls().counts;
    expect(Object.keys(after).filter((k) => after[k] !== before[k] && !/\.(Describe|List|Get)/.test(k))).toEqual([]);
  });
});
