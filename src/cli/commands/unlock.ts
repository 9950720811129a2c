import { Command, Option } from 'clipanion';
import { releaseLocks, type UnlockResult } from '../../engine/unlock.js';
import { UsageError } from '../../errors/index.js';
import { AwsCommand } from '../base-command.js';
import { interruptedOr } from '../deploy-command.js';
import { ExitCode } from '../exit-codes.js';
import { createCommandRuntime } from '../lazy-runtime.js';
import { loadManifestWithLookups } from '../lookups.js';

/** One line per service: what was found and what was done. */
function describe(r: UnlockResult): string {
  const who = r.lock ? `run ${r.lock.runId}, ${r.lock.expired ? 'expired' : 'until'} ${r.lock.expiresAt}` : '';
  switch (r.action) {
    case 'released':
      return `${r.key}: released the lock of ${who}`;
    case 'none':
      return `${r.key}: not locked`;
    case 'missing':
      return `${r.key}: service ${r.service} does not exist in cluster ${r.cluster}`;
    case 'other-run':
      return `${r.key}: locked by ${who}: left alone (not the run named with --run)`;
    case 'live':
      return `${r.key}: locked by ${who}: left alone (the run may still be deploying; --force releases it)`;
    case 'failed':
      return `${r.key}: could not release the lock of ${who}: ${r.error ?? 'unknown error'}`;
  }
}

export class UnlockCommand extends AwsCommand {
  static override paths = [['unlock']];
  static override usage = Command.Usage({
    description: 'Release the locks a run left on its services when it died',
    details: `
      Every \`apply\` and \`rollback\` locks the services it deploys (the tag \`ecsdeploy:lock\`, naming the run and when
      the lock expires) and removes the lock when it ends. A run that is killed cannot: its lock stays until it
      expires (at most 10 minutes after the run last showed a sign of life), and other runs are refused with
      SERVICE_BUSY until then. \`ecsdeploy status\` shows each lock; \`unlock\` removes them now.

      For each service of the manifest (or those named with --service): an expired lock is removed; a lock that has
      not expired may belong to a run that is still deploying, so it is left alone unless --force. --run limits it
      all to one run's locks. Prints one line per service; exits 1 when a lock that was asked for stays.
    `,
    examples: [
      ['Release the expired locks of every service', '$0 unlock'],
      ['Release the locks of a run that was killed, now', '$0 unlock --run 20260101T120000Z-3f9a1c --force'],
      ['Release the lock on one service', '$0 unlock -n web --force'],
    ],
  });

  runId = Option.String('--run', { description: 'Only the locks of this run (the run id that `status` and SERVICE_BUSY name)' });
  force = Option.Boolean('--force', false, {
    description: 'Also release locks that have not expired (only when you know their run is no longer deploying)',
  });

  protected async run(): Promise<number> {
    const { context } = this;
    // Its clusters and services may come from lookups (a Terraform state, SSM): read them, as status does.
    const { manifest } = await loadManifestWithLookups(this, { pin: false });
    const runtime = await createCommandRuntime(this, manifest);
    try {
      const results = await releaseLocks(runtime.ports, manifest.services, {
        ...(this.runId !== undefined ? { runId: this.runId } : {}),
        force: this.force,
        now: runtime.clock.now(),
        signal: context.signal,
      });
      for (const r of results) context.stdout.write(`${describe(r)}\n`);
      const kept = results.filter((r) => r.action === 'live' || r.action === 'failed');
      if (kept.length > 0) {
        throw new UsageError(
          'LOCK_NOT_RELEASED',
          `${kept.length} lock${kept.length === 1 ? '' : 's'} not released: ${kept.map((r) => r.key).join(', ')}`,
          {
            hint: kept.some((r) => r.action === 'live')
              ? 'a lock that has not expired may belong to a run that is still deploying: check `ecsdeploy status`, then pass --force if that run is gone'
              : 'check the AWS permissions for ecs:UntagResource',
          },
        );
      }
      return ExitCode.Ok;
    } catch (error) {
      throw interruptedOr(error, context.signal);
    } finally {
      await runtime.finish();
    }
  }
}
