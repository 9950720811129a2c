/**
 * Presentation of the plan's unified diffs: indentation and, on a terminal, colour (removed red, added green,
 * hunk headers cyan). ANSI codes only when colour is enabled.
 */
import { createColors } from './ansi.js';

export function formatUnifiedDiff(diff: string, options: { color: boolean; indent?: string }): string {
  const c = createColors(options.color);
  const indent = options.indent ?? '';
  const lines = diff.replace(/\n$/, '').split('\n');
  if (lines.length === 1 && lines[0] === '') return '';
  return `${lines
    .map((line) => {
      if (line.startsWith('---') || line.startsWith('+++')) return indent + c.bold(line);
      if (line.startsWith('@@')) return indent + c.cyan(line);
      if (line.startsWith('-')) return indent + c.red(line);
      if (line.startsWith('+')) return indent + c.green(line);
      return indent + line;
    })
    .join('\n')}\n`;
}
