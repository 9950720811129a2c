/**
 * EventBridge rules and targets. Targets keep every parameter given (EcsParameters, Input, RoleArn...). Rules
 * carry tags (PutRule `Tags`, TagResource, UntagResource, ListTagsForResource by rule ARN).
 */
import { SandboxApiError } from '../errors.js';
import type { WorldContext } from './context.js';
import { clone, compact, isRecord, list, optString, reqString, type Input } from './input.js';
import type { EventRuleState, JsonObject } from './types.js';

function key(bus: string, name: string): string {
  return `${bus}/${name}`;
}

function busOf(input: Input): string {
  const b = optString(input, 'EventBusName') ?? 'default';
  return b.startsWith('arn:') ? (b.split('/').pop() ?? 'default') : b;
}

function rule(w: WorldContext, input: Input): EventRuleState {
  const name = reqString(input, 'Rule', 'ValidationException');
  const r = w.st.events.rules[key(busOf(input), name)];
  if (!r) throw new SandboxApiError('ResourceNotFoundException', `Rule ${name} does not exist on EventBus ${busOf(input)}.`);
  return r;
}

type Tags = { Key: string; Value: string }[];

function tagsFrom(v: unknown): Tags {
  return list(v)
    .filter(isRecord)
    .map((t) => ({ Key: String(t.Key ?? ''), Value: String(t.Value ?? '') }));
}

/** The rule a `ResourceARN` names (`...:rule/NAME` on the default bus, `...:rule/BUS/NAME` on another). */
function ruleByArn(w: WorldContext, input: Input): EventRuleState {
  const arn = reqString(input, 'ResourceARN', 'ValidationException');
  const found = Object.values(w.st.events.rules).find((r) => r.arn === arn);
  if (found) return found;
  const path = arn.split(':rule/')[1];
  if (path === undefined)
    throw new SandboxApiError('ValidationException', `Parameter ResourceARN is not valid. Reason: Provided Arn is not in correct format.`);
  const parts = path.split('/');
  const name = parts.pop() ?? '';
  throw new SandboxApiError('ResourceNotFoundException', `Rule ${name} does not exist on EventBus ${parts[0] ?? 'default'}.`);
}

export const eventsOperations: Record<string, (w: WorldContext, input: Input) => Record<string, unknown>> = {
  PutRule(w, input) {
    const name = reqString(input, 'Name', 'ValidationException');
    const bus = busOf(input);
    const arn = w.arn('events', bus === 'default' ? `rule/${name}` : `rule/${bus}/${name}`);
    const existing = w.st.events.rules[key(bus, name)];
    w.st.events.rules[key(bus, name)] = {
      name,
      arn,
      eventBusName: bus,
      scheduleExpression: optString(input, 'ScheduleExpression'),
      eventPattern: optString(input, 'EventPattern'),
      state: optString(input, 'State') ?? 'ENABLED',
      description: optString(input, 'Description'),
      roleArn: optString(input, 'RoleArn'),
      targets: existing?.targets ?? [],
      // Tags are set when the rule is created; PutRule on an existing rule leaves them (TagResource changes them).
      tags: existing ? existing.tags : tagsFrom(input.Tags),
    };
    return { RuleArn: arn };
  },
  DescribeRule(w, input) {
    const r = rule(w, { Rule: input.Name, EventBusName: input.EventBusName });
    return compact({
      Name: r.name,
      Arn: r.arn,
      EventPattern: r.eventPattern,
      ScheduleExpression: r.scheduleExpression,
      State: r.state,
      Description: r.description,
      RoleArn: r.roleArn,
      EventBusName: r.eventBusName,
      CreatedBy: w.accountId,
    });
  },
  ListRules(w, input) {
    const prefix = optString(input, 'NamePrefix') ?? '';
    const bus = busOf(input);
    const rules = Object.values(w.st.events.rules)
      .filter((r) => r.eventBusName === bus && r.name.startsWith(prefix))
      .map((r) =>
        compact({ Name: r.name, Arn: r.arn, State: r.state, ScheduleExpression: r.scheduleExpression, EventBusName: r.eventBusName }),
      );
    return { Rules: rules };
  },
  PutTargets(w, input) {
    const r = rule(w, input);
    for (const t of list(input.Targets).filter(isRecord)) {
      if (typeof t.Id !== 'string' || typeof t.Arn !== 'string') {
        throw new SandboxApiError('ValidationException', 'Each target needs an Id and an Arn.');
      }
      r.targets = r.targets.filter((x) => x.Id !== t.Id);
      r.targets.push(clone(t) as JsonObject);
    }
    return { FailedEntryCount: 0, FailedEntries: [] };
  },
  ListTargetsByRule(w, input) {
    return { Targets: clone(rule(w, input).targets) };
  },
  TagResource(w, input) {
    const r = ruleByArn(w, input);
    const add = tagsFrom(input.Tags);
    const keys = new Set(add.map((t) => t.Key));
    r.tags = [...(r.tags ?? []).filter((t) => !keys.has(t.Key)), ...add];
    return {};
  },
  UntagResource(w, input) {
    const r = ruleByArn(w, input);
    const keys = new Set(list(input.TagKeys).map(String));
    r.tags = (r.tags ?? []).filter((t) => !keys.has(t.Key));
    return {};
  },
  ListTagsForResource(w, input) {
    return { Tags: clone(ruleByArn(w, input).tags ?? []) };
  },
  RemoveTargets(w, input) {
    const r = rule(w, input);
    const ids = new Set(list(input.Ids).map(String));
    r.targets = r.targets.filter((t) => !ids.has(String(t.Id)));
    return { FailedEntryCount: 0, FailedEntries: [] };
  },
};
