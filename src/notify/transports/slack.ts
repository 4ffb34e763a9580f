/**
 * Slack-compatible incoming webhooks (a Trailwatch extension, protocol `slack`): a JSON POST with
 * `text` (and Block Kit `blocks` for alarms). Works with Slack, Mattermost and Rocket.Chat style
 * webhooks. 2xx is delivered; 429 and 5xx are retried; other 4xx (revoked hook, bad payload) are final.
 */
import { alarmSlackMessage, parseAlarm, slackEscape } from '../alarm-text.js';
import type { Delivery } from '../model.js';
import { isRetryableStatus, post } from './http-post.js';
import type { SendContext, SendResult, Transport } from './types.js';

export function slackPayload(d: Delivery): { text: string; blocks?: unknown[] } {
  const alarm = parseAlarm(d.message);
  if (alarm) return alarmSlackMessage(alarm);
  const text = d.subject !== undefined ? `*${slackEscape(d.subject)}*\n${slackEscape(d.message)}` : slackEscape(d.message);
  return { text };
}

export const slackTransport: Transport = {
  async send(d: Delivery, c: SendContext): Promise<SendResult> {
    const r = await post(d.endpoint, { 'content-type': 'application/json', 'user-agent': 'Trailwatch Notifications' }, JSON.stringify(slackPayload(d)), c.signal);
    if (r.status === undefined) return { ok: false, error: r.error ?? 'no answer' };
    if (r.status >= 200 && r.status < 300) return { ok: true, status: r.status };
    const detail = r.body ? `: ${r.body.slice(0, 200)}` : '';
    return { ok: false, status: r.status, permanent: !isRetryableStatus(r.status), error: `webhook answered ${r.status}${detail}` };
  },
};
