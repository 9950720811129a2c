import { Command } from 'clipanion';
import { UsageError } from '../../errors/index.js';
import { BaseCommand } from '../base-command.js';

// Scaffold: replaced by the issue that builds `ecsdeploy apply`.
export class ApplyCommand extends BaseCommand {
  static override paths = [['apply']];
  static override usage = Command.Usage({ description: 'apply (not built yet)' });

  protected async run(): Promise<number> {
    throw new UsageError('NOT_IMPLEMENTED', '`ecsdeploy apply` is not built yet');
  }
}
