/**
 * Task definition revisions are immutable, so a described one never needs describing again. This cache keeps
 * them on disk by ARN (in the user's cache directory, chosen by the CLI), so a repeat `plan` of an unchanged
 * fleet makes no DescribeTaskDefinition calls at all.
 *
 * Entries are keyed by ARN *and* a namespace of region and endpoint: an emulator or a sandbox hands out the
 * same ARNs as AWS for different content, and must never poison the real cache. What is not immutable: tags
 * added to an existing revision out of band, and its status after deregistration; neither is something
 * ecsdeploy diffs a revision on (a changed manifest tag registers a new revision).
 *
 * It is a cache: unreadable, corrupt or unwritable entries are misses, never errors.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JsonObject } from '../model/task-definition.js';

export interface TaskDefinitionCache {
  get(arn: string): Promise<JsonObject | undefined>;
  set(arn: string, taskDefinition: JsonObject): Promise<void>;
}

export interface TaskDefinitionCacheOptions {
  /** The ecsdeploy cache directory, e.g. `~/.cache/ecsdeploy`. Entries go under `task-definitions/`. */
  directory: string;
  region: string;
  /** Endpoint override in use, if any (emulators). */
  endpoint?: string | undefined;
}

/** Bump when the stored shape changes; old entries then simply miss. */
const ENTRY_VERSION = 1;

interface Entry {
  version: number;
  namespace: string;
  arn: string;
  taskDefinition: JsonObject;
}

export function createTaskDefinitionCache(options: TaskDefinitionCacheOptions): TaskDefinitionCache {
  const dir = join(options.directory, 'task-definitions');
  const namespace = `${options.region}|${options.endpoint ?? 'aws'}`;
  const fileOf = (arn: string) => join(dir, `${createHash('sha256').update(`${namespace}\n${arn}`).digest('hex')}.json`);
  let dirReady: Promise<unknown> | undefined;

  return {
    async get(arn) {
      try {
        const entry = JSON.parse(await readFile(fileOf(arn), 'utf8')) as Partial<Entry>;
        const valid =
          entry.version === ENTRY_VERSION &&
          entry.namespace === namespace &&
          entry.arn === arn &&
          typeof entry.taskDefinition === 'object' &&
          entry.taskDefinition !== null;
        return valid ? entry.taskDefinition : undefined;
      } catch {
        return undefined;
      }
    },
    async set(arn, taskDefinition) {
      const entry: Entry = { version: ENTRY_VERSION, namespace, arn, taskDefinition };
      const target = fileOf(arn);
      // Write-then-rename: a reader (another ecsdeploy running in parallel) never sees half a file.
      const temp = `${target}.${randomBytes(8).toString('hex')}.tmp`;
      try {
        dirReady ??= mkdir(dir, { recursive: true, mode: 0o700 });
        await dirReady;
        await writeFile(temp, JSON.stringify(entry), { mode: 0o600 });
        await rename(temp, target);
      } catch {
        await unlink(temp).catch(() => undefined);
      }
    },
  };
}
