/**
 * Colour and cursor helpers for the renderers. Colour is a parameter, never detected here (NO_COLOR, FORCE_COLOR and
 * TTY checks belong to the CLI): with `enabled: false` every helper returns its input unchanged, so callers can
 * colour unconditionally.
 */

const ESC = '\u001b[';

export interface Colors {
  enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  blue(text: string): string;
  cyan(text: string): string;
  magenta(text: string): string;
}

function wrap(enabled: boolean, open: number, close: number): (text: string) => string {
  return enabled ? (text) => (text === '' ? text : `${ESC}${open}m${text}${ESC}${close}m`) : (text) => text;
}

export function createColors(enabled: boolean): Colors {
  return {
    enabled,
    bold: wrap(enabled, 1, 22),
    dim: wrap(enabled, 2, 22),
    red: wrap(enabled, 31, 39),
    green: wrap(enabled, 32, 39),
    yellow: wrap(enabled, 33, 39),
    blue: wrap(enabled, 34, 39),
    cyan: wrap(enabled, 36, 39),
    magenta: wrap(enabled, 35, 39),
  };
}

/** Cursor control for the live region (always emitted by the tty renderer, whatever the colour setting). */
export const cursor = {
  /** Moves to the start of the line `n` lines up. */
  up: (n: number): string => (n > 0 ? `${ESC}${n}F` : '\r'),
  /** Erases from the cursor to the end of the screen. */
  eraseDown: `${ESC}0J`,
  hide: `${ESC}?25l`,
  show: `${ESC}?25h`,
};

// SGR (colour) sequences and the CSI sequences we emit; enough to measure and strip our own output. Built from
// strings because a literal ESC in a regex literal reads as a typo to linters and people alike.
const CSI = '\u001b\\[';
const ANSI_RE = new RegExp(`${CSI}[0-9;?]*[A-Za-z]`, 'g');
const SGR_RE = new RegExp(`${CSI}[0-9;]*m`);
const ANSI_SPLIT_RE = new RegExp(`(${CSI}[0-9;?]*[A-Za-z])`);

export function stripAnsi(text: string): string {
  return text.replace(ANSI_RE, '');
}

/** True when the text contains a colour (SGR) sequence; cursor movement does not count. */
export function hasColor(text: string): boolean {
  return SGR_RE.test(text);
}

/** Visible width of a single line (code points; every character we print is one column wide). */
export function visibleWidth(text: string): number {
  return [...stripAnsi(text)].length;
}

/**
 * Cuts a line to at most `columns` visible characters, keeping escape sequences intact and ending with `…` when cut.
 * A live-region line must never wrap: the region is erased by counting lines, and a wrapped line counts twice.
 */
export function truncate(text: string, columns: number): string {
  if (columns <= 0) return '';
  if (visibleWidth(text) <= columns) return text;
  let out = '';
  let width = 0;
  let sawEscape = false;
  const tokens = text.split(ANSI_SPLIT_RE);
  for (const token of tokens) {
    if (token.startsWith('\u001b[')) {
      out += token;
      sawEscape = true;
      continue;
    }
    for (const ch of token) {
      if (width >= columns - 1) break;
      out += ch;
      width += 1;
    }
    if (width >= columns - 1) break;
  }
  // Reset attributes so a cut colour does not bleed into the next line.
  return `${out}…${sawEscape ? `${ESC}0m` : ''}`;
}
