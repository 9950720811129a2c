import { Command } from 'clipanion';
import { UsageError } from '../../errors/index.js';
import { BaseCommand } from '../base-command.js';

// Scaffold: replaced by the issue that builds `ecsdeploy status`.
export class StatusCommand extends BaseCommand {
  static override paths = [['status']];
  static override usage = Command.Usage({ description: 'status (not built yet)' });

  protected async run(): Promise<number> {
    throw new UsageError('NOT_IMPLEMENTED', '`ecsdeploy status` is not built yet');
  }
}
