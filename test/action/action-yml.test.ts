// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are GitHub Actions expressions, not templates
/**
 * action.yml and action/run.mjs must agree: every input reaches the script, every output is one the script
 * sets. And the install step refuses a version that is not one before it reaches npm.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = resolve(__dirname, '../..');

interface Step {
  id?: string;
  name: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  if?: string;
  with?: Record<string, string>;
}
interface ActionYml {
  runs: { using: string; steps: Step[] };
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
}

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionYml;
const script = ['run.mjs', 'inputs.mjs'].map((f) => readFileSync(join(ROOT, 'action', f), 'utf8')).join('\n');
const step = (id: string) => action.runs.steps.find((s) => s.id === id) as Step;

describe('action.yml', () => {
  it('is a composite action: no Node runtime of its own to deprecate', () => {
    expect(action.runs.using).toBe('composite');
    expect(step('run').run).toBe('node "$GITHUB_ACTION_PATH/action/run.mjs"');
  });

  it('hands every input to a step, and the script reads each INPUT_ it is given', () => {
    const env = step('run').env ?? {};
    const handled = new Set(['version', 'working-directory', 'upload-artifact', 'github-token']);
    for (const name of Object.keys(action.inputs).filter((n) => !handled.has(n))) {
      const variable = `INPUT_${name.toUpperCase().replace(/-/g, '_')}`;
      expect(env[variable], name).toBe(`\${{ inputs.${name} }}`);
      expect(script, variable).toContain(`env.${variable}`);
    }
    expect(env.GITHUB_TOKEN).toBe('${{ inputs.github-token }}');
    expect(env.ECSDEPLOY_BIN).toBe('${{ steps.install.outputs.bin }}');
  });

  it('declares only outputs the script sets', () => {
    for (const [name, output] of Object.entries(action.outputs)) {
      expect(output.value).toBe(`\${{ steps.run.outputs.${name} }}`);
      expect(script, name).toContain(`setOutput(env, '${name}'`);
    }
  });

  it('refuses a version that is not one, before calling npm', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-action-install-'));
    try {
      const output = join(dir, 'output');
      writeFileSync(output, '');
      const result = spawnSync('bash', ['-c', step('install').run as string], {
        env: {
          PATH: process.env.PATH ?? '',
          VERSION: '1.0.0; echo pwned',
          RUNNER_TEMP: dir,
          GITHUB_OUTPUT: output,
          GITHUB_ACTION_PATH: ROOT,
        },
        encoding: 'utf8',
      });
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('::error title=ecsdeploy::version: "1.0.0; echo pwned" is not a version (e.g. 0.1.0) or local\n');
      expect(readFileSync(output, 'utf8')).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
