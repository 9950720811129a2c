// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are manifest lookup syntax, not templates
/**
 * Lookups and pinned images in the plan: what a plan records (fingerprints and where lookups are written, never
 * values; the exact pinned references), what the saved plan keeps and checks, what the renderers show.
 */
import { describe, expect, it } from 'vitest';
import { InternalError, UsageError } from '../../src/errors/index.js';
import { lookupFingerprint } from '../../src/live/lookups/index.js';
import { loadManifest } from '../../src/manifest/index.js';
import type { LookupRecord, PinnedImage } from '../../src/model/lookups.js';
import { buildPlan } from '../../src/plan/build.js';
import { compareWithSavedPlan, parseSavedPlan, serializePlan } from '../../src/plan/saved-plan.js';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import { renderPlanText } from '../../src/render/plan-text.js';
import { IMAGE_V2, liveService, liveState, manifest, minimalTaskDefinition, OPTIONS, service } from '../plan/fixtures.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const PINNED: PinnedImage = { image: IMAGE_V2, digest: DIGEST, pinned: `${IMAGE_V2}@${DIGEST}` };

function record(lookup: string, value: string, ...at: string[]): LookupRecord {
  return { lookup, at: at.length ? at : ['ecsdeploy.yaml:9:18'], fingerprint: lookupFingerprint(lookup, value) };
}

/** A plan whose service deploys a pinned image and whose manifest read two lookups. */
function plan(lookups: LookupRecord[] = [record('ssm:/shop/db-host', 'db.internal'), record('cfn:net.Cluster', 'shop')]) {
  const td = minimalTaskDefinition();
  const web = service({
    taskDefinition: {
      kind: 'declared',
      input: { ...td, containerDefinitions: td.containerDefinitions.map((c) => (c.name === 'web' ? { ...c, image: PINNED.pinned } : c)) },
    },
    images: { web: PINNED.pinned },
    pin: [IMAGE_V2],
    pinned: [PINNED],
  });
  return buildPlan(manifest([web], { resolvedLookups: lookups }), liveState([liveService()]), OPTIONS);
}

describe('the plan', () => {
  it('records each lookup read, where it is written and its fingerprint, and each pinned image', () => {
    const p = plan();
    expect(p.lookups).toEqual([record('ssm:/shop/db-host', 'db.internal'), record('cfn:net.Cluster', 'shop')]);
    expect(p.services[0]?.pinnedImages).toEqual([PINNED]);
    expect(p.services[0]?.desired.taskDefinition.containerDefinitions[0]?.image).toBe(PINNED.pinned);
  });

  it('lists only the pinned images its task definition runs', () => {
    const td = minimalTaskDefinition();
    const elsewhere: PinnedImage = {
      image: 'x.dkr.ecr.eu-west-1.amazonaws.com/other:1',
      digest: DIGEST,
      pinned: `x.dkr.ecr.eu-west-1.amazonaws.com/other:1@${DIGEST}`,
    };
    const web = service({
      taskDefinition: {
        kind: 'declared',
        input: { ...td, containerDefinitions: td.containerDefinitions.map((c) => (c.name === 'web' ? { ...c, image: PINNED.pinned } : c)) },
      },
      pinned: [PINNED, elsewhere],
    });
    expect(buildPlan(manifest([web]), liveState([liveService()]), OPTIONS).services[0]?.pinnedImages).toEqual([PINNED]);
  });

  it('has no lookups or pinned images when the manifest has none', () => {
    const p = buildPlan(manifest([service()]), liveState([liveService()]), OPTIONS);
    expect(p).not.toHaveProperty('lookups');
    expect(p.services[0]).not.toHaveProperty('pinnedImages');
  });

  it('is never made from a manifest whose lookups were not read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-unread-'));
    writeFileSync(
      join(dir, 'ecsdeploy.yaml'),
      "version: 1\nservices:\n  web:\n    cluster: shop\n    service: web\n    taskDefinition: { family: shop-web, containerDefinitions: [{ name: web, image: 'nginx:1' }] }\n    environment:\n      web:\n        DB_HOST: ${ssm:/shop/db-host}\n",
    );
    const unread = loadManifest({ cwd: dir, env: {} });
    expect(() => buildPlan(unread, liveState([liveService()]), OPTIONS)).toThrow(InternalError);
    expect(() => buildPlan(unread, liveState([liveService()]), OPTIONS)).toThrow(
      /lookups were not read before planning: \$\{ssm:\/shop\/db-host\} \(ecsdeploy\.yaml:9:18\)/,
    );
  });

  it('text and Markdown show the pinned reference and which lookups were read, never their values', () => {
    const text = renderPlanText(plan(), { color: false });
    expect(text).toContain(`      pinned: ${PINNED.pinned}`);
    expect(text).toContain('  lookups read: ${ssm:/shop/db-host}, ${cfn:net.Cluster}');
    const md = renderPlanMarkdown(plan());
    expect(md).toContain(`- web: \`${PINNED.pinned}\``);
    expect(md).toContain('**Lookups read:** `${ssm:/shop/db-host}`, `${cfn:net.Cluster}`');
    const fingerprint = record('ssm:/shop/db-host', 'db.internal').fingerprint;
    for (const out of [text, md]) {
      expect(out).not.toContain('db.internal');
      expect(out).not.toContain(fingerprint);
    }
  });
});

describe('the saved plan', () => {
  const saved = (p = plan()) => parseSavedPlan(serializePlan(p), 'plan.json');

  it('keeps the lookups (fingerprints, no values) and pinned images, and is fresh against the same reads', () => {
    const text = serializePlan(plan());
    expect(text).not.toContain('db.internal');
    const s = saved();
    expect(s.lookups).toEqual(plan().lookups);
    expect(s.services[0]?.pinnedImages).toEqual([PINNED]);
    expect(compareWithSavedPlan(s, plan())).toEqual([]);
  });

  it('is stale when a lookup has another value, naming the lookup and where it is written', () => {
    const fresh = plan([record('ssm:/shop/db-host', 'db2.internal'), record('cfn:net.Cluster', 'shop')]);
    expect(compareWithSavedPlan(saved(), fresh)).toEqual([
      'lookup ${ssm:/shop/db-host} (ecsdeploy.yaml:9:18) has a different value than when the plan was made',
    ]);
  });

  it('is stale when a lookup is no longer used, or a new one is', () => {
    const fresh = plan([record('cfn:net.Cluster', 'shop'), record('ssm:/shop/new', 'x', 'web.task.json:4:12', 'ecsdeploy.yaml:20:9')]);
    expect(compareWithSavedPlan(saved(), fresh)).toEqual([
      'lookup ${ssm:/shop/db-host} (ecsdeploy.yaml:9:18) was read for the plan and is no longer used',
      'lookup ${ssm:/shop/new} (web.task.json:4:12, ecsdeploy.yaml:20:9) is used now but was not in the plan',
    ]);
  });

  it('refuses a file whose lookups or pinned images are malformed', () => {
    const doc = JSON.parse(serializePlan(plan()));
    doc.lookups[0].at = 'ecsdeploy.yaml:1:1';
    doc.services[0].pinnedImages = [{ image: 'x' }];
    try {
      parseSavedPlan(JSON.stringify(doc), 'p.json');
      throw new Error('expected a UsageError');
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      expect((e as UsageError).message).toContain('missing or wrong services[0].pinnedImages, lookups');
    }
  });
});
