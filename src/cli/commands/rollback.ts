import { Command } from 'clipanion';
import { UsageError } from '../../errors/index.js';
import { BaseCommand } from '../base-command.js';

// Scaffold: replaced by the issue that builds `ecsdeploy rollback`.
export class RollbackCommand extends BaseCommand {
  static override paths = [['rollback']];
  static override usage = Command.Usage({ description: 'rollback (not built yet)' });

  protected async run(): Promise<number> {
    throw new UsageError('NOT_IMPLEMENTED', '`ecsdeploy rollback` is not built yet');
  }
}
