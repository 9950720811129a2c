/**
 * Module boundaries, checked mechanically: the folder table of the shared ARCHITECTURE.md ("may import"), with
 * the departures the code taught us, each with its reason here and in docs/architecture.md. Every way a module
 * reaches another counts: `import`, `import type`, `export … from`, side-effect imports and dynamic `import()`.
 * Only src/aws/ imports the AWS SDK, and only src/cli/ touches `process` or `console` (house rule 1: the engine is
 * silent and is handed env, clock and streams). Sources are parsed with the TypeScript compiler, so comments and
 * strings never count and no import form slips past a regular expression.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..');
const SRC = join(ROOT, 'src');

interface Allowed {
  /** Folders it may import values (and types) from; `*` for every folder. */
  runtime: string[];
  /** Folders it may import types only from. */
  types?: string[];
}

/**
 * ARCHITECTURE.md's table, plus these departures (docs/architecture.md says the same):
 * - `util` is importable by every folder: it holds the Clock every wait goes through (rule 6), durations, ARN
 *   names, backoff and chunking, and imports nothing itself.
 * - `engine` imports `aws` port types: its context carries the ports it hands to strategies (never a client).
 * - `live` and `render` import `plan` at run time: the live read keeps secrets out of its on-disk cache, and the
 *   plan renderers redact, with the plan's own pure redaction (rule 9: one definition of "sensitive").
 * - `events` imports `plan` types: the `plan.computed` event carries the Plan value.
 * - `gates` imports `errors`: the gate engine tells an AWS error from the ports (`AwsApiError`) and refuses an
 *   unknown target group with a typed error, as every other folder may.
 * - `api` is the library (`src/index.ts` re-exports it): a composition root like `cli`, so it may import every
 *   folder but `cli` (the CLI is one of its users, not the other way round), and it reads `process` for the
 *   defaults a program does not give (working directory, environment). `src/index.ts` counts as `api`.
 */
const ALLOWED: Record<string, Allowed> = {
  cli: { runtime: ['*'] },
  api: {
    runtime: ['manifest', 'live', 'plan', 'engine', 'strategies', 'gates', 'aws', 'events', 'render', 'sandbox', 'model', 'errors', 'util'],
  },
  manifest: { runtime: ['model', 'errors', 'util'] },
  live: { runtime: ['model', 'errors', 'util', 'plan'], types: ['aws'] },
  plan: { runtime: ['model', 'errors', 'util'] },
  engine: { runtime: ['strategies', 'gates', 'live', 'plan', 'events', 'model', 'errors', 'util'], types: ['aws'] },
  strategies: { runtime: ['gates', 'events', 'model', 'errors', 'util'], types: ['aws'] },
  gates: { runtime: ['events', 'model', 'errors', 'util'], types: ['aws'] },
  aws: { runtime: ['errors', 'util'] },
  events: { runtime: [], types: ['plan'] },
  render: { runtime: ['events', 'plan', 'model', 'errors', 'util'] },
  sandbox: { runtime: ['util', 'model', 'errors'] },
  model: { runtime: [] },
  errors: { runtime: [] },
  util: { runtime: [] },
};

/** Who may import the AWS SDK (`@aws-sdk/*`, `@smithy/*`): the client factory, ports and error mapping. */
const SDK_IMPORTERS = ['aws'];
/** Who may touch `process` and `console`: the composition root. */
const PROCESS_OWNERS = ['cli'];
/** Who may touch `process` but not `console`: the library, for the defaults a program does not give (cwd, env). */
const PROCESS_READERS = ['api'];
const PROCESS_GLOBALS = new Set(['process', 'console']);
const GLOBAL_OBJECTS = new Set(['globalThis', 'global', 'self', 'window']);

interface Violation {
  file: string;
  line: number;
  found: string;
  why: string;
}

interface ModuleReference {
  spec: string;
  typesOnly: boolean;
  node: ts.Node;
}

