/**
 * The editor check of issue 12: yaml-language-server (what the VS Code YAML extension runs), driven over stdio as
 * an editor drives it, opens ecsdeploy.yaml.example, finds the schema through the file's modeline
 * (`# yaml-language-server: $schema=./schema/ecsdeploy.schema.json`), and explains keys on hover and offers the
 * schema's keys on completion, inside a service and inside a strategy. A manifest without a modeline gets the
 * schema from the `yaml.schemas` setting (docs/editor.md). The schema store is off: nothing is fetched.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type LspClient, startYamlLanguageServer } from './lsp-client.js';

const ROOT = resolve(__dirname, '../..');
const EXAMPLE = resolve(ROOT, 'ecsdeploy.yaml.example');
const SCHEMA_FILE = resolve(ROOT, 'schema/ecsdeploy.schema.json');
const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as {
  $defs: Record<string, { properties: Record<string, { description: string; examples?: unknown[] }> }>;
  properties: Record<string, { description: string }>;
};
const exampleText = readFileSync(EXAMPLE, 'utf8');

interface Hover {
  contents: { kind: string; value: string } | string;
}
interface CompletionItem {
  label: string;
}
type Completion = { items: CompletionItem[] } | CompletionItem[];
interface Diagnostic {
  message: string;
  range: { start: { line: number } };
}

const SETTINGS = {
  yaml: {
    validate: true,
    hover: true,
    completion: true,
    schemaStore: { enable: false },
    // For files without the modeline; what docs/editor.md tells VS Code users to set.
    schemas: { [pathToFileURL(SCHEMA_FILE).href]: ['ecsdeploy.yaml', 'ecsdeploy.yml'] },
  },
};

let server: LspClient;
let version = 0;

/** Opens (or replaces) a document and returns its URI. */
function open(uri: string, text: string): string {
  version += 1;
  server.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version, text } });
  return uri;
}

/** 0-based line of the first line of `text` that starts with `prefix` after `after` (also a line prefix). */
function lineOf(text: string, prefix: string, after?: string): number {
  const lines = text.split('\n');
  const from = after === undefined ? 0 : lines.findIndex((l) => l.startsWith(after));
  const at = lines.findIndex((l, i) => i >= from && l.startsWith(prefix));
  if (from < 0 || at < 0) throw new Error(`no line starting with ${JSON.stringify(prefix)} in the document`);
  return at;
}

/** The text with `line` inserted after line `at` (0-based). */
function insertLine(text: string, at: number, line: string): string {
  const lines = text.split('\n');
  lines.splice(at + 1, 0, line);
  return lines.join('\n');
}

async function hover(uri: string, line: number, character: number): Promise<string> {
  const h = await server.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line, character } });
  if (!h) return '';
  return typeof h.contents === 'string' ? h.contents : h.contents.value;
}

async function complete(uri: string, line: number, character: number): Promise<string[]> {
  const c = await server.request<Completion | null>('textDocument/completion', { textDocument: { uri }, position: { line, character } });
  const items = Array.isArray(c) ? c : (c?.items ?? []);
  return items.map((i) => i.label);
}

/** The diagnostics the server publishes for `uri` (it validates a document after opening it). */
async function diagnosticsOf(uri: string): Promise<Diagnostic[]> {
  for (let waited = 0; waited < 10_000; waited += 50) {
    const found = server.notifications.filter(
      (n) => n.method === 'textDocument/publishDiagnostics' && (n.params as { uri: string }).uri === uri,
    );
    const last = found.at(-1);
    if (last) return (last.params as { diagnostics: Diagnostic[] }).diagnostics;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no diagnostics for ${uri}`);
}

const description = (def: string, key: string) => schema.$defs[def]?.properties[key]?.description as string;
/** The first sentence of a description: hover text is Markdown-escaped by the server, so compare a plain part. */
const plain = (text: string) => (text.split(/[`(,:;]/)[0] as string).trim();

beforeAll(async () => {
  server = startYamlLanguageServer(SETTINGS);
  await server.request('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(ROOT).href,
    capabilities: {
      workspace: { configuration: true },
      textDocument: {
        hover: { contentFormat: ['markdown', 'plaintext'] },
        completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
      },
    },
  });
  server.notify('initialized', {});
  server.notify('workspace/didChangeConfiguration', { settings: SETTINGS });
});

afterAll(async () => {
  await server?.stop();
});

