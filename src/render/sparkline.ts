/**
 * A gate metric's recent values as a one-line chart for the live view: one block per evaluation, the threshold
 * drawn as the level the blocks are measured against, so a value past it stands out (and is coloured, when colour
 * is on).
 *
 *   error-rate ▁▁▁▁▇█ 20 │max 5
 */
import type { Colors } from './ansi.js';

const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** The values scaled between the lowest and highest of them and the limits, so the limits always fit the chart. */
function sparkline(values: readonly number[], limits: { min?: number; max?: number }, c: Colors): string {
  if (values.length === 0) return '';
  const all = [...values, ...(limits.max !== undefined ? [limits.max] : []), ...(limits.min !== undefined ? [limits.min] : [])];
  const low = Math.min(0, ...all);
  const high = Math.max(...all);
  const span = high - low || 1;
  const breaks = (v: number) => (limits.max !== undefined && v > limits.max) || (limits.min !== undefined && v < limits.min);
  return values
    .map((v) => {
      const i = Math.min(BLOCKS.length - 1, Math.max(0, Math.round(((v - low) / span) * (BLOCKS.length - 1))));
      const block = BLOCKS[i] as string;
      return breaks(v) ? c.red(block) : c.green(block);
    })
    .join('');
}

/** `error-rate ▁▁▇█ 20 │max 5`: the chart, the latest value, and the limits it is held to. */
export function metricChartLine(name: string, values: readonly number[], limits: { min?: number; max?: number }, c: Colors): string {
  const last = values.at(-1);
  const shown = last === undefined ? '-' : String(Math.round(last * 1000) / 1000);
  const marks = [limits.max !== undefined ? `max ${limits.max}` : '', limits.min !== undefined ? `min ${limits.min}` : '']
    .filter(Boolean)
    .join(' ');
  return `${name} ${sparkline(values, limits, c)} ${shown}${marks ? c.dim(` │${marks}`) : ''}`;
}
