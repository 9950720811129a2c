import { Command } from 'clipanion';
import { UsageError } from '../../errors/index.js';
import { BaseCommand } from '../base-command.js';

// Scaffold: replaced by the issue that builds `ecsdeploy render`.
export class RenderCommand extends BaseCommand {
  static override paths = [['render']];
  static override usage = Command.Usage({ description: 'render (not built yet)' });

  protected async run(): Promise<number> {
    throw new UsageError('NOT_IMPLEMENTED', '`ecsdeploy render` is not built yet');
  }
}
