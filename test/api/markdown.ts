import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/** The fenced blocks of one language (```js, ```ts) in a Markdown file of the repository, in order. */
export function codeBlocks(file: string, language: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(new RegExp(`^\`\`\`${language}[ \\t]*\\n([\\s\\S]*?)^\`\`\``, 'gm'))].map((m) => m[1] as string);
}
