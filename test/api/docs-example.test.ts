/**
 * The example of docs/library.md runs as written: `node` runs it in a folder holding the rolling example's manifest,
 * with `ecsdeploy` installed as a link to this repository, so the import goes through package.json's `exports` map
 * to the built dist/index.mjs (`npm test` builds first). The same example runs from the installed tarball in
 * test/package/. The README's shorter example runs the same way.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeBlocks } from './markdown.js';

const ROOT = resolve(__dirname, '../..');

describe('docs/library.md', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'ecsdeploy-library-doc-'));
    for (const name of ['ecsdeploy.yaml', 'web.task.json']) copyFileSync(join(ROOT, 'examples', 'rolling', name), join(work, name));
    mkdirSync(join(work, 'node_modules'));
    symlinkSync(ROOT, join(work, 'node_modules', 'ecsdeploy'), 'dir');
  });
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('its example plans and deploys the manifest in a sandbox, and says so', () => {
    expect(existsSync(join(ROOT, 'dist', 'index.mjs')), 'dist/index.mjs is missing: run `npm run build`').toBe(true);
    const [example] = codeBlocks('docs/library.md', 'js');
    expect(example).toContain("from 'ecsdeploy'");
    writeFileSync(join(work, 'deploy.mjs'), example as string);

    const run = spawnSync(process.execPath, ['deploy.mjs'], {
      cwd: work,
      encoding: 'utf8',
      // Not AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: the library keeps the SDK's Node 20 notice quiet itself.
      env: { PATH: process.env.PATH },
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')).toEqual(['web: update', 'web: succeeded', 'deploy succeeded', '']);
  });

  it('its example reports an invalid manifest with every issue, FILE:LINE:COL, and exits 1', () => {
    const [example] = codeBlocks('docs/library.md', 'js');
    writeFileSync(join(work, 'deploy.mjs'), example as string);
    const manifest = readFileSync(join(work, 'ecsdeploy.yaml'), 'utf8');
    writeFileSync(join(work, 'ecsdeploy.yaml'), manifest.replace('desiredCount: 2', 'desiredCount: many'));
    try {
      const run = spawnSync(process.execPath, ['deploy.mjs'], {
        cwd: work,
        encoding: 'utf8',
        env: { PATH: process.env.PATH },
        timeout: 60_000,
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/^ecsdeploy\.yaml:\d+:\d+: services\.web\.desiredCount: /m);
    } finally {
      writeFileSync(join(work, 'ecsdeploy.yaml'), manifest);
    }
  });

  it('the README example deploys too', () => {
    const [example] = codeBlocks('README.md', 'js');
    expect(example).toContain("from 'ecsdeploy'");
    writeFileSync(join(work, 'readme.mjs'), example as string);
    const run = spawnSync(process.execPath, ['readme.mjs'], {
      cwd: work,
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toContain('apply.started');
    expect(lines).toContain('service.finished');
    expect(lines.at(-1)).toBe('succeeded');
  });
});
