/**
 * Time as the renderers print it. Times always come from events (simulated time under the sandbox), never from
 * the wall clock, so the same event sequence always renders the same text.
 */
import { formatDuration } from '../util/duration.js';

export { formatDuration };

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** `2026-11-22T09:03:07.120Z` → `09:03:07` (UTC); `--:--:--` when the text is not a time. */
export function formatClockTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '--:--:--';
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** `2026-11-22T09:03:07Z` → `2026-11-22 09:03:07Z`, for times that may be days old (service events in status). */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${formatClockTime(iso)}Z`;
}

/** Milliseconds from one ISO time to another; undefined when either is missing or invalid. Never negative. */
export function elapsedMs(fromIso: string | undefined, toIso: string | undefined): number | undefined {
  if (fromIso === undefined || toIso === undefined) return undefined;
  const from = Date.parse(fromIso);
  const to = Date.parse(toIso);
  if (Number.isNaN(from) || Number.isNaN(to)) return undefined;
  return Math.max(0, to - from);
}
