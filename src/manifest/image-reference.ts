/**
 * Checks an image reference the way ECS and a registry would. What ECS's API reference refuses is an error (the
 * registration would fail); what ECS registers but no registry can pull is a warning (the deployment would fail,
 * its tasks stuck in CannotPullContainerError), except a malformed tag, which no registry can even store.
 *
 * ECS (API reference, ContainerDefinition `image`): "up to 255 characters total are allowed, including letters
 * (uppercase and lowercase), numbers, hyphens, underscores, colons, periods, forward slashes, and number signs
 * (#). For images using digests (repository-url/image@digest), the 255 character limit applies only to the
 * repository URL and image name (everything before the @ sign). The only supported hash function is sha256, and
 * the hash value after sha256: must be exactly 64 characters (only letters A-F, a-f, and numbers 0-9)".
 *
 * Registries follow the reference grammar of distribution/reference: a tag is `[\w][\w.-]{0,127}`, repository
 * path components are lowercase `[a-z0-9]+` joined by `.`, `_`, `__` or dashes.
 */

export interface ImageProblem {
  severity: 'error' | 'warning';
  message: string;
}

const ECS_CHARS = /^[A-Za-z0-9_:./#-]+$/;
const MAX_NAME_LENGTH = 255;
const DIGEST = /^sha256:[A-Fa-f0-9]{64}$/;
const TAG = /^\w[\w.-]{0,127}$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
/** Whitespace, control and format characters (zero-width spaces, direction marks): invisible in a terminal. */
const INVISIBLE = /[\p{Z}\p{C}]/u;

/** Text with invisible characters spelled out (`web\u200b`), so a message shows what is really there. */
export function visible(text: string): string {
  return [...text]
    .map((ch) => (ch !== ' ' && INVISIBLE.test(ch) ? `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}` : ch))
    .join('');
}

/** `registry:5000/team/app:1.2@sha256:...` → its registry host (if any), path, tag and digest. */
function parts(image: string): { domain: string | undefined; path: string; tag: string | undefined; digest: string | undefined } {
  const at = image.indexOf('@');
  const name = at < 0 ? image : image.slice(0, at);
  const digest = at < 0 ? undefined : image.slice(at + 1);
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const repository = colon > slash ? name.slice(0, colon) : name;
  const tag = colon > slash ? name.slice(colon + 1) : undefined;
  // As docker reads it: the first component is a registry when it looks like a host (a dot, a port, localhost).
  const first = repository.indexOf('/');
  const head = first < 0 ? '' : repository.slice(0, first);
  const isDomain = first >= 0 && (head.includes('.') || head.includes(':') || head === 'localhost');
  return { domain: isDomain ? head : undefined, path: isDomain ? repository.slice(first + 1) : repository, tag, digest };
}

export function imageProblems(image: string): ImageProblem[] {
  const error = (message: string): ImageProblem[] => [{ severity: 'error', message }];
  if (image === '') return error('an image reference must not be empty');
  if (INVISIBLE.test(image)) return error(`\`${visible(image)}\` holds whitespace or invisible characters, which ECS refuses in an image`);
  const at = image.indexOf('@');
  const name = at < 0 ? image : image.slice(0, at);
  if (!ECS_CHARS.test(name)) {
    return error(`\`${image}\` is not an image ECS accepts: letters, digits, and - _ : . / # only (and @ before a digest)`);
  }
  if (name.length > MAX_NAME_LENGTH)
    return error(`the image name is ${name.length} characters long; ECS accepts at most ${MAX_NAME_LENGTH}`);
  const p = parts(image);
  if (p.digest !== undefined && !DIGEST.test(p.digest)) {
    return error(`\`${image}\` has a malformed digest: ECS takes only sha256: followed by exactly 64 hexadecimal digits`);
  }
  if (p.tag !== undefined && !TAG.test(p.tag)) {
    return error(
      `\`${image}\` has an invalid tag: a tag is 1 to 128 letters, digits, _ . and -, and does not start with . or - (the reference grammar registries use)`,
    );
  }
  if (name.includes('::')) {
    return [{ severity: 'warning', message: `\`${image}\` has \`::\`: ECS registers it, but no registry can pull it` }];
  }
  const components = p.path.split('/');
  if (/[A-Z]/.test(p.path)) {
    return [
      {
        severity: 'warning',
        message: `\`${image}\` has uppercase letters in its repository: ECS registers it, but registries take lowercase names only`,
      },
    ];
  }
  if (!components.every((c) => PATH_COMPONENT.test(c))) {
    return [
      {
        severity: 'warning',
        message: `\`${image}\` is not a repository name registries accept (lowercase letters and digits, joined by . _ or -): ECS registers it, but no registry can pull it`,
      },
    ];
  }
  return [];
}
