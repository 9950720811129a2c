import { describe, expect, it } from 'vitest';
import { renderApplySummaryMarkdown } from '../../src/render/events-markdown.js';
import { at, circuitBreaker, dryRun, healthyRolling, interruption, migrationFailure } from './events-fixtures.js';

function tableRows(md: string, header: string): string[] {
  const lines = md.split('\n');
  const start = lines.indexOf(header);
  const rows: string[] = [];
  for (const l of lines.slice(start + 2)) {
    if (!l.startsWith('|')) break;
    rows.push(l);
  }
  return rows;
}

const SERVICE_HEADER = '| service | outcome | task definition | duration | reason |';

describe('Markdown apply summary', () => {
  it('heads a healthy deploy with its outcome and lists one row per service, then targets moved and revisions removed', () => {
    const md = renderApplySummaryMarkdown(healthyRolling);
    expect(md.split('\n')[0]).toBe('## ✅ ecsdeploy apply succeeded in 2m14s');
    expect(tableRows(md, SERVICE_HEADER)).toEqual([
      '| **web** | ✅ succeeded | `web:42` | 2m9s |  |',
      '| **worker** | ✅ succeeded | `worker:17` | 1m |  |',
    ]);
    expect(md).toContain('### Scheduled targets moved\n\n- `nightly-report/worker-report`: `worker:16` → `worker:17`');
    expect(md).toContain('### Revisions deregistered\n\n- `web:38`');
    expect(md).not.toContain('<details>');
  });

  it('folds the stopped tasks and exit codes of a rolled-back service into details', () => {
    const md = renderApplySummaryMarkdown(circuitBreaker);
    expect(md.split('\n')[0]).toBe('## ❌ ecsdeploy apply failed in 2m31s');
    expect(tableRows(md, SERVICE_HEADER)).toEqual([
      '| **web** | ↩️ rolled back | `web:42` (attempted `web:43`) | 2m28s | ECS deployment circuit breaker: tasks failed to start. |',
    ]);
    expect(md).toMatchInlineSnapshot(`
      "## ❌ ecsdeploy apply failed in 2m31s

      Run \`r-cb01\` · 1 service

      | service | outcome | task definition | duration | reason |
      | --- | --- | --- | --- | --- |
      | **web** | ↩️ rolled back | \`web:42\` (attempted \`web:43\`) | 2m28s | ECS deployment circuit breaker: tasks failed to start. |

      ### Failures

      <details>
      <summary><b>web</b> rolled back: ECS deployment circuit breaker: tasks failed to start.</summary>

      - stopped task \`9c8b7a6d1e2f\` (\`web:43\`): EssentialContainerExited: Essential container in task exited; container app exit 1
      - stopped task \`5e4f3a2b\` (\`web:43\`): TaskFailedToStart: CannotPullContainerError: pull image manifest has been retried 5 time(s); container app (CannotPullContainerError)
      - last service events:
        - (service web) has started 2 tasks: (task 9c8b7a6d) (task 5e4f3a2b).
        - (service web) (deployment ecs-svc/3333) deployment failed: tasks failed to start.

      </details>
      "
    `);
  });

  it('lists a failed migration with its exit code in the one-off table', () => {
    const md = renderApplySummaryMarkdown(migrationFailure);
    expect(tableRows(md, '| task | outcome | task definition | duration | reason |')).toEqual([
      '| **migrate** | ❌ failed | `web:44` | 45s | container app exited with code 3 — EssentialContainerExited: Essential container in task exited; container app exit 3 |',
    ]);
    expect(tableRows(md, SERVICE_HEADER)).toEqual(['| **web** | ⏭️ skipped | `-` |  | one-off task migrate failed |']);
  });

  it('says where an interrupted service stands', () => {
    const md = renderApplySummaryMarkdown(interruption);
    expect(md.split('\n')[0]).toBe('## ⏹️ ecsdeploy apply interrupted in 42s');
    expect(md).toContain('- last seen: waiting, 1/2 running, 1 pending, rollout IN_PROGRESS');
    expect(md).toContain('### Warnings');
  });

  it('lists what a dry run would change', () => {
    const md = renderApplySummaryMarkdown(dryRun);
    expect(md.split('\n')[0]).toBe('## 🧪 ecsdeploy dry run in 2s: nothing changed');
    expect(md).toContain('- `ECS.RegisterTaskDefinition` family web\n- `ECS.UpdateService` prod/web → web:(new)');
    expect(md).not.toContain('DescribeServices');
  });

  it('escapes AWS text so it cannot break the table or inject HTML', () => {
    const md = renderApplySummaryMarkdown([
      at(0, { type: 'apply.started', runId: 'r-x', services: ['web'], dryRun: false }),
      at(
        5,
        { type: 'service.finished', service: 'web', outcome: 'failed', durationMs: 5000, reason: 'bad | pipe <script>\nnext' },
        'error',
      ),
      at(6, { type: 'apply.finished', runId: 'r-x', outcome: 'failed', durationMs: 6000, services: [{ key: 'web', outcome: 'failed' }] }),
    ]);
    const [row] = tableRows(md, SERVICE_HEADER);
    expect(row).toContain('bad \\| pipe &lt;script&gt;<br>next');
    expect(md).not.toContain('<script>');
  });
});

describe('Markdown apply summary: container logs', () => {
  it('shows a stopped task’s last log lines in a code block no line can break out of, and says when there are none', () => {
    const withLogs = circuitBreaker.map((e) =>
      e.type === 'service.finished' && e.stoppedTasks
        ? {
            ...e,
            stoppedTasks: e.stoppedTasks.map((t, i) => ({
              ...t,
              logs:
                i === 0
                  ? { container: 'web', group: '/ecs/web', stream: 'web/web/abc', lines: ['boom ``` <b>not html</b>', 'bye'] }
                  : { container: 'web', lines: [], missing: 'log group /ecs/web does not exist' },
            })),
          }
        : e,
    );
    const md = renderApplySummaryMarkdown(withLogs);
    expect(md).toContain(
      [
        '  - 2 log lines of web (/ecs/web web/web/abc):',
        '',
        '    ````text',
        '    | boom ``` <b>not html</b>',
        '    | bye',
        '    ````',
      ].join('\n'),
    );
    expect(md).toContain('  - no logs of web: log group /ecs/web does not exist');
  });
});