/** Every module a source file reaches: imports, `export … from`, `import x = require()`, dynamic `import()`. */
function moduleReferences(source: ts.SourceFile): ModuleReference[] {
  const out: ModuleReference[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const allNamedTypes =
        named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
      const typesOnly = Boolean(clause && (clause.isTypeOnly || (!clause.name && allNamedTypes)));
      out.push({ spec: node.moduleSpecifier.text, typesOnly, node });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.exportClause;
      const allNamedTypes = clause !== undefined && ts.isNamedExports(clause) && clause.elements.every((e) => e.isTypeOnly);
      out.push({ spec: node.moduleSpecifier.text, typesOnly: node.isTypeOnly || allNamedTypes, node });
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      out.push({ spec: node.moduleReference.expression.text, typesOnly: node.isTypeOnly, node });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      // A computed specifier cannot be checked: it is a violation in itself.
      out.push({ spec: arg && ts.isStringLiteralLike(arg) ? arg.text : '<computed>', typesOnly: false, node });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      out.push({ spec: node.argument.literal.text, typesOnly: true, node });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** Is this identifier a reference to a variable (not a property name, a declared name or a label)? */
function isReference(id: ts.Identifier): boolean {
  const p = id.parent;
  if ((ts.isPropertyAccessExpression(p) || ts.isQualifiedName(p)) && (p as { name?: ts.Node }).name === id) return false;
  if (
    (ts.isPropertyAssignment(p) || ts.isPropertySignature(p) || ts.isPropertyDeclaration(p) || ts.isMethodDeclaration(p)) &&
    p.name === id
  ) {
    return false;
  }
  if ((ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isFunctionDeclaration(p) || ts.isBindingElement(p)) && p.name === id) {
    return false;
  }
  if ((ts.isImportSpecifier(p) || ts.isExportSpecifier(p)) && p.propertyName === id) return false;
  if (ts.isLabeledStatement(p) || ts.isBreakOrContinueStatement(p)) return false;
  return true;
}

/** Uses of `process` / `console`: as a variable, or as a property of the global object (`globalThis.process`). */
function processUses(source: ts.SourceFile): { name: string; node: ts.Node }[] {
  const out: { name: string; node: ts.Node }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && PROCESS_GLOBALS.has(node.text) && isReference(node)) out.push({ name: node.text, node });
    if (ts.isPropertyAccessExpression(node) && PROCESS_GLOBALS.has(node.name.text) && ts.isIdentifier(node.expression)) {
      if (GLOBAL_OBJECTS.has(node.expression.text)) out.push({ name: `${node.expression.text}.${node.name.text}`, node });
    }
    if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression) && ts.isIdentifier(node.expression)) {
      if (GLOBAL_OBJECTS.has(node.expression.text) && PROCESS_GLOBALS.has(node.argumentExpression.text)) {
        out.push({ name: `${node.expression.text}['${node.argumentExpression.text}']`, node });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** The violations in one file; `path` is relative to the repository root (`src/<folder>/...`). */
function checkSource(path: string, text: string): Violation[] {
  // The package entry, src/index.ts, only re-exports the library: it is held to the library's rules.
  const folder = path === 'src/index.ts' ? 'api' : (path.split('/')[1] as string);
  const allowed = ALLOWED[folder];
  if (!allowed) return [{ file: path, line: 1, found: `src/${folder}`, why: `folder src/${folder} is not in the architecture table` }];
  const kind = path.endsWith('.js') || path.endsWith('.mjs') ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, kind);
  const out: Violation[] = [];
  const add = (node: ts.Node, found: string, why: string) =>
    out.push({ file: path, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, found, why });

  for (const ref of moduleReferences(source)) {
    const { spec } = ref;
    if (spec === '<computed>') {
      add(ref.node, 'import(<computed>)', 'a dynamic import must name its module, so its boundary can be checked');
    } else if (spec.startsWith('@aws-sdk/') || spec.startsWith('@smithy/')) {
      if (!SDK_IMPORTERS.includes(folder)) add(ref.node, spec, 'only src/aws/ may import the AWS SDK');
    } else if (/^(node:)?(process|console)$/.test(spec)) {
      const reader = PROCESS_READERS.includes(folder) && spec.endsWith('process');
      if (!PROCESS_OWNERS.includes(folder) && !reader) add(ref.node, spec, `only src/cli/ may touch process and console`);
    } else if (spec.startsWith('.')) {
      const target = relative(SRC, resolve(ROOT, dirname(path), spec)).split('/')[0] as string;
      if (target === folder) continue;
      const runtime = allowed.runtime.includes('*') || allowed.runtime.includes(target);
      if (runtime) continue;
      if (allowed.types?.includes(target)) {
        if (!ref.typesOnly) add(ref.node, spec, `src/${folder} may import only types from src/${target}`);
      } else {
        add(ref.node, spec, `src/${folder} may not import src/${target}`);
      }
    }
  }
  if (!PROCESS_OWNERS.includes(folder)) {
    for (const use of processUses(source)) {
      if (PROCESS_READERS.includes(folder) && use.name.endsWith('process')) continue;
      add(use.node, use.name, 'only src/cli/ may touch process and console');
    }
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

describe('module boundaries', () => {
  it('every file in src/ respects the architecture table, the SDK rule and the process/console rule', () => {
    const violations = sourceFiles(SRC).flatMap((file) => checkSource(relative(ROOT, file), readFileSync(file, 'utf8')));
    expect(violations).toEqual([]);
  });

  it('every folder of src/ is in the table, and every folder in the table exists', () => {
    const folders = readdirSync(SRC).filter((name) => statSync(join(SRC, name)).isDirectory());
    expect(folders.sort()).toEqual(Object.keys(ALLOWED).sort());
  });
});

describe('the boundary check itself', () => {
  const why = (path: string, text: string) => checkSource(path, text).map((v) => `${v.found}: ${v.why}`);

  it.each([
    ['a static import', 'src/render/x.ts', "import { applyPlan } from '../engine/apply.js';", 'src/render may not import src/engine'],
    ['an export … from', 'src/render/x.ts', "export { createAwsPorts } from '../aws/clients.js';", 'src/render may not import src/aws'],
    [
      'a type-only export … from',
      'src/render/x.ts',
      "export type { AwsPorts } from '../aws/ports.js';",
      'src/render may not import src/aws',
    ],
    ['a side-effect import', 'src/plan/x.ts', "import '../live/index.js';", 'src/plan may not import src/live'],
    ['a dynamic import', 'src/strategies/x.ts', "const live = await import('../live/index.js');", 'src/strategies may not import src/live'],
    ['a computed dynamic import', 'src/engine/x.ts', 'const m = await import(name);', 'a dynamic import must name its module'],
    ['an import type node', 'src/render/x.ts', "let p: import('../engine/types.js').ApplyResult;", 'src/render may not import src/engine'],
    [
      'a value import where only types may come',
      'src/strategies/x.ts',
      "import { createAwsPorts } from '../aws/clients.js';",
      'may import only types from src/aws',
    ],
    [
      'a mixed import where only types may come',
      'src/live/x.ts',
      "import { type AwsPorts, createAwsPorts } from '../aws/clients.js';",
      'may import only types',
    ],
    [
      'a folder the table keeps apart',
      'src/gates/x.ts',
      "import { rollingStrategy } from '../strategies/rolling.js';",
      'src/gates may not import src/strategies',
    ],
    [
      'the SDK outside src/aws',
      'src/sandbox/x.ts',
      "import type { HttpRequest } from '@smithy/protocol-http';",
      'only src/aws/ may import the AWS SDK',
    ],
    ['process, read', 'src/engine/x.ts', 'const region = process.env.AWS_REGION;', 'only src/cli/ may touch process'],
    ['console, called', 'src/render/x.ts', "console.log('hello');", 'only src/cli/ may touch process'],
    ['process through the global object', 'src/aws/x.ts', "const env = globalThis['process'].env;", 'only src/cli/ may touch process'],
    ['process, passed on', 'src/sandbox/x.ts', 'start({ process });', 'only src/cli/ may touch process'],
    ['the process module', 'src/util/x.ts', "import { env } from 'node:process';", 'only src/cli/ may touch process'],
    ['a folder the table does not know', 'src/helpers/x.ts', 'export const x = 1;', 'not in the architecture table'],
    ['console in the library', 'src/api/x.ts', "console.warn('deprecated');", 'only src/cli/ may touch process'],
    ['the library importing the CLI', 'src/api/x.ts', "import { run } from '../cli/main.js';", 'src/api may not import src/cli'],
    ['the package entry importing the CLI', 'src/index.ts', "export { run } from './cli/main.js';", 'src/api may not import src/cli'],
  ])('catches %s', (_what, path, text, expected) => {
    expect(why(path, text)).toEqual([expect.stringContaining(expected)]);
  });

  it.each([
    ['port types where types may come', 'src/strategies/x.ts', "import type { AwsPorts } from '../aws/ports.js';"],
    [
      'named type-only imports where types may come',
      'src/engine/x.ts',
      "import { type AwsPorts, type EcsService } from '../aws/ports.js';",
    ],
    ['a dynamic import the table allows', 'src/cli/x.ts', "const { createSandboxRuntime } = await import('../sandbox/runtime.js');"],
    ['process and console in src/cli', 'src/cli/x.ts', 'process.exitCode = 1; console.error(process.argv);'],
    ['process read by the library for its defaults', 'src/api/x.ts', 'const env = options.env ?? process.env;'],
    [
      'the words in comments, strings and property names',
      'src/engine/x.ts',
      "// process.env and console.log\nconst s = 'in-process console'; const o = { process: 1, console: 2 }; o.process += o.console;",
    ],
  ])('lets %s pass', (_what, path, text) => {
    expect(why(path, text)).toEqual([]);
  });
});
