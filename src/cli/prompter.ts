/**
 * Prompters for confirmation. On a terminal the question goes to stderr and one line is read from stdin;
 * anything but `y`/`yes` is a no (the default). Without a terminal nobody can answer, so the refusing prompter
 * fails with CONFIRMATION_REQUIRED instead of silently assuming yes (house style 7.12 #8).
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { AbortError, InterruptedError } from '../errors/index.js';
import type { ConfirmRequest, Prompter } from '../events/types.js';

export function createTtyPrompter(io: { stdin: Readable; stderr: Writable; signal?: AbortSignal }): Prompter {
  return {
    confirm(request: ConfirmRequest): Promise<boolean> {
      return new Promise<boolean>((resolve, reject) => {
        if (io.signal?.aborted) {
          reject(new InterruptedError('interrupted at the confirmation prompt'));
          return;
        }
        io.stderr.write(`${request.question} (y/N) `);
        const rl = createInterface({ input: io.stdin, terminal: false });
        const done = (answer: string | undefined) => {
          rl.removeAllListeners();
          rl.close();
          io.signal?.removeEventListener('abort', onAbort);
          if (answer === undefined) reject(new InterruptedError('interrupted at the confirmation prompt'));
          else resolve(/^(y|yes)$/i.test(answer.trim()));
        };
        const onAbort = () => done(undefined);
        io.signal?.addEventListener('abort', onAbort, { once: true });
        rl.once('line', (line) => done(line));
        // stdin closed without an answer: that is a no.
        rl.once('close', () => done(''));
      });
    },
  };
}

export function createRefusingPrompter(message = 'apply needs --yes when not running in a terminal'): Prompter {
  return {
    confirm: () =>
      Promise.reject(
        new AbortError('CONFIRMATION_REQUIRED', message, {
          hint: 'review the plan (`ecsdeploy plan`), then run again with --yes (alias --auto-approve)',
        }),
      ),
  };
}
