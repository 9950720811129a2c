/**
 * The moto helper leaves no server running: not after `stop()`, and not when the process that started it dies
 * without stopping it (a worker vitest kills after a timeout, a crash).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { motoAvailable, startMoto } from './moto.js';
import { waitFor } from './sandbox.js';

const available = motoAvailable();

/** Pids of the moto_server processes listening on `port` (from /proc: no pgrep needed). */
function motoPids(port: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (argv.some((a) => a.endsWith('moto_server')) && argv.includes(String(port))) pids.push(Number(entry));
  }
  return pids;
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    await fetch(`${endpoint}/moto-api/`);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!available || process.platform !== 'linux')('the moto helper', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-moto-helper-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stops the server on stop()', async () => {
    const moto = await startMoto();
    expect(motoPids(moto.port)).toHaveLength(1);
    await moto.stop();
    expect(motoPids(moto.port)).toEqual([]);
    expect(await answers(moto.endpoint)).toBe(false);
  });

  it('stops the server when the process that started it is killed without stopping it', async () => {
    // A separate Node process plays the test worker: it starts moto through this helper, then dies by SIGKILL.
    const helper = join(dir, 'moto.mjs');
    await build({ entryPoints: [join(__dirname, 'moto.ts')], outfile: helper, bundle: true, platform: 'node', format: 'esm' });
    const script = join(dir, 'worker.mjs');
    writeFileSync(
      script,
      `import { startMoto } from './moto.mjs';\nconst m = await startMoto();\nconsole.log(m.port);\nsetInterval(() => {}, 1000);\n`,
    );
    const worker = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    worker.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    const port = await waitFor(() => {
      const printed = /^(\d+)\n/.exec(out)?.[1];
      return printed ? Number(printed) : undefined;
    }, 30_000);
    expect(motoPids(port)).toHaveLength(1);
    worker.kill('SIGKILL');
    await waitFor(() => (motoPids(port).length === 0 ? true : undefined), 10_000);
    expect(await answers(`http://127.0.0.1:${port}`)).toBe(false);
  });
});
