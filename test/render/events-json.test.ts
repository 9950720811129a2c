import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/events/types.js';
import { createJsonRenderer } from '../../src/render/events-json.js';
import { circuitBreaker, collector, dryRun, feed, healthyRolling } from './events-fixtures.js';

async function renderJson(events: readonly EngineEvent[], verbose = false): Promise<string> {
  const stdout = collector();
  const renderer = createJsonRenderer({ stdout: stdout.stream, verbose });
  feed(renderer, events);
  await renderer.finish();
  return stdout.text();
}

describe('NDJSON event stream', () => {
  it('writes each event as one JSON line that parses back to the same event', async () => {
    const text = await renderJson(healthyRolling);
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(healthyRolling.length);
    expect(lines.map((l) => JSON.parse(l))).toEqual(healthyRolling);
  });

  it('keeps failure detail (stopped tasks, exit codes) in the stream', async () => {
    const parsed = (await renderJson(circuitBreaker))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as EngineEvent);
    const finished = parsed.find((e) => e.type === 'service.finished');
    expect(finished).toMatchObject({ outcome: 'rolled-back', reason: 'ECS deployment circuit breaker: tasks failed to start.' });
    const stopped = finished?.type === 'service.finished' ? finished.stoppedTasks : undefined;
    expect(stopped?.[0]?.containers[0]).toEqual({ name: 'app', exitCode: 1 });
    expect(stopped?.[1]?.stopCode).toBe('TaskFailedToStart');
  });

  it('drops debug events unless verbose', async () => {
    const quiet = (await renderJson(dryRun))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as EngineEvent);
    expect(quiet.some((e) => e.level === 'debug')).toBe(false);
    expect(quiet).toHaveLength(dryRun.length - 1);
    const verbose = (await renderJson(dryRun, true)).trimEnd().split('\n');
    expect(verbose).toHaveLength(dryRun.length);
  });
});
