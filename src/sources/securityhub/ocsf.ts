/**
 * Security Hub ASFF findings → OCSF 1.1.0 Detection Finding (2004) (fact sheet §9.2): Severity.Label →
 * severity_id (INFORMATIONAL 1, LOW 2, MEDIUM 3, HIGH 4, CRITICAL 5), Workflow.Status → status_id (NEW 1,
 * NOTIFIED 2, SUPPRESSED 3, RESOLVED 4), Id/Title/Description/Types/times → finding_info, GeneratorId →
 * finding_info.analytic (a rule), Resources → resources, Remediation → remediation. Compliance, RecordState,
 * ProductFields and the rest go to `unmapped`.
 */
import type { ParsedEvent } from '../contract.js';
import { DETECTION_FINDING, classification, cloud, metadata, msFrom, num, prune, recordOf, str, times, unmappedOf, type OcsfEvent, type OcsfMapOptions } from '../ocsf/common.js';
import { at, isObject } from '../values.js';
import { asffSeverityLabel } from './format.js';

const SEVERITY: Record<string, number> = { INFORMATIONAL: 1, LOW: 2, MEDIUM: 3, HIGH: 4, CRITICAL: 5 };
const WORKFLOW: Record<string, [number, string]> = { NEW: [1, 'New'], NOTIFIED: [2, 'In Progress'], SUPPRESSED: [3, 'Suppressed'], RESOLVED: [4, 'Resolved'] };

const MAPPED = new Set([
  'Id', 'Title', 'Description', 'Types', 'CreatedAt', 'UpdatedAt', 'FirstObservedAt', 'LastObservedAt', 'GeneratorId', 'ProductArn',
  'ProductName', 'CompanyName', 'Region', 'AwsAccountId', 'Severity', 'Workflow', 'Resources', 'Remediation', 'SourceUrl', 'Confidence',
  'SchemaVersion',
]);

/** A Security Hub (ASFF) finding event (from the securityhub parser) as an OCSF Detection Finding. */
export function toOcsf(event: ParsedEvent, options: OcsfMapOptions = {}): OcsfEvent {
  const f = recordOf(event);
  const label = asffSeverityLabel(f);
  const created = msFrom(f.CreatedAt);
  const updated = msFrom(f.UpdatedAt);
  const update = created !== undefined && updated !== undefined && updated > created;
  const wf = str(at(f, 'Workflow', 'Status'))?.toUpperCase();
  const [statusId, status] = wf && WORKFLOW[wf] ? WORKFLOW[wf] : [0, 'Unknown'];
  const resources = Array.isArray(f.Resources)
    ? f.Resources.filter(isObject).map((r) =>
        prune({
          type: str(r.Type),
          uid: str(r.Id) ?? 'unknown',
          region: str(r.Region),
          cloud_partition: str(r.Partition),
          data: isObject(r.Details) ? r.Details : undefined,
          labels: isObject(r.Tags) ? Object.entries(r.Tags).map(([k, v]) => `${k}:${String(v)}`) : undefined,
        }),
      )
    : undefined;
  const recText = str(at(f, 'Remediation', 'Recommendation', 'Text'));
  const recUrl = str(at(f, 'Remediation', 'Recommendation', 'Url'));
  const types = Array.isArray(f.Types) ? f.Types.filter((x): x is string => typeof x === 'string') : undefined;
  const o = classification(DETECTION_FINDING, update ? 2 : 1, update ? 'Update' : 'Create', label ? SEVERITY[label] : 0);
  Object.assign(o, times({ time: updated ?? created ?? event.timestamp }));
  return prune(Object.assign(o, {
    metadata: metadata({ name: str(f.ProductName) ?? 'Security Hub', vendor: str(f.CompanyName) ?? 'AWS', uid: f.ProductArn, version: f.SchemaVersion }, ['cloud', 'datetime'], {
      uid: str(f.Id),
    }),
    cloud: cloud(str(f.Region) ?? options.region, str(f.AwsAccountId) ?? options.accountId),
    status_id: statusId,
    status,
    confidence_score: num(f.Confidence),
    finding_info: {
      uid: str(f.Id) ?? 'unknown',
      title: str(f.Title) ?? 'Security Hub finding',
      desc: str(f.Description),
      types: types?.length ? types : undefined,
      product_uid: str(f.ProductArn),
      src_url: str(f.SourceUrl),
      ...times({ created_time: created, modified_time: updated, first_seen_time: msFrom(f.FirstObservedAt), last_seen_time: msFrom(f.LastObservedAt) }),
      analytic: str(f.GeneratorId) ? { uid: f.GeneratorId, name: f.GeneratorId, type_id: 1, type: 'Rule' } : undefined,
    },
    resources: resources?.length ? resources : undefined,
    remediation: recText ? { desc: recText, references: recUrl ? [recUrl] : undefined } : undefined,
    raw_data: options.includeRaw ? event.message : undefined,
    unmapped: unmappedOf(f, MAPPED),
  }));
}
