import { Command } from 'clipanion';
import { UsageError } from '../../errors/index.js';
import { BaseCommand } from '../base-command.js';

// Scaffold: replaced by the issue that builds `ecsdeploy schema`.
export class SchemaCommand extends BaseCommand {
  static override paths = [['schema']];
  static override usage = Command.Usage({ description: 'schema (not built yet)' });

  protected async run(): Promise<number> {
    throw new UsageError('NOT_IMPLEMENTED', '`ecsdeploy schema` is not built yet');
  }
}
