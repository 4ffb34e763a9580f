/** The CloudWatch dashboard operations, merged into the service by ./index.ts. */
import type { ErrorDef, OperationDef } from '../protocols/types.js';

export const DASHBOARD_OPERATIONS: Record<string, OperationDef> = {};
/** Errors these operations throw beyond the shared table in ./errors.ts. */
export const DASHBOARD_ERRORS: Record<string, ErrorDef> = {};
