/**
 * A plan saved with `ecsdeploy plan --out FILE`, applied later: read it, and refuse it when live state or the
 * manifest moved since it was made (house rule 2).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { StalePlanError, UsageError } from '../errors/index.js';
import { compareWithSavedPlan, parseSavedPlan, type SavedPlan } from '../plan/saved-plan.js';
import type { Plan } from '../plan/types.js';

export async function readSavedPlan(cwd: string, path: string): Promise<SavedPlan> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), 'utf8');
  } catch (error) {
    throw new UsageError(
      'PLAN_FILE_UNREADABLE',
      `cannot read the saved plan ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      { hint: 'make one with `ecsdeploy plan --out FILE`' },
    );
  }
  return parseSavedPlan(text, path);
}

/** Throws `PLAN_STALE`, naming everything that moved, when `fresh` (just built) differs from what was saved. */
export function refuseStalePlan(saved: SavedPlan, fresh: Plan): void {
  const moved = compareWithSavedPlan(saved, fresh);
  if (moved.length > 0) throw new StalePlanError(moved);
}