describe('ecsdeploy.yaml.example in yaml-language-server', () => {
  const uri = pathToFileURL(EXAMPLE).href;

  it('finds the schema through the modeline and flags nothing in the example but interpolated values', async () => {
    open(uri, exampleText);
    expect(exampleText).toMatch(/^# yaml-language-server: \$schema=\.\/schema\/ecsdeploy\.schema\.json$/m);
    const problems = await diagnosticsOf(uri);
    // The editor checks the text as written; ecsdeploy checks values after `${...}` interpolation, so a pattern
    // can flag `cluster: shop-${var:stage}` in the editor (docs/editor.md says so). Nothing else may be flagged.
    const lines = exampleText.split('\n');
    const notInterpolated = problems.filter((d) => !lines[d.range.start.line]?.includes('${'));
    expect(notInterpolated.map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it.each([
    ['a top-level key', 'region:', undefined, schema.properties.region?.description as string],
    ['a service key', '    desiredCount: 2', 'services:', description('service', 'desiredCount')],
    ['a key set under defaults', '  cluster:', 'defaults:', description('defaults', 'cluster')],
    ['a canary gate key', '            failureLimit:', 'environments:', description('gate', 'failureLimit')],
    ['a blue-green strategy key', '      deploymentGroup:', 'services:', description('blueGreenStrategy', 'deploymentGroup')],
  ])('explains %s on hover with its schema description', async (_what, prefix, after, expected) => {
    open(uri, exampleText);
    const line = lineOf(exampleText, prefix, after);
    const character = prefix.length - prefix.trimStart().length + 1;
    const text = await hover(uri, line, character);
    expect(text).toContain(plain(expected));
  });

  it('shows the examples on hover too', async () => {
    open(uri, exampleText);
    const text = await hover(uri, lineOf(exampleText, '  platformVersion:', 'defaults:'), 3);
    expect(text).toContain('LATEST');
    expect(text).toContain('1.4.0');
  });

  it('offers the service keys not yet written, inside a service', async () => {
    const at = lineOf(exampleText, '    strategy: { type: rolling }', '  web:');
    const text = insertLine(exampleText, at, '    ');
    open(uri, text);
    const offered = await complete(uri, at + 1, 4);
    const written = Object.keys((parse(exampleText) as { services: Record<string, object> }).services.web ?? {});
    const expected = Object.keys(schema.$defs.service?.properties ?? {}).filter((k) => !written.includes(k));
    expect(expected.length).toBeGreaterThan(20);
    expect(offered).toEqual(expect.arrayContaining(expected));
    expect(written).toContain('dependsOn');
    expect(offered).not.toContain('dependsOn'); // already written in this service
  });

  it('offers the keys of the strategy the type chose, inside a strategy and inside its gate', async () => {
    // The production canary: `listener` is the one canary key not written; blue-green keys are not offered.
    const canaryAt = lineOf(exampleText, '          stable:', 'environments:');
    open(uri, insertLine(exampleText, canaryAt, '          '));
    const inCanary = await complete(uri, canaryAt + 1, 10);
    expect(inCanary).toContain('listener');
    expect(inCanary).not.toContain('deploymentGroup');

    // The blue-green test-traffic gate: the gate keys not written yet.
    const holdAt = lineOf(exampleText, '        hold: 5m', '  api:');
    open(uri, insertLine(exampleText, holdAt, '        '));
    const inGate = await complete(uri, holdAt + 1, 8);
    expect(inGate).toEqual(
      expect.arrayContaining(['interval', 'metricDelay', 'failureLimit', 'inconclusiveLimit', 'noData', 'minRequests', 'tasks']),
    );
  });

  it('offers a key’s examples as values', async () => {
    const at = lineOf(exampleText, '    strategy: { type: rolling }', '  web:');
    const text = insertLine(exampleText, at, '    platformVersion: ');
    open(uri, text);
    const offered = await complete(uri, at + 1, '    platformVersion: '.length);
    expect(offered).toEqual(expect.arrayContaining(schema.$defs.service?.properties.platformVersion?.examples as string[]));
  });
});

describe('a manifest without the modeline', () => {
  it('gets the schema from the yaml.schemas setting, by file name', async () => {
    // Never written: the server reads the document from the editor, not from disk.
    const uri = pathToFileURL(resolve(ROOT, 'deploy', 'ecsdeploy.yaml')).href;
    open(uri, 'version: 1\nregion: us-east-1\nservices:\n  web:\n    cluster: hello\n    desiredCount: many\n');
    expect(await hover(uri, 1, 1)).toContain(plain(schema.properties.region?.description as string));
    const problems = await diagnosticsOf(uri);
    expect(problems.map((d) => d.range.start.line + 1)).toContain(6);
  });
});
