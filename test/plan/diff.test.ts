import { describe, expect, it } from 'vitest';
import { diffDocuments, printJson, unifiedDiff } from '../../src/plan/diff.js';
import type { Json } from '../../src/model/task-definition.js';

describe('diffDocuments', () => {
  it('names array items by their identity so paths stay stable when other items move', () => {
    const before = {
      containerDefinitions: [
        { name: 'a', image: 'x' },
        { name: 'b', image: 'y' },
      ],
    };
    const after = {
      containerDefinitions: [
        { name: 'new', image: 'n' },
        { name: 'b', image: 'z' },
      ],
    };
    expect(diffDocuments(before, after, 'taskDefinition')).toEqual([
      { scope: 'taskDefinition', path: 'containerDefinitions[a]', kind: 'remove', before: { name: 'a', image: 'x' } },
      { scope: 'taskDefinition', path: 'containerDefinitions[b].image', kind: 'change', before: 'y', after: 'z' },
      { scope: 'taskDefinition', path: 'containerDefinitions[new]', kind: 'add', after: { name: 'new', image: 'n' } },
    ]);
  });

  it('reports arrays without an identity (commands, subnets) as one change', () => {
    expect(diffDocuments({ command: ['a', 'b'] }, { command: ['b', 'a'] }, 'taskDefinition')).toEqual([
      { scope: 'taskDefinition', path: 'command', kind: 'change', before: ['a', 'b'], after: ['b', 'a'] },
    ]);
  });

  it('finds nothing between equal documents', () => {
    expect(
      diffDocuments({ a: [{ key: 'k', value: 'v' }], b: { c: 1 } }, { b: { c: 1 }, a: [{ key: 'k', value: 'v' }] }, 'service'),
    ).toEqual([]);
  });
});

describe('unifiedDiff', () => {
  it('is empty for equal documents', () => {
    expect(unifiedDiff({ a: 1 }, { a: 1 })).toBe('');
  });

  it('shows only changed hunks with three lines of context, labelled live and desired', () => {
    const doc = (v: number) =>
      Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${String(i).padStart(2, '0')}`, i === 15 ? v : i]));
    const text = unifiedDiff(doc(1), doc(2));
    expect(text).toBe(
      [
        '--- live',
        '+++ desired',
        '@@ -14,7 +14,7 @@',
        '   "k12": 12,',
        '   "k13": 13,',
        '   "k14": 14,',
        '-  "k15": 1,',
        '+  "k15": 2,',
        '   "k16": 16,',
        '   "k17": 17,',
        '   "k18": 18,',
        '',
      ].join('\n'),
    );
  });

  it('names the object of the first change in the hunk header, with containers by name', () => {
    const text = unifiedDiff(
      { td: { containerDefinitions: [{ name: 'web', image: 'a' }] } },
      { td: { containerDefinitions: [{ name: 'web', image: 'b' }] } },
    );
    expect(text).toContain('@@ td.containerDefinitions[web]\n');
  });

  it('prints JSON exactly like JSON.stringify with two spaces', () => {
    const doc: Json = { a: [1, { b: [] }, {}], c: 'x"y', d: null, e: [{ name: 'n', v: true }] };
    expect(printJson(doc).lines.join('\n')).toBe(JSON.stringify(doc, null, 2));
  });
});

describe('diffDocuments on ordered arrays of identified items', () => {
  it('reports a reordered placementStrategy, whose order is meaningful, as one change of the array', () => {
    const spreadThenBinpack = [
      { type: 'spread', field: 'attribute:ecs.availability-zone' },
      { type: 'binpack', field: 'memory' },
    ];
    const binpackThenSpread = [spreadThenBinpack[1]!, spreadThenBinpack[0]!];
    expect(diffDocuments({ placementStrategy: spreadThenBinpack }, { placementStrategy: binpackThenSpread }, 'service')).toEqual([
      { scope: 'service', path: 'placementStrategy', kind: 'change', before: spreadThenBinpack, after: binpackThenSpread },
    ]);
  });

  it('still names the changed item, not the whole array, when an identified item changes', () => {
    const before = [
      { type: 'spread', field: 'attribute:ecs.availability-zone' },
      { type: 'binpack', field: 'memory' },
    ];
    const after = [
      { type: 'spread', field: 'instanceId' },
      { type: 'binpack', field: 'memory' },
    ];
    expect(diffDocuments({ placementStrategy: before }, { placementStrategy: after }, 'service')).toEqual([
      {
        scope: 'service',
        path: 'placementStrategy[spread].field',
        kind: 'change',
        before: 'attribute:ecs.availability-zone',
        after: 'instanceId',
      },
    ]);
  });
});
