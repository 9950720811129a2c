/**
 * What people see of a canary: the events of a real canary run on the sandbox (bad-release.yaml, caught at step 1;
 * until-approved, paused), rendered by the live view (the gate metrics charted against their limits), the plain
 * log (a line per step with its weight and verdict, the evidence of an abort, the commands of a pause) and the
 * Markdown step summary (a table of steps and verdicts).
 */
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/events/types.js';
import { stripAnsi } from '../../src/render/ansi.js';
import { describeEvent } from '../../src/render/events-lines.js';
import { renderApplySummaryMarkdown } from '../../src/render/events-markdown.js';
import { createTtyRenderer } from '../../src/render/events-tty.js';
import { cli } from '../_helpers/cli.js';
import { canaryExample, canaryWorld, ENV } from '../e2e/canary-world.js';
import { collector } from './events-fixtures.js';

async function badRelease(): Promise<EngineEvent[]> {
  const world = canaryWorld({ scenario: 'bad-release.yaml' });
  return (await cli(['apply', '--yes', '--format', 'json'], { cwd: world.cwd, env: ENV, context: world.record().context })).events;
}

function lines(events: EngineEvent[]): string[] {
  return events.flatMap((e) => (describeEvent(e) ?? []).map((l) => `${l.subject ?? ''}: ${l.text}`));
}

describe('canary output', () => {
  it('live view: while a step holds, each gate metric is charted against its limit, with the canary weight', async () => {
    const events = await badRelease();
    const stdout = collector();
    const stderr = collector();
    const tty = createTtyRenderer({ stdout: stdout.stream, stderr: stderr.stream, color: false, verbose: false, columns: 120 });
    // Up to the first failed evaluation: the service is still running, at 10 %.
    const upTo = events.findIndex((e) => e.type === 'gate.evaluated' && e.outcome === 'fail');
    for (const e of events.slice(0, upTo + 1)) tty.emit(e);
    tty.flush();
    const frame = stripAnsi(stderr.text()).split('\n');
    expect(frame.some((l) => /^⠋ web .*canary 10%/.test(l))).toBe(true);
    expect(frame).toContain('    error-rate █ 20 │max 5');
    expect(frame).toContain('    p99-latency █ 0.9 │max 0.5');
    await tty.finish();
  });

  it('plain log: a line per step with its weights and verdict, the abort with its evidence', async () => {
    const out = lines(await badRelease());
    expect(out).toContain('web: canary step 1 at 10% (shop-web-stable 90% / shop-web-canary 10%): fail');
    expect(out.find((l) => l.startsWith('web: canary ABORTED at step 1 (10%): gate failed at step 1'))).toMatch(
      /traffic back on stable \(verified\), canary scaled in$/,
    );
    expect(out).toContain('web:   evidence: error-rate fail (20 > max 5; 20 is +20 vs stable 0 > maxIncrease 1)');
  });

  it('Markdown summary: a table of steps and verdicts, the abort with its evidence', async () => {
    const md = renderApplySummaryMarkdown(await badRelease());
    expect(md).toContain('### Canary steps');
    expect(md).toContain('| **web** | 1 | 10 % | ❌ fail |');
    expect(md).toMatch(
      /\| \*\*web\*\* \| abort \| 0 % \| ↩️ aborted \| gate failed at step 1 .*evidence: .*error-rate fail \(20 &gt; max 5/,
    );
  });

  it('a pause: the commands to go on, in the log and in the Markdown heading', async () => {
    const cwd = canaryExample({ steps: '      steps:\n        - { weight: 10, pause: until-approved }\n' });
    const world = canaryWorld({ cwd, scenario: 'healthy-canary.yaml' });
    const r = await cli(['apply', '--yes', '--format', 'json'], { cwd, env: ENV, context: world.record().context });
    expect(r.code).toBe(3);
    const out = lines(r.events);
    expect(out).toContain('web: canary PAUSED at step 1 (10%): step 1 (10 %) awaits approval');
    expect(out).toContain('web:   next: ecsdeploy promote -n web');
    expect(out).toContain('web:   next: ecsdeploy abort -n web');
    const md = renderApplySummaryMarkdown(r.events);
    expect(md).toMatch(/^## ⏸️ ecsdeploy apply paused for approval/);
    expect(md).toContain('| **web** | 1 | 10 % | ⏸️ approval |');
  });
});
