import { describe, expect, it } from 'vitest';
import { hasColor } from '../../src/render/ansi.js';
import { createPlainRenderer } from '../../src/render/events-plain.js';
import type { EngineEvent } from '../../src/events/types.js';
import { at, circuitBreaker, collector, dryRun, feed, healthyRolling, interruption, migrationFailure } from './events-fixtures.js';

async function renderPlain(events: readonly EngineEvent[], opts: { color?: boolean; verbose?: boolean; githubActions?: boolean } = {}) {
  const stdout = collector();
  const stderr = collector();
  const renderer = createPlainRenderer({
    stdout: stdout.stream,
    stderr: stderr.stream,
    color: opts.color ?? false,
    verbose: opts.verbose ?? false,
    githubActions: opts.githubActions ?? false,
  });
  feed(renderer, events);
  await renderer.finish();
  return { stdout: stdout.text(), stderr: stderr.text() };
}

describe('plain event log', () => {
  it('logs a healthy two-service deploy to stderr with event times and prints the summary to stdout', async () => {
    const out = await renderPlain(healthyRolling);
    expect(out.stderr).toMatchInlineSnapshot(`
      "10:00:00 apply started: web, worker (run r-7f3a)
      10:00:01 web: registered web:42
      10:00:01 worker: registered worker:17
      10:00:02 web: deploying web:42 (from web:41) with rolling, deployment ecs-svc/1111
      10:00:02 worker: deploying worker:17 (from worker:16) with rolling, deployment ecs-svc/2222
      10:00:03 web: waiting: for ecs-svc/1111
      10:00:03 worker: waiting
      10:00:10 web: 0/2 running, 2 pending (IN_PROGRESS)
      10:00:10 web: (service web) has started 2 tasks: (task 0a1b2c3d) (task 4e5f6a7b).
      10:00:12 worker: 1/1 running (IN_PROGRESS)
      10:00:40 web: 2/2 running (IN_PROGRESS)
      10:01:01 worker: (service worker) (deployment ecs-svc/2222) deployment completed.
      10:01:02 worker: 1/1 running (COMPLETED)
      10:01:02 worker: succeeded after 1m, running worker:17
      10:02:10 web: (service web) (deployment ecs-svc/1111) deployment completed.
      10:02:11 web: 2/2 running (COMPLETED)
      10:02:11 web: succeeded after 2m9s, running web:42
      10:02:12 scheduled target nightly-report/worker-report moved worker:16 → worker:17
      10:02:13 deregistered web:38
      "
    `);
    expect(out.stdout).toMatchInlineSnapshot(`
      "✔ web     succeeded  web:42     2m9s
      ✔ worker  succeeded  worker:17  1m
      · 1 scheduled target moved to the new revision
      · deregistered web:38
      Apply succeeded in 2m14s
      "
    `);
  });

  it('prints a progress line only when the counts or the rollout state change', async () => {
    const { stderr } = await renderPlain(healthyRolling);
    const webProgress = stderr.split('\n').filter((l) => l.includes('web: 0/2 running'));
    expect(webProgress).toHaveLength(1);
  });

  it('makes a circuit-breaker rollback actionable: reason, stopped tasks, stop codes and exit codes', async () => {
    const out = await renderPlain(circuitBreaker);
    expect(out.stderr).toMatchInlineSnapshot(`
      "10:00:00 apply started: web (run r-cb01)
      10:00:01 web: registered web:43
      10:00:02 web: deploying web:43 (from web:42) with rolling, deployment ecs-svc/3333
      10:00:03 web: waiting
      10:00:15 web: 0/2 running, 2 pending (IN_PROGRESS)
      10:00:15 web: (service web) has started 2 tasks: (task 9c8b7a6d) (task 5e4f3a2b).
      10:01:35 web: (service web) (deployment ecs-svc/3333) deployment failed: tasks failed to start.
      10:01:36 web: rolling-back: to ecs-svc/2999
      10:02:30 web: ROLLED BACK after 2m28s, running web:42: ECS deployment circuit breaker: tasks failed to start.
      10:02:30 web:   stopped task 9c8b7a6d1e2f (web:43): EssentialContainerExited: Essential container in task exited; container app exit 1
      10:02:30 web:   stopped task 5e4f3a2b (web:43): TaskFailedToStart: CannotPullContainerError: pull image manifest has been retried 5 time(s); container app (CannotPullContainerError)
      "
    `);
    expect(out.stdout).toMatchInlineSnapshot(`
      "↺ web  rolled back  web:42 (attempted web:43)  2m28s  ECS deployment circuit breaker: tasks failed to start.
          stopped task 9c8b7a6d1e2f (web:43): EssentialContainerExited: Essential container in task exited; container app exit 1
          stopped task 5e4f3a2b (web:43): TaskFailedToStart: CannotPullContainerError: pull image manifest has been retried 5 time(s); container app (CannotPullContainerError)
      Apply FAILED after 2m31s: web rolled back (ECS deployment circuit breaker: tasks failed to start.)
      "
    `);
  });

  it('reports a failed migration task with its exit code and the skipped service', async () => {
    const out = await renderPlain(migrationFailure);
    expect(out.stdout).toMatchInlineSnapshot(`
      "✖ one-off migrate  failed  web:44  45s  container app exited with code 3
          task aa11bb22cc33: EssentialContainerExited: Essential container in task exited; container app exit 3
      - web  skipped  -    one-off task migrate failed
      Apply FAILED after 48s: one-off task migrate failed (container app exited with code 3)
      "
    `);
    expect(out.stderr).toContain('one-off migrate: FAILED: container app exited with code 3');
  });

  it('says where each service stands after an interruption', async () => {
    const out = await renderPlain(interruption);
    expect(out.stdout).toMatchInlineSnapshot(`
      "■ web     interrupted  web:42 → web:43  39s  interrupted; deployment ecs-svc/4444 left in progress in AWS
          last seen: waiting, 1/2 running, 1 pending, rollout IN_PROGRESS
      - worker  skipped      -                     not started
      Interrupted after 42s: web interrupted (interrupted; deployment ecs-svc/4444 left in progress in AWS); worker skipped
      "
    `);
  });

  it('lists the calls a dry run would make and hides debug events unless verbose', async () => {
    const quiet = await renderPlain(dryRun);
    expect(quiet.stderr).toContain('would call ECS.UpdateService: prod/web → web:(new)');
    expect(quiet.stderr).not.toContain('DescribeServices');
    expect(quiet.stdout).toContain('Dry run complete in 2s: nothing changed; apply would make 2 changes');
    const verbose = await renderPlain(dryRun, { verbose: true });
    expect(verbose.stderr).toContain('10:00:00 call ECS.DescribeServices: prod/web');
  });

  it('uses colour codes only when colour is on', async () => {
    const plain = await renderPlain(circuitBreaker, { color: false });
    expect(hasColor(plain.stderr + plain.stdout)).toBe(false);
    const coloured = await renderPlain(circuitBreaker, { color: true });
    expect(hasColor(coloured.stderr)).toBe(true);
    expect(hasColor(coloured.stdout)).toBe(true);
  });

  it('prints a generic line for an event type it does not know, without its payload', async () => {
    const future = { time: '2026-11-22T10:00:05.000Z', level: 'info', type: 'service.paused', service: 'web', secretish: 'x' };
    const out = await renderPlain([future as unknown as EngineEvent]);
    expect(out.stderr).toBe('10:00:05 web: service.paused\n');
  });

  it('writes nothing to stdout when no apply ran (a plan or status stream)', async () => {
    const out = await renderPlain([at(0, { type: 'log', message: 'reading live state' })]);
    expect(out.stdout).toBe('');
    expect(out.stderr).toBe('10:00:00 reading live state\n');
  });
});

