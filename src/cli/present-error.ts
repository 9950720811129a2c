import { EcsDeployError, InterruptedError, ManifestError } from '../errors/index.js';
import { redactText } from '../util/redact.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';

/**
 * Turns any thrown value into stderr text and an exit code. User errors never print a stack. The text is
 * redacted: messages may quote what AWS sent back, and stacks repeat them.
 */
export function presentError(error: unknown, verbose: boolean): { text: string; exitCode: ExitCodeValue } {
  const { text, exitCode } = present(error, verbose);
  return { text: redactText(text), exitCode };
}

function present(error: unknown, verbose: boolean): { text: string; exitCode: ExitCodeValue } {
  if (error instanceof InterruptedError) return { text: `interrupted: ${error.message}\n`, exitCode: ExitCode.Interrupted };
  if (error instanceof ManifestError) {
    return { text: `${error.message}\n`, exitCode: ExitCode.Failed };
  }
  if (error instanceof EcsDeployError) {
    let text = `error [${error.code}]: ${error.message}\n`;
    if (error.hint) text += `hint: ${error.hint}\n`;
    if (verbose && error.source === 'internal' && error.stack) text += `${error.stack}\n`;
    return { text, exitCode: ExitCode.Failed };
  }
  const e = error instanceof Error ? error : new Error(String(error));
  let text = `internal error: ${e.message}\n`;
  text += verbose && e.stack ? `${e.stack}\n` : 'hint: this is a bug in ecsdeploy; run again with --verbose for details\n';
  return { text, exitCode: ExitCode.Failed };
}
