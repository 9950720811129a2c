/** The commit a deploy is made from: tagged on the task definitions it registers (`ecsdeploy:git-commit`). */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/**
 * The commit checked out in `cwd` (or a parent), from `.git/HEAD` (a worktree's `.git` file is followed); else
 * `GITHUB_SHA`; else undefined. Reads files only: no git binary needed on the runner.
 */
export async function readGitCommit(cwd: string, env: Record<string, string | undefined>): Promise<string | undefined> {
  const read = (p: string) => readFile(p, 'utf8').catch(() => undefined);
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    let gitDir = join(dir, '.git');
    const pointer = /^gitdir: (.+)$/m.exec((await read(gitDir)) ?? '')?.[1];
    if (pointer) gitDir = resolve(dir, pointer.trim());
    const head = await read(join(gitDir, 'HEAD'));
    if (head !== undefined) {
      const ref = /^ref: (.+)$/m.exec(head.trim())?.[1];
      if (!ref) return /^[0-9a-f]{40}$/.test(head.trim()) ? head.trim() : undefined;
      // Worktrees keep branch refs in the common directory.
      const common = (await read(join(gitDir, 'commondir')))?.trim();
      const refDir = common ? resolve(gitDir, common) : gitDir;
      const loose = (await read(join(gitDir, ref))) ?? (await read(join(refDir, ref)));
      if (loose) return loose.trim();
      const packed = (await read(join(refDir, 'packed-refs'))) ?? '';
      return packed
        .split('\n')
        .find((l) => l.endsWith(` ${ref}`))
        ?.split(' ')[0];
    }
    if (dirname(dir) === dir) break;
  }
  return env.GITHUB_SHA || undefined;
}
