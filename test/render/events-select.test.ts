import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/events/types.js';
import { hasColor } from '../../src/render/ansi.js';
import { createEventRenderer, type EventRendererOptions, resolveEventFormat } from '../../src/render/events-select.js';
import { circuitBreaker, collector, feed, healthyRolling } from './events-fixtures.js';

const terminal = { format: 'auto', isTTY: true, isCI: false, color: true, columns: 120, verbose: false, env: {} } as const;

async function run(options: Omit<EventRendererOptions, 'stdout' | 'stderr'>, events: readonly EngineEvent[]) {
  const stdout = collector();
  const stderr = collector();
  const renderer = createEventRenderer({ ...options, stdout: stdout.stream, stderr: stderr.stream });
  feed(renderer, events);
  await renderer.finish();
  return { stdout: stdout.text(), stderr: stderr.text() };
}

describe('choosing an event renderer', () => {
  it('draws the live view on an interactive terminal outside CI', () => {
    expect(resolveEventFormat(terminal)).toBe('tty');
  });

  it('falls back to the plain log in CI, in pipes, on narrow terminals and with --verbose', () => {
    expect(resolveEventFormat({ ...terminal, isCI: true })).toBe('plain');
    expect(resolveEventFormat({ ...terminal, isTTY: false })).toBe('plain');
    expect(resolveEventFormat({ ...terminal, columns: 40 })).toBe('plain');
    expect(resolveEventFormat({ ...terminal, columns: 41 })).toBe('tty');
    expect(resolveEventFormat({ ...terminal, verbose: true })).toBe('plain');
  });

  it('honours an explicit format whatever the terminal', () => {
    expect(resolveEventFormat({ ...terminal, format: 'plain' })).toBe('plain');
    expect(resolveEventFormat({ ...terminal, format: 'json' })).toBe('json');
    expect(resolveEventFormat({ ...terminal, isTTY: false, isCI: true, format: 'tty' })).toBe('tty');
  });

  it('puts only NDJSON on stdout and nothing on stderr in json format', async () => {
    const out = await run({ ...terminal, format: 'json' }, circuitBreaker);
    expect(out.stderr).toBe('');
    for (const l of out.stdout.trimEnd().split('\n')) expect(() => JSON.parse(l)).not.toThrow();
    expect(out.stdout).not.toContain('Apply FAILED');
  });

  it('sends progress to stderr and the summary to stdout in plain format', async () => {
    const out = await run({ ...terminal, format: 'plain', color: false }, healthyRolling);
    expect(out.stderr).toContain('10:00:02 web: deploying web:42');
    expect(out.stdout).not.toContain('deploying');
    expect(out.stdout).toContain('Apply succeeded in 2m14s');
  });

  it('sends the live view to stderr and the summary to stdout on a terminal', async () => {
    const out = await run(terminal, healthyRolling);
    expect(out.stderr).toContain('\u001b[');
    expect(out.stderr).not.toContain('Apply succeeded');
    expect(out.stdout).toContain('Apply succeeded in 2m14s');
  });

  it('turns GitHub Actions commands on only when GITHUB_ACTIONS is "true"', async () => {
    const on = await run({ ...terminal, format: 'auto', isCI: true, color: false, env: { GITHUB_ACTIONS: 'true' } }, circuitBreaker);
    expect(on.stderr).toContain('::group::deploy web');
    expect(on.stdout).toContain('::error title=');
    const off = await run({ ...terminal, isCI: true, color: false, env: { GITHUB_ACTIONS: 'false' } }, circuitBreaker);
    expect(off.stderr + off.stdout).not.toContain('::');
  });

  it('passes the colour setting through to the plain log', async () => {
    const coloured = await run({ ...terminal, isCI: true, color: true }, circuitBreaker);
    expect(hasColor(coloured.stderr)).toBe(true);
    const uncoloured = await run({ ...terminal, isCI: true, color: false }, circuitBreaker);
    expect(hasColor(uncoloured.stderr + uncoloured.stdout)).toBe(false);
  });
});
