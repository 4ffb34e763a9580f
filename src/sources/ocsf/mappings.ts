/**
 * Which OCSF 1.1.0 mapping applies to each format's events. `cwl-subscription` and `s3access` have none
 * (subscription events are re-parsed with the format of their messages; S3 access logs have no OCSF class
 * Security Lake uses for them).
 */
import { toOcsf as albToOcsf } from '../alb/ocsf.js';
import { toOcsf as cloudTrailToOcsf } from '../cloudtrail/ocsf.js';
import type { ParsedEvent, SourceFormatId } from '../contract.js';
import { toOcsf as guardDutyToOcsf } from '../guardduty/ocsf.js';
import { toOcsf as route53PublicToOcsf } from '../route53-public/ocsf.js';
import { toOcsf as route53ToOcsf } from '../route53/ocsf.js';
import { toOcsf as securityHubToOcsf } from '../securityhub/ocsf.js';
import { toOcsf as vpcFlowToOcsf } from '../vpcflow/ocsf.js';
import type { OcsfEvent, OcsfMapOptions } from './common.js';

export type { OcsfEvent, OcsfMapOptions } from './common.js';

export type OcsfMapper = (event: ParsedEvent, options?: OcsfMapOptions) => OcsfEvent;

export const OCSF_MAPPERS: Partial<Record<SourceFormatId, OcsfMapper>> = {
  cloudtrail: cloudTrailToOcsf,
  vpcflow: vpcFlowToOcsf,
  route53: route53ToOcsf,
  'route53-public': route53PublicToOcsf,
  alb: albToOcsf,
  guardduty: guardDutyToOcsf,
  securityhub: securityHubToOcsf,
};

/** The OCSF event for a parsed event of `format`, or undefined when the format has no mapping. */
export function toOcsfFor(format: SourceFormatId, event: ParsedEvent, options?: OcsfMapOptions): OcsfEvent | undefined {
  const m = OCSF_MAPPERS[format];
  return m ? m(event, options) : undefined;
}
