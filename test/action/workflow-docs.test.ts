// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are GitHub Actions expressions, not templates
/**
 * The workflows shown in README.md and docs/github-action.md parse, and use the action as action.yml defines it:
 * only its inputs, a command it runs, and only outputs it sets (including through job outputs).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = resolve(__dirname, '../..');
const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
};
const COMMANDS = ['plan', 'apply', 'rollback', 'status', 'promote', 'abort'];

interface Step {
  id?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  steps: Step[];
  outputs?: Record<string, string>;
  needs?: string | string[];
}
interface Workflow {
  on: unknown;
  jobs: Record<string, Job>;
}

function workflows(file: string): Workflow[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)]
    .map((m) => m[1] as string)
    .filter((block) => /^jobs:/m.test(block))
    .map((block) => parse(block) as Workflow);
}

const isOurs = (step: Step) => typeof step.uses === 'string' && /(^\.\/?$|\/ecsdeploy@)/.test(step.uses);

describe.each(['README.md', 'docs/github-action.md'])('the workflows in %s', (file) => {
  const found = workflows(file);

  it('exist, parse, and use the action', () => {
    expect(found.length).toBeGreaterThan(0);
    for (const wf of found) {
      expect(wf.on).toBeDefined();
      expect(Object.values(wf.jobs).some((job) => job.steps.some(isOurs))).toBe(true);
    }
  });

  it('give the action only its inputs and a command it runs', () => {
    for (const wf of found) {
      for (const step of Object.values(wf.jobs).flatMap((job) => job.steps.filter(isOurs))) {
        for (const key of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs), key).toContain(key);
        expect(COMMANDS).toContain(step.with?.command ?? 'plan');
      }
    }
  });

  it('read only outputs the action sets, and only job outputs a job declares', () => {
    for (const wf of found) {
      const text = JSON.stringify(wf);
      for (const [jobName, job] of Object.entries(wf.jobs)) {
        const ids = new Set(job.steps.filter(isOurs).map((s) => s.id));
        const jobText = JSON.stringify(job);
        for (const m of jobText.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
          if (ids.has(m[1])) expect(Object.keys(action.outputs), `${jobName}: ${m[0]}`).toContain(m[2]);
        }
      }
      for (const m of text.matchAll(/needs\.([\w-]+)\.outputs\.([\w-]+)/g)) {
        expect(Object.keys(wf.jobs[m[1] as string]?.outputs ?? {}), m[0]).toContain(m[2]);
      }
    }
  });
});
