// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are manifest lookup syntax, not templates
/**
 * The commands that do not read AWS and lookups: validate and render work without AWS (lookups shown as written),
 * render --resolve-lookups reads a local Terraform state without AWS, and the sandbox server refuses to seed an
 * account from placeholders.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../manifest/run-cli.js';

function project(manifest: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-lookups-cli-'));
  writeFileSync(join(dir, 'ecsdeploy.yaml'), manifest);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const LOCAL = `version: 1
tfstate:
  app: { path: ./app.tfstate }
services:
  web:
    cluster: \${tfstate:output.cluster}
    taskDefinition: { family: web, containerDefinitions: [{ name: web, image: "nginx:1" }] }
    environment:
      web:
        QUEUE: q-\${tfstate:aws_sqs_queue.jobs["a"].name}
`;
const STATE = JSON.stringify({
  version: 4,
  outputs: { cluster: { value: 'shop' } },
  resources: [{ mode: 'managed', type: 'aws_sqs_queue', name: 'jobs', instances: [{ index_key: 'a', attributes: { name: 'jobs-a' } }] }],
});

describe('lookups on the commands that do not read AWS', () => {
  it('validate checks a manifest with lookups without AWS (no region, no credentials)', async () => {
    const r = await runCli(['validate'], { cwd: project(LOCAL) });
    expect(r).toEqual({ code: 0, stdout: '', stderr: 'ecsdeploy.yaml: valid (1 service)\n' });
  });

  it('render shows them as written, with where they are written', async () => {
    const r = await runCli(['render'], { cwd: project(LOCAL) });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.services[0].cluster).toBe('${tfstate:output.cluster}');
    expect(out.services[0].environment.web.QUEUE).toBe('q-${tfstate:aws_sqs_queue.jobs["a"].name}');
    expect(out.lookups).toEqual([
      { lookup: 'tfstate:output.cluster', at: ['ecsdeploy.yaml:6:14'], read: false },
      { lookup: 'tfstate:aws_sqs_queue.jobs["a"].name', at: ['ecsdeploy.yaml:10:18'], read: false },
    ]);
  });

  it('render --resolve-lookups reads a local Terraform state with no AWS at all', async () => {
    const r = await runCli(['render', '--resolve-lookups'], { cwd: project(LOCAL, { 'app.tfstate': STATE }) });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.services[0].cluster).toBe('shop');
    expect(out.services[0].environment.web.QUEUE).toBe('q-jobs-a');
    expect(out.lookups).toEqual([
      { lookup: 'tfstate:output.cluster', at: ['ecsdeploy.yaml:6:14'], read: true },
      { lookup: 'tfstate:aws_sqs_queue.jobs["a"].name', at: ['ecsdeploy.yaml:10:18'], read: true },
    ]);
  });

  it.each([
    ['an environment variable named like a secret', '', 'DB_PASSWORD: ${ssm:/shop/db-password}'],
    ['a variable named like a secret', 'vars:\n  db_password: ${ssm:/shop/db-password}\n', 'DB: ${var:db_password}'],
  ])('a lookup not read yet in %s is not remembered as a secret: the next manifest shows its own lookups', async (_, vars, variable) => {
    // A placeholder is no value. Remembered, it would mask the lookup in the same place of every later manifest of
    // the process (the first lookup of each here), though that one is no secret.
    const manifest = (vars: string, env: string) => `version: 1
${vars}services:
  web:
    cluster: shop
    taskDefinition: { family: web, containerDefinitions: [{ name: web, image: "nginx:1" }] }
    environment:
      web:
        ${env}
`;
    const first = await runCli(['render'], { cwd: project(manifest(vars, variable)) });
    expect(first.code, first.stderr).toBe(0);
    const r = await runCli(['render'], { cwd: project(manifest('', 'QUEUE: q-${ssm:/shop/queue}')) });
    expect(JSON.parse(r.stdout).services[0].environment.web.QUEUE).toBe('q-${ssm:/shop/queue}');
  });

  it('the sandbox server refuses to seed an account from a manifest whose lookups are not read', async () => {
    const r = await runCli(['sandbox', '--seed', 'ecsdeploy.yaml'], { cwd: project(LOCAL) });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'error [SANDBOX_SEED_HAS_LOOKUPS]: cannot seed the sandbox from ecsdeploy.yaml: its lookups are not read here (${tfstate:output.cluster}, ${tfstate:aws_sqs_queue.jobs["a"].name})\n' +
        'hint: seed it with `ecsdeploy plan --sandbox --state FILE` (which reads them), then serve it with `ecsdeploy sandbox --state FILE`\n',
    );
  });
});
