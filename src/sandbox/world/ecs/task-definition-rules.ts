/**
 * What RegisterTaskDefinition refuses, with AWS's error code (ClientException) and messages in AWS's words
 * (API_RegisterTaskDefinition, API_ContainerDefinition): Fargate needs awsvpc, task-level cpu and memory in one of
 * the supported combinations, and no `pidMode: host`; without task-level memory every container needs `memory` or
 * `memoryReservation`. Task size given in vCPU/GB is converted to CPU units/MiB, as AWS does on registration.
 */
import { SandboxApiError } from '../../errors.js';
import { isRecord, list } from '../input.js';

function refuse(message: string): never {
  throw new SandboxApiError('ClientException', message);
}

/** `1 vCPU`, `0.5 vcpu` → CPU units; a number (or its text) stays as given. */
export function cpuUnits(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const text = String(v).trim();
  const vcpu = /^(\d+(?:\.\d+)?)\s*vcpu$/i.exec(text);
  if (vcpu) return String(Math.round(Number(vcpu[1]) * 1024));
  if (/^\d+$/.test(text)) return text;
  return refuse(`Invalid 'cpu' setting for task. The value '${text}' is not a number of CPU units or vCPUs.`);
}

/** `2GB`, `0.5 GB` → MiB; a number (or its text) stays as given. */
export function memoryMiB(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const text = String(v).trim();
  const gb = /^(\d+(?:\.\d+)?)\s*gb$/i.exec(text);
  if (gb) return String(Math.round(Number(gb[1]) * 1024));
  if (/^\d+$/.test(text)) return text;
  return refuse(`Invalid 'memory' setting for task. The value '${text}' is not a number of MiB or GB.`);
}

/** Fargate's task sizes (API_RegisterTaskDefinition `memory`): memory MiB allowed for each cpu. */
function fargateMemoryFor(cpu: number): number[] {
  const range = (from: number, to: number, step: number) => Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);
  switch (cpu) {
    case 256:
      return [512, 1024, 2048];
    case 512:
      return range(1024, 4096, 1024);
    case 1024:
      return range(2048, 8192, 1024);
    case 2048:
      return range(4096, 16384, 1024);
    case 4096:
      return range(8192, 30720, 1024);
    case 8192:
      return range(16384, 61440, 4096);
    case 16384:
      return range(32768, 122880, 8192);
    default:
      return [];
  }
}

export function isFargateSize(cpu: string | undefined, memory: string | undefined): boolean {
  return cpu !== undefined && memory !== undefined && fargateMemoryFor(Number(cpu)).includes(Number(memory));
}

export interface TaskDefinitionRuleInput {
  requiresCompatibilities: string[];
  networkMode: string | undefined;
  cpu: string | undefined;
  memory: string | undefined;
  pidMode: unknown;
  containerDefinitions: unknown[];
}

export function checkTaskDefinition(td: TaskDefinitionRuleInput): void {
  if (td.requiresCompatibilities.includes('FARGATE')) {
    if (td.networkMode !== undefined && td.networkMode !== 'awsvpc') refuse("Fargate only supports network mode 'awsvpc'.");
    if (td.cpu === undefined) refuse("Fargate requires that 'cpu' be defined at the task level.");
    if (td.memory === undefined) refuse("Fargate requires that 'memory' be defined at the task level.");
    if (td.pidMode !== undefined && td.pidMode !== 'task') {
      refuse(
        `Tasks using the Fargate launch type do not support pidMode '${String(td.pidMode)}'. The supported value for pidMode is 'task'.`,
      );
    }
    if (!isFargateSize(td.cpu, td.memory)) refuse('No Fargate configuration exists for given values.');
  }
  if (td.memory === undefined) {
    for (const c of list(td.containerDefinitions).filter(isRecord)) {
      if (c.memory === undefined && c.memoryReservation === undefined) {
        refuse(`Invalid setting for container '${String(c.name)}'. At least one of 'memory' or 'memoryReservation' must be specified.`);
      }
    }
  }
}
