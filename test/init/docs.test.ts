/**
 * docs/init.md shows what `init` writes for examples/rolling; this keeps that true: the manifest and the task
 * definition file in the page are exactly what the CLI writes for an account seeded from the example.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { capture } from '../_helpers/capture.js';

const ROOT = resolve(__dirname, '../..');

function blocks(markdown: string, language: string): string[] {
  return [...markdown.matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((m) => m[1] as string);
}

async function cli(cwd: string, args: string[]): Promise<number> {
  return run(args, { env: {}, cwd, stdout: capture().stream, stderr: capture().stream, isTTY: false, isCI: true });
}

it('docs/init.md shows exactly what init writes for the rolling example', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-init-docs-'));
  try {
    const state = join(dir, 'state.json');
    expect(await cli(join(ROOT, 'examples', 'rolling'), ['plan', '--sandbox', '--state', state])).toBe(0);
    expect(await cli(dir, ['init', '--sandbox', '--state', state, '--cluster', 'hello', '--all'])).toBe(0);
    const page = readFileSync(join(ROOT, 'docs', 'init.md'), 'utf8');
    expect(blocks(page, 'yaml')[0]).toBe(readFileSync(join(dir, 'ecsdeploy.yaml'), 'utf8'));
    expect(blocks(page, 'json')[0]).toBe(readFileSync(join(dir, 'ecs', 'hello-web.task.json'), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
