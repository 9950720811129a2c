import { Command } from 'clipanion';
import { UsageError } from '../../errors/index.js';
import { BaseCommand } from '../base-command.js';

// Scaffold: replaced by the issue that builds `ecsdeploy validate`.
export class ValidateCommand extends BaseCommand {
  static override paths = [['validate']];
  static override usage = Command.Usage({ description: 'validate (not built yet)' });

  protected async run(): Promise<number> {
    throw new UsageError('NOT_IMPLEMENTED', '`ecsdeploy validate` is not built yet');
  }
}
