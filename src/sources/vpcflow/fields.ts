/**
 * Every VPC Flow Logs field (AWS names, as in `${field}` formats and S3 header lines), its column, its
 * Insights name and how its text becomes a column value. Versions 2-5 are from the VPC user guide's field
 * table; 7 (ECS) and 8 (reject-reason) from the current guide; resource-id and encryption-status (v10) are
 * newer additions whose version number is not confirmed.
 *
 * Insights names: AWS's "Supported logs and discovered fields" page lists, for VPC flow logs, `accountId endTime
 * interfaceId logStatus startTime version action bytes dstAddr dstPort packets protocol srcAddr srcPort` — note
 * `startTime`/`endTime` for `start`/`end` (the fact sheet's §1.6 says `start`/`end`; the AWS page wins here). The
 * other fields follow the same camelCase rule (`pkt-srcaddr` → `pktSrcAddr`, `tcp-flags` → `tcpFlags`), which AWS
 * does not document for custom formats.
 */
import type { ColumnDef } from '../contract.js';

export type VpcValueKind = 'string' | 'uint8' | 'uint16' | 'uint64' | 'time';

export interface VpcField {
  /** AWS field name, e.g. `pkt-srcaddr`. */
  name: string;
  column: string;
  insights: string;
  kind: VpcValueKind;
  /** Low-cardinality text (enums, ids with few distinct values). */
  lowCardinality?: boolean;
  version: number;
}

const f = (name: string, column: string, insights: string, kind: VpcValueKind, version: number, lowCardinality = false): VpcField => ({
  name,
  column,
  insights,
  kind,
  version,
  lowCardinality,
});

export const VPC_FIELDS: readonly VpcField[] = [
  f('version', 'version', 'version', 'uint8', 2),
  f('account-id', 'account_id', 'accountId', 'string', 2, true),
  f('interface-id', 'interface_id', 'interfaceId', 'string', 2, true),
  f('srcaddr', 'src_addr', 'srcAddr', 'string', 2),
  f('dstaddr', 'dst_addr', 'dstAddr', 'string', 2),
  f('srcport', 'src_port', 'srcPort', 'uint16', 2),
  f('dstport', 'dst_port', 'dstPort', 'uint16', 2),
  f('protocol', 'protocol', 'protocol', 'uint8', 2),
  f('packets', 'packets', 'packets', 'uint64', 2),
  f('bytes', 'bytes', 'bytes', 'uint64', 2),
  f('start', 'flow_start', 'startTime', 'time', 2),
  f('end', 'flow_end', 'endTime', 'time', 2),
  f('action', 'action', 'action', 'string', 2, true),
  f('log-status', 'log_status', 'logStatus', 'string', 2, true),
  f('vpc-id', 'vpc_id', 'vpcId', 'string', 3, true),
  f('subnet-id', 'subnet_id', 'subnetId', 'string', 3, true),
  f('instance-id', 'instance_id', 'instanceId', 'string', 3, true),
  f('tcp-flags', 'tcp_flags', 'tcpFlags', 'uint16', 3),
  f('type', 'traffic_type', 'type', 'string', 3, true),
  f('pkt-srcaddr', 'pkt_src_addr', 'pktSrcAddr', 'string', 3),
  f('pkt-dstaddr', 'pkt_dst_addr', 'pktDstAddr', 'string', 3),
  f('region', 'region', 'region', 'string', 4, true),
  f('az-id', 'az_id', 'azId', 'string', 4, true),
  f('sublocation-type', 'sublocation_type', 'sublocationType', 'string', 4, true),
  f('sublocation-id', 'sublocation_id', 'sublocationId', 'string', 4, true),
  f('pkt-src-aws-service', 'pkt_src_aws_service', 'pktSrcAwsService', 'string', 5, true),
  f('pkt-dst-aws-service', 'pkt_dst_aws_service', 'pktDstAwsService', 'string', 5, true),
  f('flow-direction', 'flow_direction', 'flowDirection', 'string', 5, true),
  f('traffic-path', 'traffic_path', 'trafficPath', 'uint8', 5),
  f('ecs-cluster-arn', 'ecs_cluster_arn', 'ecsClusterArn', 'string', 7, true),
  f('ecs-cluster-name', 'ecs_cluster_name', 'ecsClusterName', 'string', 7, true),
  f('ecs-container-instance-arn', 'ecs_container_instance_arn', 'ecsContainerInstanceArn', 'string', 7, true),
  f('ecs-container-instance-id', 'ecs_container_instance_id', 'ecsContainerInstanceId', 'string', 7, true),
  f('ecs-container-id', 'ecs_container_id', 'ecsContainerId', 'string', 7, true),
  f('ecs-second-container-id', 'ecs_second_container_id', 'ecsSecondContainerId', 'string', 7, true),
  f('ecs-service-name', 'ecs_service_name', 'ecsServiceName', 'string', 7, true),
  f('ecs-task-definition-arn', 'ecs_task_definition_arn', 'ecsTaskDefinitionArn', 'string', 7, true),
  f('ecs-task-arn', 'ecs_task_arn', 'ecsTaskArn', 'string', 7, true),
  f('ecs-task-id', 'ecs_task_id', 'ecsTaskId', 'string', 7, true),
  f('reject-reason', 'reject_reason', 'rejectReason', 'string', 8, true),
  f('resource-id', 'resource_id', 'resourceId', 'string', 10, true),
  f('encryption-status', 'encryption_status', 'encryptionStatus', 'uint8', 10),
];

export const VPC_FIELD_BY_NAME: ReadonlyMap<string, VpcField> = new Map(VPC_FIELDS.map((x) => [x.name, x]));

/** The default (version 2) format, in order. */
export const DEFAULT_VPC_FORMAT: readonly string[] = VPC_FIELDS.filter((x) => x.version === 2).map((x) => x.name);

function columnType(x: VpcField): string {
  switch (x.kind) {
    case 'uint8':
      return 'Nullable(UInt8)';
    case 'uint16':
      return 'Nullable(UInt16)';
    case 'uint64':
      return 'Nullable(UInt64)';
    case 'time':
      return 'Nullable(UInt32)';
    default:
      return x.lowCardinality ? 'LowCardinality(Nullable(String))' : 'Nullable(String)';
  }
}

export const VPCFLOW_COLUMNS: ColumnDef[] = VPC_FIELDS.map((x) => ({
  name: x.column,
  type: columnType(x),
  field: x.insights,
  description: `${x.name} (v${x.version})${x.kind === 'time' ? ', Unix seconds' : ''}`,
}));

/**
 * Field names from a format string: `${version} ${vpc-id}` or `version vpc-id`. Unknown names are kept
 * (their values are read and ignored), so a newer AWS field never shifts the known ones.
 */
export function parseVpcFormat(format: string): string[] {
  return format
    .trim()
    .split(/\s+/)
    .map((t) => (t.startsWith('${') && t.endsWith('}') ? t.slice(2, -1) : t))
    .filter((t) => t.length > 0);
}
