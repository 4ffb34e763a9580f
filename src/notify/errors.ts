/**
 * SNS errors raised by the notification service. `code` is the Smithy shape name; the SNS API
 * (src/api/sns/errors.ts) maps it to the awsQuery code and HTTP status. Kept here so the alarm
 * engine and the API share one set of messages without the service importing the API layer.
 */
export class SnsError extends Error {
  constructor(readonly code: string, message: string) { super(message); }
}

/** `Invalid parameter: <what>` — SNS's wording for almost every bad input (InvalidParameter, 400). */
export const invalidParameter = (what: string): SnsError => new SnsError('InvalidParameterException', `Invalid parameter: ${what}`);
export const invalidParameterValue = (what: string): SnsError => new SnsError('InvalidParameterValueException', what);
/** A required member left out (SNS answers these with a Coral validation message). */
export const missingParameter = (member: string): SnsError =>
  new SnsError('ValidationException', `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
export const topicNotFound = (): SnsError => new SnsError('NotFoundException', 'Topic does not exist');
export const subscriptionNotFound = (): SnsError => new SnsError('NotFoundException', 'Subscription does not exist');
export const notAuthorized = (principal: string, action: string, resource: string): SnsError =>
  new SnsError('AuthorizationErrorException', `User: ${principal} is not authorized to perform: SNS:${action} on resource: ${resource}`);
