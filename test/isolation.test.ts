/**
 * Test files share a module graph per worker (vitest.config.ts `isolate: false`); test/_helpers/isolation.ts puts
 * back the real `send` of SDK clients a file left mocked. A client missing from its list leaks one file's mock into
 * the next file of the same worker (a moto suite then sees "unexpected AWS call"), so the list must name every
 * SDK client the project depends on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLIENTS } from './_helpers/isolation.js';

describe('test isolation', () => {
  it('restores every AWS SDK client package.json depends on', async () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const packages = Object.keys(pkg.dependencies).filter((d) => d.startsWith('@aws-sdk/client-'));
    const missing: string[] = [];
    for (const name of packages) {
      const exported = Object.values((await import(name)) as Record<string, unknown>);
      if (!exported.some((value) => (CLIENTS as unknown[]).includes(value))) missing.push(name);
    }
    expect(missing).toEqual([]);
  });
});
