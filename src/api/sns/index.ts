/** The SNS service (awsQuery, `Version=2010-03-31`, SigV4 name `sns`): topics, subscriptions, Publish. */
import type { ProtocolService } from '../protocols/types.js';

export const snsService: ProtocolService = {
  name: 'AmazonSimpleNotificationService',
  signingName: 'sns',
  version: '2010-03-31',
  xmlNamespace: 'http://sns.amazonaws.com/doc/2010-03-31/',
  errors: {},
  operations: {},
};
