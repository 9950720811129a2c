#!/usr/bin/env node
// Cold start of `ecsdeploy validate -f ecsdeploy.yaml.example` beside `node -e 0`, in the same run: median of
// RUNS runs each after WARMUPS warm-ups, and the ratio (the aim is at most 3x). Needs `npm run build` first.
//   node bench/cold-start.mjs [runs]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.argv[2] ?? 15);
const WARMUPS = 2;

if (!existsSync(`${root}dist/cli.mjs`)) {
  console.error('dist/cli.mjs is missing: run `npm run build` first');
  process.exit(1);
}

function time(args) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, env: { PATH: process.env.PATH }, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) {
    console.error(`\`node ${args.join(' ')}\` exited ${r.status}:\n${r.stderr}`);
    process.exit(1);
  }
  return ms;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const subjects = {
  'node -e 0': ['-e', '0'],
  // Loading the bundle alone: the difference to `validate` is what reading and checking the manifest costs.
  'ecsdeploy --version': ['bin/ecsdeploy.js', '--version'],
  'ecsdeploy validate -f ecsdeploy.yaml.example': ['bin/ecsdeploy.js', 'validate', '-f', 'ecsdeploy.yaml.example'],
};
const samples = Object.fromEntries(Object.keys(subjects).map((k) => [k, []]));
for (const args of Object.values(subjects)) for (let i = 0; i < WARMUPS; i++) time(args);
// Interleave the two so that machine noise hits both alike.
for (let i = 0; i < RUNS; i++) for (const [name, args] of Object.entries(subjects)) samples[name].push(time(args));

const base = median(samples['node -e 0']);
for (const [name, xs] of Object.entries(samples)) {
  console.log(
    `${name.padEnd(48)} median ${median(xs).toFixed(1).padStart(6)} ms  (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)}, n=${xs.length})`,
  );
}
const ratio = median(samples['ecsdeploy validate -f ecsdeploy.yaml.example']) / base;
console.log(`ratio ${ratio.toFixed(2)}x (aim: <= 3x)`);
const manifestMs = median(samples['ecsdeploy validate -f ecsdeploy.yaml.example']) - median(samples['ecsdeploy --version']);
console.log(`manifest work (validate minus --version): ${manifestMs.toFixed(1)} ms`);
