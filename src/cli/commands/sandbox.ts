import { Command } from 'clipanion';
import { UsageError } from '../../errors/index.js';
import { BaseCommand } from '../base-command.js';

// Scaffold: replaced by the issue that builds `ecsdeploy sandbox`.
export class SandboxCommand extends BaseCommand {
  static override paths = [['sandbox']];
  static override usage = Command.Usage({ description: 'sandbox (not built yet)' });

  protected async run(): Promise<number> {
    throw new UsageError('NOT_IMPLEMENTED', '`ecsdeploy sandbox` is not built yet');
  }
}
