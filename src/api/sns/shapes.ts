/** SNS operation shapes (awsQuery), from the SNS API model; only what Trailwatch reads and writes. */
import { bool, list, map, str, struct, type Shape, type StructureShape } from '../protocols/types.js';

const Tag = struct({ Key: str, Value: str });
const TagList = list(Tag);
const Attributes = map(str);

/**
 * Publish's MessageAttributes map names its entry members `Name` and `Value`
 * (`MessageAttributes.entry.N.Name`), not the `key`/`value` the shared codec reads for maps, so it
 * is read as numbered entries; SNS allows at most 10, and 100 are read so an excess is reported.
 */
const MessageAttributeValue = struct({ DataType: str, StringValue: str, BinaryValue: str });
export const MAX_READ_MESSAGE_ATTRIBUTES = 100;
const entries: Record<string, Shape> = {};
for (let i = 1; i <= MAX_READ_MESSAGE_ATTRIBUTES; i++) entries[String(i)] = struct({ Name: str, Value: MessageAttributeValue });
export const MessageAttributeEntries = struct({ entry: struct(entries) });

const Subscription = struct({ SubscriptionArn: str, Owner: str, Protocol: str, Endpoint: str, TopicArn: str });

export const S: Record<string, { input?: StructureShape; output?: StructureShape }> = {
  CreateTopic: { input: struct({ Name: str, Attributes, Tags: TagList, DataProtectionPolicy: str }), output: struct({ TopicArn: str }) },
  DeleteTopic: { input: struct({ TopicArn: str }) },
  ListTopics: { input: struct({ NextToken: str }), output: struct({ Topics: list(struct({ TopicArn: str })), NextToken: str }) },
  GetTopicAttributes: { input: struct({ TopicArn: str }), output: struct({ Attributes }) },
  SetTopicAttributes: { input: struct({ TopicArn: str, AttributeName: str, AttributeValue: str }) },
  Subscribe: { input: struct({ TopicArn: str, Protocol: str, Endpoint: str, Attributes, ReturnSubscriptionArn: bool }), output: struct({ SubscriptionArn: str }) },
  ConfirmSubscription: { input: struct({ TopicArn: str, Token: str, AuthenticateOnUnsubscribe: str }), output: struct({ SubscriptionArn: str }) },
  Unsubscribe: { input: struct({ SubscriptionArn: str }) },
  ListSubscriptions: { input: struct({ NextToken: str }), output: struct({ Subscriptions: list(Subscription), NextToken: str }) },
  ListSubscriptionsByTopic: { input: struct({ TopicArn: str, NextToken: str }), output: struct({ Subscriptions: list(Subscription), NextToken: str }) },
  GetSubscriptionAttributes: { input: struct({ SubscriptionArn: str }), output: struct({ Attributes }) },
  SetSubscriptionAttributes: { input: struct({ SubscriptionArn: str, AttributeName: str, AttributeValue: str }) },
  Publish: {
    input: struct({
      TopicArn: str, TargetArn: str, PhoneNumber: str, Message: str, Subject: str, MessageStructure: str,
      MessageAttributes: MessageAttributeEntries, MessageDeduplicationId: str, MessageGroupId: str,
    }),
    output: struct({ MessageId: str, SequenceNumber: str }),
  },
  TagResource: { input: struct({ ResourceArn: str, Tags: TagList }), output: struct({}) },
  UntagResource: { input: struct({ ResourceArn: str, TagKeys: list(str) }), output: struct({}) },
  ListTagsForResource: { input: struct({ ResourceArn: str }), output: struct({ Tags: TagList }) },
};
