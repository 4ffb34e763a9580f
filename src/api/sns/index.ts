/** The SNS service (awsQuery, `Version=2010-03-31`, SigV4 name `sns`): topics, subscriptions, Publish (docs/notifications.md). */
import type { OperationDef, ProtocolService } from '../protocols/types.js';
import { SNS_ERRORS } from './errors.js';
import { SNS_HANDLERS } from './operations.js';
import { S } from './shapes.js';

const operations: Record<string, OperationDef> = {};
for (const [name, handler] of Object.entries(SNS_HANDLERS)) operations[name] = { ...S[name], handler };

export const snsService: ProtocolService = {
  name: 'AmazonSimpleNotificationService',
  signingName: 'sns',
  version: '2010-03-31',
  xmlNamespace: 'http://sns.amazonaws.com/doc/2010-03-31/',
  errors: SNS_ERRORS,
  operations,
};
