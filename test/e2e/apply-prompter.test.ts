/** The prompters `apply` and `rollback` confirm with: a terminal one that reads a line, and one that refuses. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createRefusingPrompter, createTtyPrompter } from '../../src/cli/prompter.js';
import { AbortError, InterruptedError } from '../../src/errors/index.js';
import { capture as sink } from '../_helpers/capture.js';

describe('confirmation prompters', () => {
  it.each([
    ['y\n', true],
    ['YES\n', true],
    ['\n', false],
    ['no\n', false],
    ['maybe\n', false],
  ])('on a terminal, the answer %j means %s', async (answer, expected) => {
    const stdin = new PassThrough();
    const err = sink();
    const p = createTtyPrompter({ stdin, stderr: err.stream }).confirm({ question: 'Apply this plan?' });
    stdin.write(answer);
    await expect(p).resolves.toBe(expected);
    expect(err.text()).toBe('Apply this plan? (y/N) ');
  });

  it('takes a closed input as no', async () => {
    const stdin = new PassThrough();
    const p = createTtyPrompter({ stdin, stderr: sink().stream }).confirm({ question: 'Apply?' });
    stdin.end();
    await expect(p).resolves.toBe(false);
  });

  it('gives up as interrupted when Ctrl-C arrives at the prompt', async () => {
    const ctl = new AbortController();
    const p = createTtyPrompter({ stdin: new PassThrough(), stderr: sink().stream, signal: ctl.signal }).confirm({ question: 'Apply?' });
    ctl.abort();
    await expect(p).rejects.toBeInstanceOf(InterruptedError);
  });

  it('refuses without a terminal, with CONFIRMATION_REQUIRED', async () => {
    const p = createRefusingPrompter().confirm({ question: 'Apply?' });
    await expect(p).rejects.toBeInstanceOf(AbortError);
    await expect(p).rejects.toMatchObject({ code: 'CONFIRMATION_REQUIRED', message: 'apply needs --yes when not running in a terminal' });
  });
});