describe('plain event log under GitHub Actions', () => {
  it('emits no workflow commands unless GITHUB_ACTIONS is on', async () => {
    const out = await renderPlain(circuitBreaker);
    expect(out.stderr + out.stdout).not.toContain('::');
  });

  it('leaves the detail of services deploying in parallel at the top level and folds it once one service is left', async () => {
    const { stderr } = await renderPlain(healthyRolling, { githubActions: true });
    expect(stderr).toMatchInlineSnapshot(`
      "10:00:00 apply started: web, worker (run r-7f3a)
      10:00:01 web: registered web:42
      10:00:01 worker: registered worker:17
      10:00:02 web: deploying web:42 (from web:41) with rolling, deployment ecs-svc/1111
      10:00:02 worker: deploying worker:17 (from worker:16) with rolling, deployment ecs-svc/2222
      10:00:03 web: waiting: for ecs-svc/1111
      10:00:03 worker: waiting
      10:00:10 web: 0/2 running, 2 pending (IN_PROGRESS)
      10:00:10 web: (service web) has started 2 tasks: (task 0a1b2c3d) (task 4e5f6a7b).
      10:00:12 worker: 1/1 running (IN_PROGRESS)
      10:00:40 web: 2/2 running (IN_PROGRESS)
      10:01:01 worker: (service worker) (deployment ecs-svc/2222) deployment completed.
      10:01:02 worker: 1/1 running (COMPLETED)
      10:01:02 worker: succeeded after 1m, running worker:17
      ::group::deploy web
      10:02:10 web: (service web) (deployment ecs-svc/1111) deployment completed.
      10:02:11 web: 2/2 running (COMPLETED)
      ::endgroup::
      10:02:11 web: succeeded after 2m9s, running web:42
      10:02:12 scheduled target nightly-report/worker-report moved worker:16 → worker:17
      10:02:13 deregistered web:38
      "
    `);
  });

  it('folds the detail of a service deploying alone into one group between its milestones', async () => {
    const { stderr } = await renderPlain(circuitBreaker, { githubActions: true });
    const lines = stderr.split('\n');
    const start = lines.indexOf('::group::deploy web');
    const end = lines.indexOf('::endgroup::');
    expect(lines.slice(start + 1, end)).toEqual([
      '10:00:03 web: waiting',
      '10:00:15 web: 0/2 running, 2 pending (IN_PROGRESS)',
      '10:00:15 web: (service web) has started 2 tasks: (task 9c8b7a6d) (task 5e4f3a2b).',
      '10:01:35 web: (service web) (deployment ecs-svc/3333) deployment failed: tasks failed to start.',
      '10:01:36 web: rolling-back: to ecs-svc/2999',
    ]);
    expect(lines.filter((l) => l.startsWith('::group::'))).toHaveLength(1);
    expect(lines[end + 1]).toContain('web: ROLLED BACK after 2m28s');
  });

  it('balances every group it opens', async () => {
    for (const events of [healthyRolling, circuitBreaker, migrationFailure, interruption, dryRun]) {
      const { stderr } = await renderPlain(events, { githubActions: true });
      const opened = stderr.split('\n').filter((l) => l.startsWith('::group::')).length;
      const closed = stderr.split('\n').filter((l) => l === '::endgroup::').length;
      expect(closed).toBe(opened);
    }
  });

  it('annotates failures with the reason, stopped tasks and exit codes, escaped for the runner', async () => {
    const { stdout } = await renderPlain(circuitBreaker, { githubActions: true });
    const errors = stdout.split('\n').filter((l) => l.startsWith('::error'));
    expect(errors).toEqual([
      '::error title=ecsdeploy%3A web rolled back::ECS deployment circuit breaker: tasks failed to start.%0Astopped task 9c8b7a6d1e2f (web:43): EssentialContainerExited: Essential container in task exited; container app exit 1%0Astopped task 5e4f3a2b (web:43): TaskFailedToStart: CannotPullContainerError: pull image manifest has been retried 5 time(s); container app (CannotPullContainerError)',
    ]);
  });

  it('annotates a failed one-off task and warns about interruptions', async () => {
    const failed = await renderPlain(migrationFailure, { githubActions: true });
    expect(failed.stdout).toContain(
      '::error title=ecsdeploy%3A one-off task migrate failed::container app exited with code 3%0Atask aa11bb22cc33: EssentialContainerExited: Essential container in task exited; container app exit 3\n',
    );
    const interrupted = await renderPlain(interruption, { githubActions: true });
    expect(interrupted.stdout).toContain('::warning title=ecsdeploy%3A web interrupted::');
    expect(interrupted.stdout).not.toContain('::error');
  });

  it('never colours a workflow command, or the runner would not see it', async () => {
    const { stdout, stderr } = await renderPlain(circuitBreaker, { githubActions: true, color: true });
    for (const l of `${stdout}\n${stderr}`.split('\n').filter((x) => x.includes('::'))) {
      expect(l.startsWith('::')).toBe(true);
      expect(hasColor(l)).toBe(false);
    }
  });
});
