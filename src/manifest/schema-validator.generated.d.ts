// Types for the generated standalone validator (see generate-validator.mjs).
import type { ErrorObject } from 'ajv';

export declare const schemaDigest: string;
export declare const schemaText: string;
export interface GeneratedValidate {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}
export declare const validate: GeneratedValidate;
export default validate;
