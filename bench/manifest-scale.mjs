#!/usr/bin/env node
// Whether loading a manifest stays linear in its size, for plain services and for services that all use aliases
// (`<<: *common`, `*img`): `ecsdeploy validate` of 1,000 and of 4,000 services, less the same run for one service
// (start-up), median of RUNS runs each. Four times the services should take about four times as long; a quadratic
// step (e.g. one that walks the document once per alias) takes about sixteen. Exits 1 when a ratio passes 8.
// (test/manifest/load.test.ts counts the alias walks instead of timing them.) Needs `npm run build` first.
//   node bench/manifest-scale.mjs [runs]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.argv[2] ?? 3);
const SIZES = [1, 1000, 4000];

if (!existsSync(`${root}dist/cli.mjs`)) {
  console.error('dist/cli.mjs is missing: run `npm run build` first');
  process.exit(1);
}

function plainManifest(count) {
  let yaml = 'version: 1\ndefaults: { cluster: shop }\nservices:\n';
  for (let i = 0; i < count; i++) {
    yaml += `  svc${i}:\n    taskDefinition: { family: f${i}, containerDefinitions: [{ name: app, image: 'nginx:1' }] }\n`;
  }
  return yaml;
}

function aliasManifest(count) {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: manifest interpolation syntax, not a template
  let yaml = 'version: 1\nx-common: &common\n  cluster: shop\nx-img: &img "nginx:${env:TAG:-1}"\nservices:\n';
  for (let i = 0; i < count; i++) {
    yaml += `  svc${i}:\n    <<: *common\n    images: { app: *img }\n    taskDefinition: { family: f${i}, containerDefinitions: [{ name: app, image: 'nginx:1' }] }\n`;
  }
  return yaml;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-bench-scale-'));
try {
  for (const [label, manifest] of [
    ['plain', plainManifest],
    ['aliases', aliasManifest],
  ]) {
    const medians = SIZES.map((count) => {
      const file = join(dir, `${label}-${count}.yaml`);
      writeFileSync(file, manifest(count));
      const times = [];
      for (let i = 0; i < RUNS; i++) {
        const start = process.hrtime.bigint();
        const r = spawnSync(process.execPath, ['bin/ecsdeploy.js', 'validate', '-f', file], {
          cwd: root,
          env: { PATH: process.env.PATH },
          encoding: 'utf8',
        });
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
        if (r.status !== 0) {
          console.error(`validate of ${count} ${label} services exited ${r.status}:\n${r.stderr}`);
          process.exit(1);
        }
      }
      const ms = median(times);
      console.log(`${label.padEnd(7)} ${String(count).padStart(5)} services: ${ms.toFixed(0)} ms (median of ${RUNS})`);
      return ms;
    });
    const [startup, small, large] = medians;
    const ratio = (large - startup) / (small - startup);
    console.log(
      `${label.padEnd(7)} ratio ${ratio.toFixed(1)} for ${SIZES[2] / SIZES[1]}x the services, start-up deducted (aim: at most 8)`,
    );
    if (ratio > 8) process.exitCode = 1;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
