import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EngineEvent } from '../../src/events/types.js';
import { createColors, hasColor, stripAnsi, truncate, visibleWidth } from '../../src/render/ansi.js';
import { createTtyRenderer } from '../../src/render/events-tty.js';
import { circuitBreaker, collector, feed, healthyRolling, migrationFailure } from './events-fixtures.js';

const ERASE = '\u001b[0J';

function setup(opts: { color?: boolean; columns?: number; verbose?: boolean } = {}) {
  const stdout = collector();
  const stderr = collector();
  const renderer = createTtyRenderer({
    stdout: stdout.stream,
    stderr: stderr.stream,
    color: opts.color ?? false,
    verbose: opts.verbose ?? false,
    columns: opts.columns ?? 100,
  });
  return { renderer, stdout, stderr };
}

/** The live region as last drawn: what follows the last erase, without the lines printed above it. */
function lastFrame(stderr: string, regionSize: number): string[] {
  const after = stderr.slice(stderr.lastIndexOf(ERASE) + ERASE.length);
  const lines = stripAnsi(after).split('\n').slice(0, -1);
  return lines.slice(lines.length - regionSize);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('tty live view', () => {
  it('draws one line per service with phase, task counts, rollout state and elapsed event time', () => {
    const { renderer, stderr } = setup();
    const upTo40s = healthyRolling.filter((e) => e.time <= '2026-11-22T10:00:40.000Z');
    feed(renderer, upTo40s);
    renderer.flush();
    const frame = lastFrame(stderr.text(), 2);
    expect(frame[0]).toMatch(/^⠋ web +waiting +2\/2 running +IN_PROGRESS +38s for ecs-svc\/1111$/);
    expect(frame[1]).toMatch(/^⠋ worker +waiting +1\/1 running +IN_PROGRESS +38s$/);
    void renderer.finish();
  });

  it('prints service events above the live region, in arrival order, with their event time', () => {
    const { renderer, stderr } = setup();
    feed(renderer, healthyRolling.slice(0, 9));
    renderer.flush();
    const text = stripAnsi(stderr.text());
    const above = text.slice(0, text.lastIndexOf('⠋ web'));
    expect(above).toContain('10:00:02 web: deploying web:42 (from web:41) with rolling, deployment ecs-svc/1111\n');
    expect(above).toContain('10:00:10 web: (service web) has started 2 tasks: (task 0a1b2c3d) (task 4e5f6a7b).\n');
    expect(above).not.toContain('2 pending (IN_PROGRESS)'); // progress lives in the region, not in the scrollback
    void renderer.finish();
  });

  it('erases exactly the lines it drew before drawing again', () => {
    const { renderer, stderr } = setup();
    feed(renderer, healthyRolling.slice(0, 5));
    renderer.flush();
    feed(renderer, healthyRolling.slice(5, 8));
    renderer.flush();
    // The second draw moves up over the two service lines of the first.
    expect(stderr.text()).toContain(`\u001b[2F${ERASE}`);
    void renderer.finish();
  });

  it("redraws at most once per frame however many events arrive, on an unref'd timer cleared by finish", async () => {
    vi.useFakeTimers();
    const { renderer, stderr } = setup();
    let writes = 0;
    const original = stderr.stream.write.bind(stderr.stream);
    stderr.stream.write = ((...args: Parameters<typeof original>) => {
      writes += 1;
      return original(...args);
    }) as typeof stderr.stream.write;
    feed(renderer, healthyRolling.slice(0, 12));
    expect(writes).toBe(0);
    vi.advanceTimersByTime(100);
    expect(writes).toBe(1);
    expect(vi.getTimerCount()).toBe(1);
    await renderer.finish();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('leaves the final frame on stderr and prints the summary on stdout when finished', async () => {
    const { renderer, stderr, stdout } = setup();
    feed(renderer, circuitBreaker);
    await renderer.finish();
    expect(lastFrame(stderr.text(), 1)).toEqual([expect.stringMatching(/^↺ web +rolled back +web:42 \(attempted web:43\) 2m28s$/)]);
    expect(stripAnsi(stderr.text())).toContain('10:02:30 web:   stopped task 9c8b7a6d1e2f (web:43): EssentialContainerExited');
    expect(stdout.text()).toContain('Apply FAILED after 2m31s: web rolled back (ECS deployment circuit breaker: tasks failed to start.)');
    expect(stderr.text()).not.toContain('Apply FAILED');
  });

  it('shows a running one-off task in the region and its failure above it', () => {
    const { renderer, stderr } = setup();
    feed(renderer, migrationFailure.slice(0, 3));
    renderer.flush();
    expect(lastFrame(stderr.text(), 2)[1]).toMatch(/^⠋ one-off migrate running task aa11bb22cc33 0s$/);
    feed(renderer, migrationFailure.slice(3));
    renderer.flush();
    expect(stripAnsi(stderr.text())).toContain('10:00:47 one-off migrate: FAILED: container app exited with code 3\n');
    void renderer.finish();
  });

  it('cuts region lines to the terminal width so they never wrap', () => {
    const { renderer, stderr } = setup({ columns: 42 });
    feed(renderer, healthyRolling.slice(0, 10));
    renderer.flush();
    for (const l of lastFrame(stderr.text(), 2)) expect(visibleWidth(l)).toBeLessThanOrEqual(41);
    void renderer.finish();
  });

  it('moves the cursor always but colours only when colour is on', async () => {
    const plain = setup({ color: false });
    feed(plain.renderer, circuitBreaker.slice(0, 5));
    plain.renderer.flush();
    feed(plain.renderer, circuitBreaker.slice(5));
    await plain.renderer.finish();
    expect(plain.stderr.text()).toContain(ERASE);
    expect(hasColor(plain.stderr.text() + plain.stdout.text())).toBe(false);
    const coloured = setup({ color: true });
    feed(coloured.renderer, circuitBreaker);
    await coloured.renderer.finish();
    expect(hasColor(coloured.stderr.text())).toBe(true);
  });

  it('ignores event types it does not know', () => {
    const { renderer, stderr } = setup();
    const future = { time: '2026-11-22T10:00:05.000Z', level: 'info', type: 'service.paused', service: 'web' } as unknown as EngineEvent;
    renderer.emit(future);
    renderer.flush();
    expect(stderr.text()).toBe('');
    void renderer.finish();
  });
});

describe('cutting coloured lines to the terminal width', () => {
  const c = createColors(true);

  it('leaves a line that fits untouched', () => {
    const line = `${c.green('✔')} web`;
    expect(truncate(line, 5)).toBe(line);
  });

  it('cuts by visible characters, keeps the escape sequences and resets colour at the cut', () => {
    const cut = truncate(`${c.red('abcdef')}ghij`, 5);
    expect(stripAnsi(cut)).toBe('abcd…');
    expect(cut.endsWith('\u001b[0m')).toBe(true);
    expect(visibleWidth(cut)).toBe(5);
  });

  it('adds no escape sequence when cutting an uncoloured line', () => {
    expect(truncate('abcdefghij', 4)).toBe('abc…');
  });
});
