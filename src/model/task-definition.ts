/**
 * Task definitions in the shape of the ECS `RegisterTaskDefinition` input (camelCase, as
 * `aws ecs describe-task-definition` prints it minus read-only fields). Typed loosely on purpose:
 * unknown and newer fields must pass through untouched, so every object keeps an index signature.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface KeyValuePair {
  name: string;
  value: string;
  [key: string]: Json;
}

export interface ContainerDefinition {
  name: string;
  image?: string;
  environment?: KeyValuePair[];
  secrets?: { name: string; valueFrom: string; [key: string]: Json }[];
  command?: string[];
  essential?: boolean;
  [key: string]: unknown;
}

export interface TaskDefinitionInput {
  family: string;
  containerDefinitions: ContainerDefinition[];
  networkMode?: string;
  cpu?: string;
  memory?: string;
  tags?: { key: string; value: string }[];
  [key: string]: unknown;
}

/**
 * Fields of a described task definition that are output-only. Stripped by this list (never by a list of
 * what is allowed) so newer input fields survive a copy. See peer-tools.md §8.1.
 */
export const READ_ONLY_TASK_DEFINITION_FIELDS = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'deregisteredAt',
  'registeredBy',
  'deleteRequestedAt',
] as const;
