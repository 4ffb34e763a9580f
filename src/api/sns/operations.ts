/** SNS operation handlers: read the typed input, call the notification service, shape the answer. */
import type { CallContext, Handler } from '../context.js';
import type { Caller } from '../../notify/service.js';
import type { Tag } from '../../notify/model.js';
import { invalidParameter } from '../../notify/errors.js';
import { MAX_READ_MESSAGE_ATTRIBUTES } from './shapes.js';
import { toAwsError } from './errors.js';

type In = Record<string, unknown>;
const s = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const caller = (ctx: CallContext): Caller => ({ region: ctx.region, principal: ctx.principal });
const attrs = (v: unknown): Record<string, string> => (v && typeof v === 'object' ? v as Record<string, string> : {});
const tags = (v: unknown): Tag[] => (Array.isArray(v) ? v as Tag[] : []);

/** Wraps a handler so service errors reach the protocol layer as AWS errors. */
const op = (f: (i: In, ctx: CallContext) => Record<string, unknown>): Handler => async (i, ctx) => {
  try { return f(i, ctx); } catch (e) { throw toAwsError(e); }
};

/** `MessageAttributes.entry.N.{Name,Value}` as a name → value map (see shapes.ts). */
function messageAttributes(v: unknown): Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }> | undefined {
  const entry = (v as { entry?: Record<string, { Name?: string; Value?: { DataType?: string; StringValue?: string; BinaryValue?: string } }> } | undefined)?.entry;
  if (!entry) return undefined;
  const out: Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }> = {};
  const keys = Object.keys(entry);
  if (keys.length >= MAX_READ_MESSAGE_ATTRIBUTES) throw invalidParameter(`MessageAttributes Reason: Number of message attributes [${keys.length}] exceeds the allowed maximum [10].`);
  for (const k of keys) {
    const e = entry[k];
    if (e.Name === undefined) throw invalidParameter(`MessageAttributes.entry.${k}.Name`);
    out[e.Name] = { DataType: e.Value?.DataType ?? '', StringValue: e.Value?.StringValue, BinaryValue: e.Value?.BinaryValue };
  }
  return out;
}

export const SNS_HANDLERS: Record<string, Handler> = {
  CreateTopic: op((i, ctx) => ({ TopicArn: ctx.notifications.createTopic(caller(ctx), s(i.Name), attrs(i.Attributes), tags(i.Tags)) })),
  DeleteTopic: op((i, ctx) => { ctx.notifications.deleteTopic(caller(ctx), s(i.TopicArn)); return {}; }),
  ListTopics: op((i, ctx) => ctx.notifications.listTopics(caller(ctx), s(i.NextToken))),
  GetTopicAttributes: op((i, ctx) => ({ Attributes: ctx.notifications.getTopicAttributes(caller(ctx), s(i.TopicArn)) })),
  SetTopicAttributes: op((i, ctx) => { ctx.notifications.setTopicAttributes(caller(ctx), s(i.TopicArn), s(i.AttributeName), s(i.AttributeValue)); return {}; }),
  Subscribe: op((i, ctx) => ({
    SubscriptionArn: ctx.notifications.subscribe(caller(ctx), s(i.TopicArn), s(i.Protocol), s(i.Endpoint), attrs(i.Attributes), i.ReturnSubscriptionArn === true),
  })),
  ConfirmSubscription: op((i, ctx) => ({
    SubscriptionArn: ctx.notifications.confirmSubscription(caller(ctx), s(i.TopicArn), s(i.Token), s(i.AuthenticateOnUnsubscribe)),
  })),
  Unsubscribe: op((i, ctx) => { ctx.notifications.unsubscribe(caller(ctx), s(i.SubscriptionArn)); return {}; }),
  ListSubscriptions: op((i, ctx) => ctx.notifications.listSubscriptions(caller(ctx), s(i.NextToken))),
  ListSubscriptionsByTopic: op((i, ctx) => ctx.notifications.listSubscriptionsByTopic(caller(ctx), s(i.TopicArn), s(i.NextToken))),
  GetSubscriptionAttributes: op((i, ctx) => ({ Attributes: ctx.notifications.getSubscriptionAttributes(caller(ctx), s(i.SubscriptionArn)) })),
  SetSubscriptionAttributes: op((i, ctx) => { ctx.notifications.setSubscriptionAttributes(caller(ctx), s(i.SubscriptionArn), s(i.AttributeName), s(i.AttributeValue)); return {}; }),
  Publish: async (i, ctx) => {
    try {
      return await ctx.notifications.publish({
        TopicArn: s(i.TopicArn), TargetArn: s(i.TargetArn), PhoneNumber: s(i.PhoneNumber), Message: s(i.Message) as string,
        Subject: s(i.Subject), MessageStructure: s(i.MessageStructure), MessageAttributes: messageAttributes(i.MessageAttributes),
        MessageGroupId: s(i.MessageGroupId), MessageDeduplicationId: s(i.MessageDeduplicationId),
      }, caller(ctx));
    } catch (e) { throw toAwsError(e); }
  },
  TagResource: op((i, ctx) => { ctx.notifications.tagResource(caller(ctx), s(i.ResourceArn), tags(i.Tags)); return {}; }),
  UntagResource: op((i, ctx) => { ctx.notifications.untagResource(caller(ctx), s(i.ResourceArn), Array.isArray(i.TagKeys) ? i.TagKeys as string[] : []); return {}; }),
  ListTagsForResource: op((i, ctx) => ({ Tags: ctx.notifications.listTagsForResource(caller(ctx), s(i.ResourceArn)) })),
};
