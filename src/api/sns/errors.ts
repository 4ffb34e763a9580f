/**
 * SNS errors: handlers throw the Smithy shape name; the table gives SNS's awsQuery code, HTTP
 * status and fault (from the SNS API model: e.g. InvalidParameterException → `InvalidParameter`,
 * NotFoundException → `NotFound` 404, AuthorizationErrorException → `AuthorizationError` 403).
 */
import { AwsError } from '../errors.js';
import type { ErrorDef } from '../protocols/types.js';
import { SnsError } from '../../notify/errors.js';

export const SNS_ERRORS: Record<string, ErrorDef> = {
  InvalidParameterException: { queryCode: 'InvalidParameter', status: 400, fault: 'Sender' },
  InvalidParameterValueException: { queryCode: 'ParameterValueInvalid', status: 400, fault: 'Sender' },
  ValidationException: { queryCode: 'ValidationError', status: 400, fault: 'Sender' },
  NotFoundException: { queryCode: 'NotFound', status: 404, fault: 'Sender' },
  ResourceNotFoundException: { queryCode: 'ResourceNotFound', status: 404, fault: 'Sender' },
  AuthorizationErrorException: { queryCode: 'AuthorizationError', status: 403, fault: 'Sender' },
  InternalErrorException: { queryCode: 'InternalError', status: 500, fault: 'Receiver' },
  InternalServiceFault: { queryCode: 'InternalError', status: 500, fault: 'Receiver' },
  TopicLimitExceededException: { queryCode: 'TopicLimitExceeded', status: 403, fault: 'Sender' },
  SubscriptionLimitExceededException: { queryCode: 'SubscriptionLimitExceeded', status: 403, fault: 'Sender' },
  TagLimitExceededException: { queryCode: 'TagLimitExceeded', status: 400, fault: 'Sender' },
  ThrottledException: { queryCode: 'Throttled', status: 429, fault: 'Sender' },
};

const STATUS: Record<string, number> = Object.fromEntries(Object.entries(SNS_ERRORS).map(([k, v]) => [k, v.status]));

/** Service errors become API errors with the table's status. */
export function toAwsError(e: unknown): unknown {
  if (e instanceof SnsError) return new AwsError(e.code, e.message, STATUS[e.code] ?? 400);
  return e;
}
