/**
 * Ctrl-C before anything changed: `ecsdeploy apply` stops, changes nothing, and exits 130 (interrupted), never 0 or
 * 1, wherever the Ctrl-C lands: while the account is read, at the confirmation prompt, or as the run takes its
 * locks. The real CLI against one in-process sandbox account; the first Ctrl-C is the context's signal.
 */
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/clients.js';
import type { CliContext } from '../../src/cli/context.js';
import { loadManifest } from '../../src/manifest/index.js';
import { cli, ofType } from '../_helpers/cli.js';
import { type InProcessSandbox, startInProcessSandbox } from '../_helpers/sandbox.js';

const cwd = resolve(__dirname, '../../examples/rolling');
const env = { IMAGE_TAG: '1.2.3' };

/** A sandbox seeded from the rolling example, and the task definition its service runs. */
async function seeded(): Promise<{ sb: InProcessSandbox; running: string | undefined }> {
  const sb = startInProcessSandbox({ manifest: loadManifest({ cwd, env }) });
  const running = await serviceRevision(sb);
  return { sb, running };
}

async function serviceRevision(sb: InProcessSandbox): Promise<string | undefined> {
  const out = await createAwsPorts(sb.awsConfig()).ecs.describeServices({ cluster: 'hello', services: ['hello-web'] });
  return out.services?.[0]?.taskDefinition;
}

/** A context on sandbox ports where Ctrl-C is pressed right before the first call of `operation`. */
function pressingCtrlC(sb: InProcessSandbox, operation: 'describeServices' | 'tagResource'): Partial<CliContext> {
  const ctl = new AbortController();
  return {
    clock: sb.clock,
    signal: ctl.signal,
    portsFactory: () => {
      const ports = createAwsPorts(sb.awsConfig());
      const call = ports.ecs[operation] as unknown as (input: unknown, options?: { signal?: AbortSignal }) => Promise<unknown>;
      ports.ecs[operation] = ((input: unknown, options?: { signal?: AbortSignal }) => {
        if (!ctl.signal.aborted) ctl.abort(new Error('received SIGINT'));
        return call(input, options);
      }) as never;
      return ports;
    },
  };
}

function changes(sb: InProcessSandbox): Record<string, number> {
  return Object.fromEntries(Object.entries(sb.runtime.calls().counts).filter(([k]) => !/\.(Describe|List|Get)/.test(k)));
}

describe('Ctrl-C before any change', () => {
  it('while the account is being read: exits 130 and changes nothing', async () => {
    const { sb, running } = await seeded();
    const r = await cli(['apply', '--yes', '--format', 'json'], { cwd, env, context: pressingCtrlC(sb, 'describeServices') });
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/interrupted/);
    expect(ofType(r.events, 'apply.started')).toEqual([]);
    expect(changes(sb)).toEqual({});
    expect(await serviceRevision(sb)).toBe(running);
  });

  it('at the confirmation prompt: exits 130 and changes nothing', async () => {
    const { sb, running } = await seeded();
    const ctl = new AbortController();
    // The prompt starts reading its answer: that is when the user presses Ctrl-C.
    const stdin = new Readable({
      read() {
        ctl.abort(new Error('received SIGINT'));
      },
    });
    const r = await cli(['apply', '--format', 'plain'], {
      cwd,
      env,
      context: { clock: sb.clock, signal: ctl.signal, portsFactory: () => createAwsPorts(sb.awsConfig()), stdinIsTTY: true, stdin },
    });
    expect(r.stderr).toContain('Apply this plan? (y/N)');
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/interrupted/);
    expect(changes(sb)).toEqual({});
    expect(await serviceRevision(sb)).toBe(running);
  });

  it('as the run takes its locks: exits 130, deploys nothing and releases the lock', async () => {
    const { sb, running } = await seeded();
    const r = await cli(['apply', '--yes', '--format', 'json'], { cwd, env, context: pressingCtrlC(sb, 'tagResource') });
    expect(r.code).toBe(130);
    expect(ofType(r.events, 'apply.finished')[0]).toMatchObject({ outcome: 'interrupted', services: [{ key: 'web', outcome: 'skipped' }] });
    // Only the lock was written, and taken away again.
    expect(changes(sb)).toEqual({ 'ecs.TagResource': 1, 'ecs.UntagResource': 1 });
    expect(await serviceRevision(sb)).toBe(running);
  });
});
