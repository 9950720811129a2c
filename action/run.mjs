#!/usr/bin/env node
/**
 * The GitHub Action's step (action.yml runs it with the inputs as `INPUT_*` and the runner's `GITHUB_*`
 * environment): runs ecsdeploy, then
 *
 *   plan  → the Markdown plan as ONE pull request comment per manifest and environment (created once, updated on
 *           every push), cut to GitHub's size limit with the full plan left for the artifact; the step summary;
 *           outputs has-changes and plan-path. From a fork, whose token cannot comment: the summary, and why.
 *   apply, rollback, promote, abort, status
 *         → the CLI writes the step summary and annotations itself; exit 3 (a canary paused for approval) is not
 *           a failure: output paused=true so a later, approved job can run promote.
 *
 * No dependencies beyond Node's standard library and built-in fetch.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { COMMENT_LIMIT, fitPlan, marker, SUMMARY_LIMIT, upsertPlanComment } from './comment.mjs';
import { createGitHub, GitHubApiError } from './github.mjs';
import { InputError, readInputs } from './inputs.mjs';

/** ecsdeploy's exit codes (README): 2 = plan has changes (with --detailed-exitcode), 3 = paused for approval. */
const EXIT = { ok: 0, failed: 1, changes: 2, paused: 3 };

/** `::kind::message` workflow command, escaped as the runner expects. */
function annotate(kind, message) {
  const data = message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  process.stdout.write(`::${kind} title=ecsdeploy::${data}\n`);
}

/** Appends `name=value` to `$GITHUB_OUTPUT` (a delimited block when the value spans lines). */
function setOutput(env, name, value) {
  const file = env.GITHUB_OUTPUT;
  if (!file) return;
  const text = String(value);
  if (!text.includes('\n')) appendFileSync(file, `${name}=${text}\n`);
  else {
    const delimiter = `ecsdeploy_${Math.random().toString(36).slice(2)}`;
    appendFileSync(file, `${name}<<${delimiter}\n${text}\n${delimiter}\n`);
  }
}

function appendSummary(env, markdown) {
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, `${markdown}\n`);
}

/** Runs ecsdeploy; stdout is kept (and shown), stderr goes straight to the log. */
function runCli(env, args) {
  const bin = env.ECSDEPLOY_BIN;
  // ecsdeploy has no use for the GitHub token: it does not get it.
  const { GITHUB_TOKEN: _token, ...childEnv } = env;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      process.stdout.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code: code ?? (signal ? 128 + 2 : 1), stdout }));
  });
}

