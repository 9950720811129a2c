/** A Writable that keeps what is written to it: stdout/stderr for in-process CLI runs and renderer tests. */
import { Writable } from 'node:stream';

export interface Captured {
  stream: Writable;
  text(): string;
}

/** `onText` sees the whole text so far after every write (to act on output as it appears). */
export function capture(onText?: (text: string) => void): Captured {
  let out = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      out += chunk.toString();
      onText?.(out);
      callback();
    },
  });
  return { stream, text: () => out };
}
