/**
 * AWS Security Hub findings in the AWS Security Finding Format (ASFF, `SchemaVersion: "2018-10-08"`,
 * PascalCase): one event per finding, from a single finding, an array, GetFindings / BatchImportFindings
 * bodies (`{"Findings":[…]}`), or EventBridge events (`detail-type: "Security Hub Findings - Imported"`,
 * findings in `detail.findings`). The message is the finding itself (compact JSON).
 */
import type { ColumnDef, ParseOptions, ParseOutput, SourceFormat } from '../contract.js';
import { findingTime, parseFindings } from '../findings.js';
import { skipSpace } from '../json-reader.js';
import { at, isObject, str, uint, type ColumnValue } from '../values.js';

export const SECURITYHUB_TABLE = 'events_securityhub';

const LC = 'LowCardinality(Nullable(String))';
const S = 'Nullable(String)';
const T3 = "Nullable(DateTime64(3, 'UTC'))";

export const SECURITYHUB_COLUMNS: ColumnDef[] = [
  { name: 'finding_id', type: S, field: 'Id' },
  { name: 'product_arn', type: LC, field: 'ProductArn' },
  { name: 'product_name', type: LC, field: 'ProductName' },
  { name: 'company_name', type: LC, field: 'CompanyName' },
  { name: 'generator_id', type: LC, field: 'GeneratorId' },
  { name: 'aws_account_id', type: LC, field: 'AwsAccountId' },
  { name: 'region', type: LC, field: 'Region' },
  { name: 'finding_type', type: LC, field: 'Types.0', description: 'first of Types' },
  { name: 'title', type: S, field: 'Title' },
  {
    name: 'severity_label',
    type: LC,
    field: 'severityLabel',
    derived: true,
    description: 'Severity.Label, else FindingProviderFields.Severity.Label, else from Severity.Normalized (0 / 1-39 / 40-69 / 70-89 / 90-100)',
  },
  { name: 'severity_normalized', type: 'Nullable(UInt8)', field: 'Severity.Normalized' },
  { name: 'created_at', type: T3, field: 'CreatedAt' },
  { name: 'updated_at', type: T3, field: 'UpdatedAt' },
  { name: 'first_observed_at', type: T3, field: 'FirstObservedAt' },
  { name: 'last_observed_at', type: T3, field: 'LastObservedAt' },
  { name: 'processed_at', type: T3, field: 'ProcessedAt' },
  { name: 'workflow_status', type: LC, field: 'Workflow.Status' },
  { name: 'record_state', type: LC, field: 'RecordState' },
  { name: 'compliance_status', type: LC, field: 'Compliance.Status' },
  { name: 'security_control_id', type: LC, field: 'Compliance.SecurityControlId' },
  { name: 'verification_state', type: LC, field: 'VerificationState' },
  { name: 'resource_type', type: LC, field: 'Resources.0.Type' },
  { name: 'resource_id', type: S, field: 'Resources.0.Id' },
  { name: 'schema_version', type: LC, field: 'SchemaVersion' },
  { name: 'confidence', type: 'Nullable(UInt8)', field: 'Confidence' },
  { name: 'criticality', type: 'Nullable(UInt8)', field: 'Criticality' },
];

const LABELS = new Set(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);

/** ASFF rules: Normalized 0 → INFORMATIONAL, 1-39 LOW, 40-69 MEDIUM, 70-89 HIGH, 90-100 CRITICAL. */
export function asffLabelFromNormalized(n: number | null): string | null {
  if (n === null) return null;
  if (n >= 90) return 'CRITICAL';
  if (n >= 70) return 'HIGH';
  if (n >= 40) return 'MEDIUM';
  if (n >= 1) return 'LOW';
  return 'INFORMATIONAL';
}