function readEvent(env) {
  if (!env.GITHUB_EVENT_PATH) return undefined;
  try {
    return JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The pull request of this run's event and whether it comes from a fork (its head is another repository). */
function pullRequestOf(env) {
  const pr = readEvent(env)?.pull_request;
  if (!pr || typeof pr.number !== 'number') return undefined;
  const head = pr.head?.repo?.full_name;
  const base = pr.base?.repo?.full_name ?? env.GITHUB_REPOSITORY;
  // A deleted fork has no head repository at all.
  return { number: pr.number, headSha: pr.head?.sha, fork: head !== base };
}

/** Where the plan comment goes, when this run has one: the pull request, its marker, its footer, the API. */
function commentTarget(env, inputs, manifestPath, runUrl) {
  const pr = pullRequestOf(env);
  if (!pr || !inputs.comment) return { pr, skip: 'no pull request' };
  if (pr.fork && env.GITHUB_EVENT_NAME !== 'pull_request_target') {
    return {
      pr,
      skip: 'This pull request comes from a fork: GitHub gives its workflow a read-only token, so the plan cannot be posted as a comment. It is shown here instead.',
    };
  }
  const sha = pr.headSha ? ` for ${pr.headSha.slice(0, 7)}` : '';
  const where = `\`${manifestPath}\`${inputs.environment ? ` (${inputs.environment})` : ''}`;
  return {
    pr,
    mark: marker(manifestPath, inputs.environment),
    sha,
    footer: `<sub>ecsdeploy plan of ${where}${sha}, updated by [run ${env.GITHUB_RUN_NUMBER ?? env.GITHUB_RUN_ID}](${runUrl}).</sub>`,
    github: createGitHub({
      apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
      token: env.GITHUB_TOKEN ?? '',
      repository: env.GITHUB_REPOSITORY,
    }),
  };
}

/** Creates or updates the comment; on an API refusal returns why, for the step summary (the plan does not fail). */
async function publish(env, target, body) {
  try {
    const { action, comment } = await upsertPlanComment(target.github, target.pr.number, target.mark, body);
    process.stdout.write(`ecsdeploy: plan comment ${action}: ${comment?.html_url ?? ''}\n`);
    setOutput(env, 'comment-url', comment?.html_url ?? '');
    return undefined;
  } catch (error) {
    if (!(error instanceof GitHubApiError)) throw error;
    const why =
      error.status === 403 || error.status === 404
        ? `The plan could not be posted as a comment (HTTP ${error.status}): the token needs \`pull-requests: write\` (and \`issues: write\`) permission. It is shown here instead.`
        : `The plan could not be posted as a comment (HTTP ${error.status}). It is shown here instead.`;
    annotate('warning', `${why} ${error.message}`);
    return `> [!WARNING]\n> ${why}`;
  }
}

async function plan(env, inputs) {
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const manifestPath = relative(workspace, resolve(process.cwd(), inputs.manifest)) || inputs.manifest;
  const dir = join(env.RUNNER_TEMP || tmpdir(), `ecsdeploy-plan-${inputs.artifactName}`);
  mkdirSync(dir, { recursive: true });
  const planJson = join(dir, 'plan.json');
  const planMarkdown = join(dir, 'plan.md');
  const runUrl = `${env.GITHUB_SERVER_URL || 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
  const target = commentTarget(env, inputs, manifestPath, runUrl);

  const { code, stdout } = await runCli(env, [...inputs.args, '--format', 'markdown', '--out', planJson, '--detailed-exitcode']);
  setOutput(env, 'exit-code', code);
  if (code !== EXIT.ok && code !== EXIT.changes) {
    annotate('error', `ecsdeploy plan failed (exit ${code}); see the log above`);
    // The comment must not go on showing the plan of an earlier push as if it were this one's.
    if (target.mark) {
      const heading = `### ecsdeploy plan${inputs.environment ? `: ${inputs.environment}` : ''}`;
      const text = `**The plan failed** (exit ${code})${target.sha}: the error is in [the run's log](${runUrl}).`;
      await publish(env, target, `${target.mark}\n${heading}\n\n${text}\n\n${target.footer}`);
    }
    return code;
  }
  writeFileSync(planMarkdown, stdout);
  setOutput(env, 'has-changes', code === EXIT.changes);
  setOutput(env, 'plan-path', planJson);
  setOutput(env, 'plan-markdown-path', planMarkdown);
  setOutput(env, 'artifact-name', inputs.artifactName);

  const fullPlan = `The full plan is the \`${inputs.artifactName}\` artifact of [this run](${runUrl}).`;
  const summary = (note) => {
    const text = fitPlan(stdout, SUMMARY_LIMIT, { tail: note ?? '', fullPlan });
    appendSummary(env, note ? `${text}\n\n${note}` : text);
  };
  if (!target.mark) {
    if (target.pr && inputs.comment) annotate('notice', target.skip);
    summary(target.pr && inputs.comment ? `> [!NOTE]\n> ${target.skip}` : undefined);
    return EXIT.ok;
  }
  const tail = `${target.mark}\n\n\n\n${target.footer}`;
  const body = `${target.mark}\n${fitPlan(stdout, COMMENT_LIMIT, { tail, fullPlan })}\n\n${target.footer}`;
  summary(await publish(env, target, body));
  return EXIT.ok;
}

async function other(env, inputs) {
  const { code } = await runCli(env, inputs.args);
  setOutput(env, 'exit-code', code);
  const paused = code === EXIT.paused;
  setOutput(env, 'paused', paused);
  if (paused) {
    annotate(
      'notice',
      `ecsdeploy ${inputs.command} paused awaiting approval: run the promote command in an approved job to continue, or abort to roll back`,
    );
    return EXIT.ok;
  }
  return code;
}

export async function main(env = process.env) {
  let inputs;
  try {
    inputs = readInputs(env);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    annotate('error', error.message);
    return EXIT.failed;
  }
  if (!env.ECSDEPLOY_BIN) {
    annotate('error', 'ECSDEPLOY_BIN is not set: the install step of action.yml did not run');
    return EXIT.failed;
  }
  return inputs.command === 'plan' ? plan(env, inputs) : other(env, inputs);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main();
}
