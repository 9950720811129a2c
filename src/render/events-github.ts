/**
 * GitHub Actions workflow commands (`::group::`, `::error::`). The runner recognises a command only at the start of
 * a line and without colour codes, so these lines are never coloured.
 */

/** Escapes a command's message (toolkit `escapeData`). */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a command property such as `title=` (toolkit `escapeProperty`). */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function annotation(kind: 'error' | 'warning' | 'notice', message: string, title?: string): string {
  const props = title ? ` title=${escapeProperty(title)}` : '';
  return `::${kind}${props}::${escapeData(message)}\n`;
}

export function groupStart(title: string): string {
  return `::group::${escapeData(title)}\n`;
}

export const GROUP_END = '::endgroup::\n';
