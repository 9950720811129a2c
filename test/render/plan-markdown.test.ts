import { describe, expect, it } from 'vitest';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import { IMAGE_V2, SECRET_VALUES, sensitivePlan } from '../plan/fixtures.js';
import { mixedPlan, unchangedPlan } from './plan-fixtures.js';

describe('renderPlanMarkdown', () => {
  it('has a heading, the summary, a table row per service and a collapsible diff per changed service', () => {
    const md = renderPlanMarkdown(mixedPlan());
    const lines = md.split('\n');
    expect(lines[0]).toBe('### ecsdeploy plan: production');
    expect(md).toContain('**Plan: 1 to create, 1 to update, 1 unchanged, 1 blocked.**');
    expect(lines).toContain('| service | cluster | action | strategy | changes |');
    expect(lines).toContain('| web | shop | ~ new task definition revision | rolling | `containerDefinitions[web].image` |');
    expect(lines).toContain('| api (shop-api) | shop | = no change | rolling |  |');
    expect(lines).toContain('| worker | shop | ! requires replacement: launchType | rolling | `launchType (replacement)` |');
    expect(md.match(/<details>/g)).toHaveLength(3);
    expect(md).toContain('<details><summary>web (shop/web): new task definition revision</summary>\n\n```diff\n--- live\n+++ desired\n');
    expect(md).toContain(`+        "image": "${IMAGE_V2}",`);
    expect(md).toMatch(/- worker: launchType cannot be changed by UpdateService/);
  });

  it('has no details block when nothing changes', () => {
    const md = renderPlanMarkdown(unchangedPlan());
    expect(md).toContain('**No changes. Live state matches the manifest.**');
    expect(md).not.toContain('<details>');
  });

  it('never prints a sensitive value', () => {
    const md = renderPlanMarkdown(sensitivePlan());
    for (const secret of SECRET_VALUES) expect(md).not.toContain(secret);
    expect(md).toContain('(sensitive)');
  });

  it('escapes table cells so names from the manifest cannot break the table or inject HTML', () => {
    const plan = unchangedPlan();
    const s = plan.services[0]!;
    const md = renderPlanMarkdown({ ...plan, services: [{ ...s, key: 'a|b<script>', cluster: 'c' }] });
    expect(md).toContain('| a\\|b&lt;script&gt; (web) | c |');
  });
});
