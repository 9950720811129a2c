import { Command, Option } from 'clipanion';
import * as t from 'typanion';
import { buildStatusReports } from '../../engine/status.js';
import { renderStatusText } from '../../render/status-text.js';
import { redactStrings } from '../../util/redact.js';
import { createCommandRuntime } from '../lazy-runtime.js';
import { AwsCommand } from '../base-command.js';
import { ExitCode } from '../exit-codes.js';
import { loadManifestWithLookups } from '../lookups.js';
import { interruptedOr } from '../deploy-command.js';

const FORMATS = ['text', 'json'] as const;

export class StatusCommand extends AwsCommand {
  static override paths = [['status']];
  static override usage = Command.Usage({
    description: 'Show what runs: revision, task counts, deployments in progress, locks, latest events',
    details: `
      For every service of the manifest (or those named with --service): the task definition revision it runs,
      running/desired/pending task counts, its deployments with their rollout state and reason, whether one is in
      progress, the ecsdeploy lock on it (the run that holds it and until when, or that it expired), and the latest
      service events. Reads only.
    `,
    examples: [
      ['Status of every service in production', '$0 status -e production'],
      ['As JSON, for scripts', '$0 status --format json'],
    ],
  });

  format = Option.String('--format', 'text', { validator: t.isEnum(FORMATS), description: 'Output format: text (default) or json' });

  protected async run(): Promise<number> {
    const { context } = this;
    const { manifest } = await loadManifestWithLookups(this, { pin: false });
    const runtime = await createCommandRuntime(this, manifest);
    try {
      // Service events and stop reasons are AWS's text, which may quote a credential (a registry URL): redacted.
      const reports = redactStrings(
        await buildStatusReports(runtime.ports, manifest.services, { signal: context.signal, now: runtime.clock.now() }),
      );
      if (this.format === 'json') context.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
      else {
        const text = renderStatusText(reports, { color: this.useColor('stdout') });
        context.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
      }
      return ExitCode.Ok;
    } catch (error) {
      throw interruptedOr(error, context.signal);
    } finally {
      await runtime.finish();
    }
  }
}
