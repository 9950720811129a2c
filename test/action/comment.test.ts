/**
 * The comment body's size rules, at their edges (the end-to-end tests in action.test.ts cover the usual case):
 * a table too long by itself, a single diff too long by itself, and GitHub's Link header.
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

interface CommentModule {
  COMMENT_LIMIT: number;
  fitPlan(markdown: string, limit: number, options: { tail: string; fullPlan: string }): string;
  marker(manifest: string, environment: string): string;
}
interface GitHubModule {
  nextLink(header: string | null): string | undefined;
}

// Plain .mjs with no type declarations: imported by URL, typed here.
const ACTION = resolve(__dirname, '../../action');
const load = async <T>(file: string) => (await import(pathToFileURL(join(ACTION, file)).href)) as T;
const comment = await load<CommentModule>('comment.mjs');
const github = await load<GitHubModule>('github.mjs');

const fullPlan = 'The full plan is the `plan` artifact.';

function planMarkdown(rows: number, diffs: { lines: number; width: number }[]): string {
  const out = [
    '### ecsdeploy plan',
    '',
    '**Plan: 1 to update.**',
    '',
    '| service | cluster | action | strategy | changes |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (let i = 0; i < rows; i++) out.push(`| svc-${i} | main | ~ update | rolling | \`image\` |`);
  diffs.forEach((d, i) => {
    out.push('', `<details><summary>svc-${i} (main/svc-${i}): update</summary>`, '', '```diff');
    for (let l = 0; l < d.lines; l++) out.push(`+ line ${l} ${'y'.repeat(d.width)}`);
    out.push('```', '', '</details>');
  });
  return `${out.join('\n')}\n`;
}

describe('fitPlan', () => {
  it('leaves a plan that fits as it is', () => {
    const md = planMarkdown(3, [{ lines: 5, width: 10 }]);
    expect(comment.fitPlan(md, comment.COMMENT_LIMIT, { tail: 'x', fullPlan })).toBe(md);
  });

  it('cuts a table longer than the limit at a row, and says where the rest is', () => {
    const md = planMarkdown(3000, [{ lines: 5, width: 10 }]);
    const out = comment.fitPlan(md, comment.COMMENT_LIMIT, { tail: 'x'.repeat(500), fullPlan });
    expect(out.length + 500).toBeLessThanOrEqual(comment.COMMENT_LIMIT);
    expect(out).toContain('… the rest of the table is left out');
    expect(out).toContain('0 of 1 service diff shown. The full plan is the `plan` artifact.');
    // Every row kept is whole.
    const rows = out.split('\n').filter((l) => l.startsWith('| svc-'));
    expect(rows.every((r) => r.endsWith('|'))).toBe(true);
    expect(rows.length).toBeGreaterThan(1000);
  });

  it('cuts a single diff longer than the limit, closing its fence and details', () => {
    const md = planMarkdown(1, [{ lines: 5000, width: 40 }]);
    const out = comment.fitPlan(md, comment.COMMENT_LIMIT, { tail: '', fullPlan });
    expect(out.length).toBeLessThanOrEqual(comment.COMMENT_LIMIT);
    expect(out).toMatch(/\n… \d+ more lines of this diff left out\n```\n\n<\/details>/);
    expect(out).toContain('0 of 1 service diff shown');
  });
});

describe('marker', () => {
  it('names manifest and environment, and cannot end the HTML comment early', () => {
    expect(comment.marker('deploy/ecsdeploy.yaml', 'prod')).toBe('<!-- ecsdeploy-plan manifest=deploy/ecsdeploy.yaml env=prod -->');
    expect(comment.marker('a-->b c', '')).toBe('<!-- ecsdeploy-plan manifest=a-_b_c env=- -->');
  });
});

describe('nextLink', () => {
  it('finds rel="next" among the links GitHub sends, and nothing on the last page', () => {
    const header =
      '<https://api.github.com/repositories/1/issues/2/comments?per_page=100&page=3>; rel="next", <https://api.github.com/repositories/1/issues/2/comments?per_page=100&page=5>; rel="last"';
    expect(github.nextLink(header)).toBe('https://api.github.com/repositories/1/issues/2/comments?per_page=100&page=3');
    expect(
      github.nextLink('<https://api.github.com/x?page=1>; rel="prev", <https://api.github.com/x?page=1>; rel="first"'),
    ).toBeUndefined();
    expect(github.nextLink(null)).toBeUndefined();
  });
});
