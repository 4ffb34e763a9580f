/**
 * Email and email-json over SMTP (nodemailer, to the relay in TRAILWATCH_SMTP_URL / notify.json).
 * Texts follow SNS's: confirmation mail with the confirm link, notifications with the unsubscribe
 * footer; a CloudWatch alarm payload becomes CloudWatch's alarm email text. SMTP 5xx replies are
 * final; 4xx replies and connection failures are retried by SNS's SMTP policy.
 */
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { alarmEmailText, alarmSubject, parseAlarm } from '../alarm-text.js';
import { envelope, subscribeUrl, unsubscribeUrl } from '../envelope.js';
import type { Delivery } from '../model.js';
import { snsJson } from './http.js';
import type { SendContext, SendResult, Transport } from './types.js';

export const DEFAULT_FROM = 'no-reply@trailwatch.invalid';
const SUBJECT_DEFAULT = 'AWS Notification Message';
const CONFIRM_SUBJECT = 'AWS Notification - Subscription Confirmation';
const NO_REPLY = 'Please do not reply directly to this email.';

export interface Mail { subject: string; text: string; html?: string }

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Subject and body of a delivery to an email or email-json subscriber. */
export function mailFor(d: Delivery, c: Pick<SendContext, 'links'>): Mail {
  const base = c.links.base;
  if (d.kind !== 'Notification') {
    const url = subscribeUrl(base, d.topicArn, d.token ?? '');
    if (d.protocol === 'email-json') return { subject: CONFIRM_SUBJECT, text: snsJson(envelope(d, c.links)) };
    const intro = d.kind === 'SubscriptionConfirmation' ? 'You have chosen to subscribe to the topic:' : 'You have chosen to deactivate your subscription to the topic:';
    const text = `${intro}\n${d.topicArn}\n\nTo confirm this subscription, click or visit the link below (If this was in error no action is necessary):\n${url}\n\n${NO_REPLY}\n`;
    const html = `<p>${escapeHtml(intro)}<br><br><b>${escapeHtml(d.topicArn)}</b></p><p>To confirm this subscription, click or visit the link below (If this was in error no action is necessary):<br><a href="${escapeHtml(url)}">Confirm subscription</a></p><p><small>${NO_REPLY}</small></p>`;
    return { subject: CONFIRM_SUBJECT, text, html };
  }
  const alarm = parseAlarm(d.message);
  const subject = d.subject ?? (alarm ? alarmSubject(alarm) : SUBJECT_DEFAULT);
  if (d.protocol === 'email-json') return { subject, text: snsJson(envelope(d, c.links)) };
  const body = alarm ? alarmEmailText(alarm) : d.message;
  const footer = `\n\n--\nIf you wish to stop receiving notifications from this topic, please click or visit the link below to unsubscribe:\n${unsubscribeUrl(base, d.subscriptionArn)}\n\n${NO_REPLY}\n`;
  return { subject, text: body + footer };
}

/** `"Display Name" <address>`: the topic's DisplayName replaces the configured sender name. */
export function fromHeader(configured: string | undefined, displayName: string | undefined): string | { name: string; address: string } {
  const from = configured ?? DEFAULT_FROM;
  if (!displayName) return from;
  const m = /<([^>]+)>/.exec(from);
  return { name: displayName, address: m ? m[1] : from.trim() };
}

export function emailTransport(smtpUrl: string, from: string | undefined): Transport & { close(): void } {
  const mailer = nodemailer.createTransport({ url: smtpUrl, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000 } as SMTPTransport.Options);
  return {
    async send(d: Delivery, c: SendContext): Promise<SendResult> {
      const m = mailFor(d, c);
      try {
        const info = await mailer.sendMail({ from: fromHeader(from, c.displayName), to: d.endpoint, subject: m.subject, text: m.text, html: m.html, headers: { 'X-Amz-Sns-Message-Id': d.messageId, 'X-Amz-Sns-Topic-Arn': d.topicArn } });
        if (info.rejected.length) return { ok: false, permanent: true, error: `recipient rejected: ${info.response}` };
        return { ok: true, status: Number(/^\d{3}/.exec(info.response)?.[0] ?? 250) };
      } catch (e) {
        const err = e as { responseCode?: number; message?: string; code?: string };
        const status = err.responseCode;
        // SMTP 5xx is a permanent refusal; 4xx and connection errors are transient.
        return { ok: false, status, permanent: status !== undefined && status >= 500, error: `${err.code ? err.code + ': ' : ''}${err.message ?? String(e)}`.slice(0, 500) };
      }
    },
    close() { mailer.close(); },
  };
}
