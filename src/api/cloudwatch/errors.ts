/**
 * CloudWatch errors. Handlers throw the Smithy shape name (what JSON 1.0 and CBOR put in
 * `__type`); the table gives the awsQuery code (XML `<Code>` and `x-amzn-query-error`), the HTTP
 * status and the fault (fact sheet 3.2). Messages follow AWS's legacy wording
 * ("The parameter X is required.", "The value V for parameter X is invalid.").
 */
import { AwsError } from '../errors.js';
import type { ErrorDef } from '../protocols/types.js';

export const CLOUDWATCH_ERRORS: Record<string, ErrorDef> = {
  InvalidParameterValueException: { queryCode: 'InvalidParameterValue', status: 400, fault: 'Sender' },
  MissingRequiredParameterException: { queryCode: 'MissingParameter', status: 400, fault: 'Sender' },
  InvalidParameterCombinationException: { queryCode: 'InvalidParameterCombination', status: 400, fault: 'Sender' },
  InternalServiceFault: { queryCode: 'InternalServiceError', status: 500, fault: 'Receiver' },
  InvalidNextToken: { queryCode: 'InvalidNextToken', status: 400, fault: 'Sender' },
  ResourceNotFound: { queryCode: 'ResourceNotFound', status: 404, fault: 'Sender' },
  DashboardNotFoundError: { queryCode: 'ResourceNotFound', status: 404, fault: 'Sender' },
  ResourceNotFoundException: { queryCode: 'ResourceNotFoundException', status: 404, fault: 'Sender' },
  LimitExceededFault: { queryCode: 'LimitExceeded', status: 400, fault: 'Sender' },
  LimitExceededException: { queryCode: 'LimitExceededException', status: 400, fault: 'Sender' },
  InvalidFormatFault: { queryCode: 'InvalidFormat', status: 400, fault: 'Sender' },
  DashboardInvalidInputError: { queryCode: 'InvalidParameterInput', status: 400, fault: 'Sender' },
  ConcurrentModificationException: { queryCode: 'ConcurrentModificationException', status: 429, fault: 'Sender' },
  SerializationException: { queryCode: 'SerializationException', status: 400, fault: 'Sender' },
};

export const missing = (param: string): AwsError =>
  new AwsError('MissingRequiredParameterException', `The parameter ${param} is required.`);

export const invalidValue = (value: unknown, param: string): AwsError =>
  new AwsError('InvalidParameterValueException', `The value ${typeof value === 'string' ? value : JSON.stringify(value)} for parameter ${param} is invalid.`);

export const invalid = (message: string): AwsError => new AwsError('InvalidParameterValueException', message);

export const combination = (message: string): AwsError => new AwsError('InvalidParameterCombinationException', message);

export const invalidNextToken = (): AwsError => new AwsError('InvalidNextToken', 'The specified NextToken is invalid.');
