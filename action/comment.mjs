/**
 * The pull request comment: one per manifest and environment, found again by a hidden marker, updated on every
 * push, never duplicated; and its body kept under GitHub's size limit.
 */

/** GitHub refuses an issue comment body longer than this (characters). */
export const COMMENT_LIMIT = 65_536;
/** A step summary may hold 1 MiB; keep well under it. */
export const SUMMARY_LIMIT = 1_000_000;

/** The hidden marker naming a plan comment: `<!-- ecsdeploy-plan manifest=deploy/ecsdeploy.yaml env=staging -->`. */
export function marker(manifest, environment) {
  // Nothing in it may end the HTML comment early.
  const clean = (s) => s.replace(/--+/g, '-').replace(/[<>\s]/g, '_');
  return `<!-- ecsdeploy-plan manifest=${clean(manifest)} env=${clean(environment || '-')} -->`;
}

/**
 * Splits the Markdown plan into what comes before the per-service diffs (heading, summary, table, blocked
 * reasons) and one block per `<details>` diff, so whole diffs can be dropped from the end when too long.
 */
function splitPlan(markdown) {
  const lines = markdown.replace(/\n+$/, '').split('\n');
  const head = [];
  const blocks = [];
  let current;
  for (const line of lines) {
    if (line.startsWith('<details>')) {
      current = [line];
      blocks.push(current);
    } else if (current) {
      current.push(line);
      if (line === '</details>') current = undefined;
    } else {
      head.push(line);
    }
  }
  return { head: head.join('\n'), blocks: blocks.map((b) => b.join('\n')) };
}

/**
 * One `<details>` block cut to `budget` characters: the summary line, the diff's first lines, a line saying how
 * many were left out, and the fence and `</details>` closed, so the rest of the comment still renders.
 */
function truncateBlock(block, budget) {
  const lines = block.split('\n');
  const fenceAt = lines.findIndex((l) => /^`{3,}diff$/.test(l));
  if (fenceAt < 0) return undefined;
  const fence = lines[fenceAt].replace(/diff$/, '');
  const closeAt = lines.lastIndexOf(fence);
  const body = lines.slice(fenceAt + 1, closeAt < 0 ? lines.length : closeAt);
  const opening = lines.slice(0, fenceAt + 1).join('\n');
  const closing = `${fence}\n\n</details>`;
  let kept = 0;
  let size = opening.length + closing.length + 80;
  while (kept < body.length && size + body[kept].length + 1 <= budget) size += body[kept++].length + 1;
  if (kept === 0) return undefined;
  const cut = `… ${body.length - kept} more line${body.length - kept === 1 ? '' : 's'} of this diff left out`;
  return [opening, ...body.slice(0, kept), cut, closing].join('\n');
}

/**
 * The plan Markdown cut to at most `limit` characters with the `tail` (marker, footer) still fitting: the head
 * first (itself cut at a line if it must), then whole diffs while they fit, then as much of the next one as fits;
 * when anything is left out, a note points to where the full plan is.
 * @param {string} markdown @param {number} limit @param {{ tail: string, fullPlan: string }} options
 */
export function fitPlan(markdown, limit, { tail, fullPlan }) {
  if (markdown.length + tail.length <= limit) return markdown;
  const note = (shown, total) =>
    `\n\n> [!NOTE]\n> This plan is too long for a ${limit === COMMENT_LIMIT ? 'comment' : 'summary'}: ${shown} of ${total} service diff${total === 1 ? '' : 's'} shown. ${fullPlan}`;
  const { head, blocks } = splitPlan(markdown);
  const budget = limit - tail.length - note(blocks.length, blocks.length).length - 16;
  let out = head;
  if (out.length > budget) {
    const cut = out.lastIndexOf('\n', budget - 40);
    out = `${out.slice(0, Math.max(cut, 0))}\n\n… the rest of the table is left out`;
    return out + note(0, blocks.length);
  }
  let shown = 0;
  for (const block of blocks) {
    if (out.length + 2 + block.length <= budget) {
      out += `\n\n${block}`;
      shown++;
      continue;
    }
    const partial = truncateBlock(block, budget - out.length - 2);
    if (partial) out += `\n\n${partial}`;
    break;
  }
  return out + note(shown, blocks.length);
}

/**
 * Creates the plan comment, or updates the one this manifest and environment already have (first found by its
 * marker, over every page of comments). Returns the comment and what was done.
 */
export async function upsertPlanComment(github, number, mark, body) {
  const existing = (await github.listIssueComments(number)).find((c) => typeof c.body === 'string' && c.body.includes(mark));
  if (existing) return { action: 'updated', comment: await github.updateIssueComment(existing.id, body) };
  return { action: 'created', comment: await github.createIssueComment(number, body) };
}
