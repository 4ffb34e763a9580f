/** An error answered to the client in AWS's shape (code in `__type`, HTTP status). */
export class AwsError extends Error {
  constructor(readonly code: string, message: string, readonly status = 400, readonly extra: Record<string, unknown> = {}) {
    super(message);
  }
}

export const notFoundGroup = (): AwsError => new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
export const notFoundStream = (): AwsError => new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');
export const invalidParameter = (message: string): AwsError => new AwsError('InvalidParameterException', message);
