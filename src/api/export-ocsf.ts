/**
 * `POST /api/v1/export/ocsf` `{logGroupNames?, startTime, endTime (epoch ms), outDir (absolute, on the server)}`:
 * writes OCSF Parquet in the Security Lake layout (src/sources/export/ocsf-export.ts) and answers what it wrote.
 */
import { isAbsolute } from 'node:path';
import { AwsError, notFoundGroup } from './errors.js';
import type { ServiceContext } from './context.js';
import { exportOcsf, type OcsfExportResult } from '../sources/export/ocsf-export.js';

export async function exportOcsfRequest(raw: Buffer, ctx: ServiceContext & { defaultRegion: string }): Promise<OcsfExportResult> {
  let body: { logGroupNames?: unknown; startTime?: unknown; endTime?: unknown; outDir?: unknown };
  try { body = JSON.parse(raw.toString('utf8') || '{}') as typeof body; } catch { throw new AwsError('SerializationException', 'Unable to parse the request body as JSON'); }
  if (typeof body !== 'object' || body === null) throw new AwsError('SerializationException', 'Start of structure or map expected');
  const { logGroupNames, startTime, endTime, outDir } = body;
  if (typeof outDir !== 'string' || !isAbsolute(outDir)) throw new AwsError('InvalidParameterException', "Value at 'outDir' failed to satisfy constraint: Member must be an absolute path on the server");
  if (typeof startTime !== 'number' || typeof endTime !== 'number' || !Number.isSafeInteger(startTime) || !Number.isSafeInteger(endTime) || endTime < startTime) {
    throw new AwsError('InvalidParameterException', 'startTime and endTime (epoch milliseconds, endTime >= startTime) are required');
  }
  if (logGroupNames !== undefined && (!Array.isArray(logGroupNames) || logGroupNames.some((n) => typeof n !== 'string'))) throw new AwsError('SerializationException', "Unexpected value type for 'logGroupNames': expected list of strings");
  const groups = logGroupNames === undefined
    ? [...ctx.store.meta.groups.values()]
    : (logGroupNames as string[]).map((n) => { const g = ctx.store.meta.groups.get(n); if (!g) throw notFoundGroup(); return g; });
  return exportOcsf(ctx.store, { groups, startMs: startTime, endMs: endTime, outDir, accountId: ctx.accountId, region: ctx.defaultRegion });
}
