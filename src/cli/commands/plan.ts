import { Command } from 'clipanion';
import { UsageError } from '../../errors/index.js';
import { BaseCommand } from '../base-command.js';

// Scaffold: replaced by the issue that builds `ecsdeploy plan`.
export class PlanCommand extends BaseCommand {
  static override paths = [['plan']];
  static override usage = Command.Usage({ description: 'plan (not built yet)' });

  protected async run(): Promise<number> {
    throw new UsageError('NOT_IMPLEMENTED', '`ecsdeploy plan` is not built yet');
  }
}
