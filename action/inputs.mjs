/**
 * The action's inputs, as action.yml hands them to the script (`INPUT_*` environment variables), turned into
 * the ecsdeploy command line. Nothing here runs a shell: extra arguments are split the way a shell would split
 * plain words and quotes, and nothing else (no `$`, no globs).
 */

/** Commands the action runs. `promote` and `abort` continue or stop a canary paused for approval. */
const COMMANDS = ['plan', 'apply', 'rollback', 'status', 'promote', 'abort'];

/** Commands that take `--image` (the others refuse it: an image given to `status` would change nothing). */
const TAKES_IMAGES = new Set(['plan', 'apply']);

/** Commands that change AWS: the job running them is the approval (GitHub environments), so they get `--yes`. */
const MUTATING = new Set(['apply', 'rollback', 'promote', 'abort']);

export class InputError extends Error {}

/**
 * Splits `--service web --var "name=two words"` into words: whitespace separates, single and double quotes
 * group, a backslash escapes the next character outside single quotes.
 */
function splitArguments(text) {
  const words = [];
  let word = '';
  let inWord = false;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"' && i + 1 < text.length) word += text[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new InputError(`args: unterminated ${quote} quote`);
  if (inWord) words.push(word);
  return words;
}

/** `images` input: one override per line or separated by commas (`web=registry/web:1.4.2`). */
function splitImages(text) {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * Reads and checks the inputs. Returns what the run needs: the command, the manifest and environment (they name
 * the pull request comment), and the ecsdeploy arguments before any the action adds for `plan`.
 */
export function readInputs(env) {
  const command = (env.INPUT_COMMAND ?? 'plan').trim();
  if (!COMMANDS.includes(command)) {
    throw new InputError(`command: ${JSON.stringify(command)} is not one of ${COMMANDS.join(', ')}`);
  }
  const manifest = (env.INPUT_MANIFEST ?? '').trim() || 'ecsdeploy.yaml';
  const environment = (env.INPUT_ENVIRONMENT ?? '').trim();
  const images = splitImages(env.INPUT_IMAGES ?? '');
  if (images.length > 0 && !TAKES_IMAGES.has(command)) {
    throw new InputError(`images: only ${[...TAKES_IMAGES].join(' and ')} take images; ${command} does not`);
  }
  const extra = splitArguments(env.INPUT_ARGS ?? '');
  const args = [command, '-f', manifest];
  if (environment) args.push('--env', environment);
  for (const image of images) args.push('--image', image);
  if (MUTATING.has(command) && !extra.includes('--yes') && !extra.includes('-y')) args.push('--yes');
  args.push(...extra);
  return {
    command,
    manifest,
    environment,
    args,
    comment: (env.INPUT_COMMENT ?? 'true').trim() !== 'false',
    artifactName: artifactName(env.INPUT_ARTIFACT_NAME, environment),
  };
}

/** The plan artifact's name: given, or `ecsdeploy-plan-<environment>`; without the characters artifacts refuse. */
function artifactName(given, environment) {
  const name = (given ?? '').trim() || `ecsdeploy-plan-${environment || 'default'}`;
  return name.replace(/["':<>|*?\\/\r\n]/g, '-');
}
