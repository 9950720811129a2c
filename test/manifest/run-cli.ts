/** Runs the CLI in-process with collecting streams (no AWS: the commands under test never build ports). */
import { PassThrough } from 'node:stream';
import { run } from '../../src/cli/main.js';

export { REPO } from './paths.js';
import { REPO } from './paths.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (b: Buffer) => out.push(b));
  stderr.on('data', (b: Buffer) => err.push(b));
  const code = await run(argv, {
    cwd: options.cwd ?? REPO,
    env: options.env ?? {},
    stdin: new PassThrough(),
    stdout,
    stderr,
    isTTY: false,
    stdinIsTTY: false,
    isCI: true,
    columns: 120,
    portsFactory: () => {
      throw new Error('this command must not build AWS ports');
    },
  });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}
