import { randomBytes } from 'node:crypto';
import { type Clock, isoTime } from '../util/clock.js';

/** A run id that sorts by time and is unique enough across CI jobs: `20260101T120000Z-3f9a1c`. */
export function newRunId(clock: Clock): string {
  const stamp = isoTime(clock).replace(/[-:]/g, '').replace(/\.\d+/, '');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}
