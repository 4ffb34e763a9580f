/** The CloudWatch alarm operations, merged into the service by ./index.ts. */
import type { ErrorDef, OperationDef } from '../protocols/types.js';

export const ALARM_OPERATIONS: Record<string, OperationDef> = {};
/** Errors these operations throw beyond the shared table in ./errors.ts. */
export const ALARM_ERRORS: Record<string, ErrorDef> = {};
