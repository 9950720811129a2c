/** validate, render and schema through the real CLI entry (`run()`), in-process. None of them may touch AWS. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cli } from 'clipanion';
import { describe, expect, it } from 'vitest';
import { buildCli } from '../../src/cli/main.js';
import { REPO } from './paths.js';
import { runCli } from './run-cli.js';

describe('ecsdeploy validate', () => {
  it('prints a one-line summary to stderr and exits 0 for a valid manifest in one environment', async () => {
    const r = await runCli(['validate', '-f', 'examples/multi/ecsdeploy.yaml', '--env', 'production']);
    expect(r).toEqual({ code: 0, stdout: '', stderr: 'examples/multi/ecsdeploy.yaml: valid (3 services, environment production)\n' });
  });

  it('checks every environment when none is chosen', async () => {
    const r = await runCli(['validate', '-f', 'examples/multi/ecsdeploy.yaml']);
    expect(r.stderr).toBe('examples/multi/ecsdeploy.yaml: valid (3 services, environments staging, production)\n');
    expect(r.code).toBe(0);
  });

  it('finds ecsdeploy.yaml in the working directory', async () => {
    const r = await runCli(['validate'], { cwd: join(REPO, 'examples/rolling') });
    expect(r).toEqual({ code: 0, stdout: '', stderr: 'ecsdeploy.yaml: valid (1 service)\n' });
  });

  it.each(['rolling', 'blue-green', 'canary', 'multi'])('accepts examples/%s', async (dir) => {
    const r = await runCli(['validate', '-f', `examples/${dir}/ecsdeploy.yaml`]);
    expect(r.stderr).toMatch(/: valid \(/);
    expect(r.code).toBe(0);
  });

  it('accepts the feature tour ecsdeploy.yaml.example', async () => {
    const r = await runCli(['validate', '-f', 'ecsdeploy.yaml.example']);
    expect(r).toEqual({
      code: 0,
      stdout: '',
      stderr: 'ecsdeploy.yaml.example: valid (3 services, 1 task, environments staging, production)\n',
    });
  });

  it('checks command-line overrides too', async () => {
    const image = await runCli(['validate', '-f', 'examples/rolling/ecsdeploy.yaml', '--image', 'nginx=nginx:1']);
    expect(image).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error [IMAGE_OVERRIDE_UNUSED]: --image nginx=...: no service has a container named `nginx` (containers: web)\n',
    });
    const percents = await runCli(['validate', '-f', 'examples/rolling/ecsdeploy.yaml', '--min', '100', '--max', '100']);
    expect(percents.code).toBe(1);
    expect(percents.stderr).toBe(
      '1 problem in the manifest:\nexamples/rolling/ecsdeploy.yaml:24:7: services.web.deployment: minimumHealthyPercent 100 and maximumPercent 100 with desiredCount 2 can neither start nor stop a task (with the command-line overrides): 2 must stay healthy and at most 2 may run; raise maximumPercent or lower minimumHealthyPercent\n',
    );
  });

  it('lists the environments when an unknown one is asked for', async () => {
    const r = await runCli(['validate', '-f', 'examples/multi/ecsdeploy.yaml', '--env', 'prod']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('environments: unknown environment `prod` (environments: staging, production)');
  });
});

describe('ecsdeploy render', () => {
  it('prints the resolved desired state as JSON on stdout, with overrides applied and secrets redacted', async () => {
    const r = await runCli(
      ['render', '-f', 'examples/multi/ecsdeploy.yaml', '--env', 'staging', '--var', 'tag=2.0.0', '--service', 'api'],
      {
        env: { IMAGE_TAG: 'ignored-because-var-wins' },
      },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.environment).toBe('staging');
    expect(out.services).toHaveLength(1);
    const api = out.services[0];
    expect(api.cluster).toBe('shop-staging');
    expect(api.taskDefinition.input.containerDefinitions[0].image).toBe('123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-api:2.0.0');
    expect(api.environment.api).toEqual({ LOG_LEVEL: 'info', DB_PASSWORD_FILE: '(sensitive)' });
    expect(r.stdout).not.toContain('/run/secrets/db');
    expect(out.before.map((t: { name: string }) => t.name)).toEqual(['migrate']);
  });

  it('applies --image to every container of the repository, with tag latest by default', async () => {
    const r = await runCli([
      'render',
      '-f',
      'examples/rolling/ecsdeploy.yaml',
      '--image',
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/hello-web',
    ]);
    const out = JSON.parse(r.stdout);
    expect(out.services[0].taskDefinition.input.containerDefinitions[0].image).toBe(
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/hello-web:latest',
    );
  });

  it('refuses to guess an environment', async () => {
    const r = await runCli(['render', '-f', 'examples/multi/ecsdeploy.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'error [ENVIRONMENT_REQUIRED]: examples/multi/ecsdeploy.yaml declares environments; choose one with --env (staging, production)\nhint: e.g. --env staging\n',
    );
  });

  it('names an unknown --service and the known ones', async () => {
    const r = await runCli(['render', '-f', 'examples/multi/ecsdeploy.yaml', '--env', 'staging', '--service', 'wbe']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error [UNKNOWN_SERVICE]: unknown service `wbe` (did you mean `web`?); the manifest declares: web, api, worker\n',
    );
  });
});

describe('ecsdeploy schema', () => {
  it('prints the shipped schema file exactly', async () => {
    const r = await runCli(['schema']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(REPO, 'schema/ecsdeploy.schema.json'), 'utf8'));
  });
});

describe('usage', () => {
  it('gives validate, render and schema examples in their help', async () => {
    const cli: Cli = (await buildCli()) as unknown as Cli;
    for (const name of ['validate', 'render', 'schema']) {
      const def = cli.definitions().find((d) => d.path === `ecsdeploy ${name}`);
      expect(def?.examples?.length, name).toBeGreaterThan(0);
      expect(def?.description, name).toBeTruthy();
    }
  });
});
