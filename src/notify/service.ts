/** SNS-compatible topics, subscriptions and the durable delivery outbox (docs/notifications.md). */
import type { AppDeps } from '../app/deps.js';

export interface PublishInput {
  TopicArn: string;
  Message: string;
  Subject?: string;
  MessageAttributes?: Record<string, { DataType: string; StringValue?: string }>;
}

export class NotificationService {
  private constructor(private readonly deps: AppDeps) {}

  static async open(deps: AppDeps): Promise<NotificationService> {
    return new NotificationService(deps);
  }

  /** Queues a message for every confirmed subscription of the topic (durably) and returns its id. */
  async publish(_input: PublishInput): Promise<{ MessageId: string }> {
    throw new Error('not implemented');
  }

  async close(): Promise<void> {}
}