export function asffSeverityLabel(f: Record<string, unknown>): string | null {
  const label = str(at(f, 'Severity', 'Label')) ?? str(at(f, 'FindingProviderFields', 'Severity', 'Label'));
  if (label && LABELS.has(label.toUpperCase())) return label.toUpperCase();
  return asffLabelFromNormalized(uint(at(f, 'Severity', 'Normalized'), 100) ?? uint(at(f, 'FindingProviderFields', 'Severity', 'Normalized'), 100));
}


export function securityHubColumns(f: Record<string, unknown>): Record<string, ColumnValue> {
  const types = Array.isArray(f.Types) ? f.Types : undefined;
  const resources = Array.isArray(f.Resources) ? f.Resources : undefined;
  const r0 = resources && isObject(resources[0]) ? resources[0] : undefined;
  return {
    finding_id: str(f.Id),
    product_arn: str(f.ProductArn),
    product_name: str(f.ProductName),
    company_name: str(f.CompanyName),
    generator_id: str(f.GeneratorId),
    aws_account_id: str(f.AwsAccountId),
    region: str(f.Region),
    finding_type: types ? str(types[0]) : null,
    title: str(f.Title),
    severity_label: asffSeverityLabel(f),
    severity_normalized: uint(at(f, 'Severity', 'Normalized'), 100),
    created_at: findingTime(f.CreatedAt),
    updated_at: findingTime(f.UpdatedAt),
    first_observed_at: findingTime(f.FirstObservedAt),
    last_observed_at: findingTime(f.LastObservedAt),
    processed_at: findingTime(f.ProcessedAt),
    workflow_status: str(at(f, 'Workflow', 'Status')),
    record_state: str(f.RecordState),
    compliance_status: str(at(f, 'Compliance', 'Status')),
    security_control_id: str(at(f, 'Compliance', 'SecurityControlId')),
    verification_state: str(f.VerificationState),
    resource_type: r0 ? str(r0.Type) : null,
    resource_id: r0 ? str(r0.Id) : null,
    schema_version: str(f.SchemaVersion),
    confidence: uint(f.Confidence, 100),
    criticality: uint(f.Criticality, 100),
  };
}

function looksLikeAsff(o: Record<string, unknown>): boolean {
  return typeof o.Id === 'string' && (typeof o.SchemaVersion === 'string' || typeof o.ProductArn === 'string' || typeof o.AwsAccountId === 'string');
}

export function parseSecurityHub(text: string, fileName?: string, options: ParseOptions = {}): ParseOutput {
  return parseFindings(text, fileName, options, {
    what: 'Security Hub (ASFF) finding',
    looksLike: looksLikeAsff,
    columns: securityHubColumns,
    timestamp: (c) => (c.updated_at as number | null) ?? (c.created_at as number | null),
    timeFields: 'UpdatedAt/CreatedAt',
  });
}

export function detectSecurityHub(head: string): boolean {
  const h = head.slice(skipSpace(head, 0));
  if (h.charCodeAt(0) !== 123 && h.charCodeAt(0) !== 91) return false;
  if (/"detail-type"\s*:\s*"Security Hub Findings/.test(h)) return true;
  if (/"(?:messageType|eventVersion)"\s*:/.test(h)) return false;
  if (/"SchemaVersion"\s*:\s*"2018-10-08"/.test(h)) return true;
  if (/"ProductArn"\s*:\s*"arn:aws[a-z-]*:securityhub:/.test(h)) return true;
  return /"AwsAccountId"\s*:/.test(h) && /"(?:GeneratorId|FindingProviderFields|ProductFields|Resources|CreatedAt)"\s*:/.test(h);
}

export const securityhub: SourceFormat = {
  id: 'securityhub',
  caption: 'AWS Security Hub findings (ASFF)',
  table: SECURITYHUB_TABLE,
  columns: SECURITYHUB_COLUMNS,
  detect: detectSecurityHub,
  parse: parseSecurityHub,
  defaultLogGroup: () => '/aws/events/securityhub',
};
