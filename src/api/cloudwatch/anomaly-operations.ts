/** The CloudWatch anomaly operations, merged into the service by ./index.ts. */
import type { ErrorDef, OperationDef } from '../protocols/types.js';

export const ANOMALY_OPERATIONS: Record<string, OperationDef> = {};
/** Errors these operations throw beyond the shared table in ./errors.ts. */
export const ANOMALY_ERRORS: Record<string, ErrorDef> = {};
