/** `apply` tags new revisions with the checked-out commit, read from `.git` files (no git binary). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readGitCommit } from '../../src/cli/git-commit.js';

const SHA = 'a'.repeat(40);
const SHA2 = 'b'.repeat(40);
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-git-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('readGitCommit', () => {
  it('follows HEAD to a loose branch ref, from a subdirectory', async () => {
    mkdirSync(join(dir, '.git/refs/heads'), { recursive: true });
    writeFileSync(join(dir, '.git/HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(dir, '.git/refs/heads/main'), `${SHA}\n`);
    mkdirSync(join(dir, 'deploy/app'), { recursive: true });
    expect(await readGitCommit(join(dir, 'deploy/app'), {})).toBe(SHA);
  });

  it('reads packed refs and detached heads', async () => {
    mkdirSync(join(dir, '.git'), { recursive: true });
    writeFileSync(join(dir, '.git/HEAD'), 'ref: refs/heads/release\n');
    writeFileSync(join(dir, '.git/packed-refs'), `# pack-refs with: peeled\n${SHA2} refs/heads/release\n`);
    expect(await readGitCommit(dir, {})).toBe(SHA2);
    writeFileSync(join(dir, '.git/HEAD'), `${SHA}\n`);
    expect(await readGitCommit(dir, {})).toBe(SHA);
  });

  it('follows a worktree .git file to its git directory and the common refs', async () => {
    const main = join(dir, 'main/.git');
    mkdirSync(join(main, 'worktrees/wt'), { recursive: true });
    mkdirSync(join(main, 'refs/heads'), { recursive: true });
    writeFileSync(join(main, 'refs/heads/feature'), `${SHA2}\n`);
    writeFileSync(join(main, 'worktrees/wt/HEAD'), 'ref: refs/heads/feature\n');
    writeFileSync(join(main, 'worktrees/wt/commondir'), '../..\n');
    mkdirSync(join(dir, 'wt'));
    writeFileSync(join(dir, 'wt/.git'), `gitdir: ${join(main, 'worktrees/wt')}\n`);
    expect(await readGitCommit(join(dir, 'wt'), {})).toBe(SHA2);
  });

  it('falls back to GITHUB_SHA outside a repository', async () => {
    expect(await readGitCommit(dir, { GITHUB_SHA: SHA })).toBe(SHA);
    expect(await readGitCommit(dir, {})).toBeUndefined();
  });
});
