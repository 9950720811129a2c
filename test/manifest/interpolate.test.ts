// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are manifest interpolation syntax, not templates
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/manifest/index.js';
import { expand } from '../../src/manifest/interpolate.js';

const ctx = { env: { TAG: '1.2.3', EMPTY: '', SECRET_TOKEN: 'hunter2' }, vars: { region: 'eu-west-1' } };

describe('interpolation', () => {
  it('replaces env and var references and keeps the rest of the string', () => {
    expect(expand('repo:${env:TAG}-${var:region}', ctx)).toEqual({ ok: true, value: 'repo:1.2.3-eu-west-1' });
  });

  it('uses the default after :- when the variable is unset or empty, like a shell', () => {
    expect(expand('${env:NOPE:-x}', ctx)).toEqual({ ok: true, value: 'x' });
    expect(expand('${env:EMPTY:-x}', ctx)).toEqual({ ok: true, value: 'x' });
    expect(expand('${env:EMPTY}', ctx)).toEqual({ ok: true, value: '' });
    expect(expand('${var:nope:-a:b}', ctx)).toEqual({ ok: true, value: 'a:b' });
  });

  it('turns $${ into a literal ${ and never interpolates what follows it', () => {
    expect(expand('echo $${HOME} $${env:TAG}', ctx)).toEqual({ ok: true, value: 'echo ${HOME} ${env:TAG}' });
  });

  it('leaves a lone $ and shell syntax alone: nothing is ever run', () => {
    expect(expand('cost: $5; $(rm -rf /); `id`', ctx)).toEqual({ ok: true, value: 'cost: $5; $(rm -rf /); `id`' });
  });

  it('names the missing variable and how to fix it, without printing any value', () => {
    const r = expand('${env:NOPE}', ctx);
    expect(r).toMatchObject({ ok: false, message: expect.stringContaining('environment variable NOPE is not set') });
    const v = expand('${var:tag}', ctx);
    expect(v).toMatchObject({ ok: false, message: expect.stringContaining('--var tag=VALUE') });
  });

  it('says where in the string the failing reference starts', () => {
    expect(expand('a-${env:TAG}-${env:NOPE}', ctx)).toMatchObject({ ok: false, at: 13 });
  });

  it('rejects unknown and unterminated references', () => {
    expect(expand('${TAG}', ctx).ok).toBe(false);
    expect(expand('${env:TAG', ctx).ok).toBe(false);
    expect(expand('${env:1BAD}', ctx).ok).toBe(false);
  });

  it('refuses ${var:...} where variables are being defined', () => {
    expect(expand('${var:region}', { env: {}, vars: undefined })).toEqual({
      ok: false,
      at: 0,
      message: expect.stringContaining('cannot be used inside vars'),
    });
  });
});

describe('interpolation of nested references', () => {
  it('expands a reference in a default only when the default is used, as a shell does', () => {
    const env = { env: { A: 'a', B: 'b', EMPTY: '' }, vars: { v: 'x' } };
    expect(expand('${env:A:-${env:B}}', env)).toEqual({ ok: true, value: 'a' });
    expect(expand('${env:NOPE:-${env:B}}', env)).toEqual({ ok: true, value: 'b' });
    expect(expand('${env:EMPTY:-${var:v}-${env:NOPE:-z}}!', env)).toEqual({ ok: true, value: 'x-z!' });
    expect(expand('${env:A:-${env:NOPE}}', env)).toEqual({ ok: true, value: 'a' });
    expect(expand('${env:NOPE:-$${literal}}', env)).toEqual({ ok: true, value: '${literal}' });
  });

  it('names the missing variable of a nested default and where it starts', () => {
    expect(expand('x-${env:NOPE:-${env:ALSO_NOPE}}', { env: {}, vars: {} })).toEqual({
      ok: false,
      at: 14,
      message: expect.stringContaining('environment variable ALSO_NOPE is not set'),
    });
  });

  it('refuses defaults nested absurdly deep with a message, instead of overflowing the stack', () => {
    const deep = `\${env:A:-`.repeat(50_000) + 'x' + '}'.repeat(50_000);
    expect(expand(deep, { env: {}, vars: {} })).toMatchObject({ ok: false, message: 'references nested more than 8 deep in defaults' });
    const fine = `\${env:A:-`.repeat(8) + 'x' + '}'.repeat(8);
    expect(expand(fine, { env: {}, vars: {} })).toEqual({ ok: true, value: 'x' });
  });

  it('rejects a nested reference that is never closed', () => {
    expect(expand('${env:A:-${env:B}', { env: { A: 'a' }, vars: {} })).toMatchObject({
      ok: false,
      at: 0,
      message: expect.stringContaining('unterminated'),
    });
  });
});

describe('--var values', () => {
  it('are taken literally: a reference inside one is text, and a variable is never expanded twice', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ecsdeploy-var-'));
    writeFileSync(
      join(cwd, 'ecsdeploy.yaml'),
      'version: 1\nservices:\n  web:\n    cluster: shop\n    taskDefinition: { family: web, containerDefinitions: [{ name: web, image: nginx }] }\n    environment: { web: { NOTE: "${var:note}", OTHER: "${var:other}" } }\nvars: { other: "$${env:HOME}" }\n',
    );
    const m = loadManifest({ cwd, env: { HOME: '/root', TAG: '1' }, vars: ['note=${env:TAG}-$${x}-$(id)'] });
    expect(m.services[0]?.environment.web).toEqual({ NOTE: '${env:TAG}-$${x}-$(id)', OTHER: '${env:HOME}' });
  });
});
