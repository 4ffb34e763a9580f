/**
 * SNS's unauthenticated links and the outbox read API, on the main port:
 * - `GET /?Action=ConfirmSubscription&TopicArn=…&Token=…` — the SubscribeURL (answers SNS's XML);
 * - `GET /?Action=Unsubscribe&SubscriptionArn=…` — the UnsubscribeURL;
 * - `GET /SimpleNotificationService-<hash>.pem` — the SigningCertURL;
 * - `GET /api/v1/notifications/deliveries[?status=&topicArn=&subscriptionArn=&messageId=&limit=]` and
 *   `GET /api/v1/notifications/stats` — authenticated (bearer or SigV4) like every /api/v1 route.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { AwsError } from '../errors.js';
import * as query from '../protocols/aws-query.js';
import type { NotificationService } from '../../notify/service.js';
import type { Delivery, DeliveryStatus } from '../../notify/model.js';
import { endpointView } from '../../notify/endpoint-view.js';
import { snsService } from './index.js';
import { toAwsError } from './errors.js';

export interface NotifyRouteDeps {
  notifications: NotificationService;
  log: Logger;
  authenticate(req: IncomingMessage, url: URL, body: Buffer): Promise<unknown>;
}

const STATUSES: DeliveryStatus[] = ['pending', 'delivered', 'rejected', 'dead', 'cancelled'];

/**
 * Endpoint credentials (webhook paths, basic-auth passwords) are not shown (endpoint-view.ts).
 * Confirmation tokens are left out too: with one, any API user could confirm an endpoint they do not own.
 */
function publicView(d: Delivery): Delivery {
  const { token: _token, ...rest } = d;
  return { ...rest, endpoint: endpointView(d.protocol, d.endpoint) };
}

function json(res: ServerResponse, status: number, body: unknown, requestId: string): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': data.length, 'x-amzn-requestid': requestId });
  res.end(data);
}

/** Answers the request and returns true when it is one of these routes. */
export function handleNotifyRoutes(req: IncomingMessage, res: ServerResponse, url: URL, requestId: string, deps: NotifyRouteDeps): boolean {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') return false;
  // Only a GET acts: link checkers that probe with HEAD must not confirm or unsubscribe anything.
  const action = url.pathname === '/' && method === 'GET' ? url.searchParams.get('Action') : null;
  if (action === 'ConfirmSubscription' || action === 'Unsubscribe') {
    try {
      if (action === 'ConfirmSubscription') {
        const arn = deps.notifications.confirmSubscription(undefined, url.searchParams.get('TopicArn') ?? undefined, url.searchParams.get('Token') ?? undefined);
        query.sendResult(res, { service: snsService, operation: action, input: {} }, { SubscriptionArn: arn }, requestId);
      } else {
        deps.notifications.unsubscribe(undefined, url.searchParams.get('SubscriptionArn') ?? undefined);
        query.sendResult(res, { service: snsService, operation: action, input: {} }, {}, requestId);
      }
    } catch (e) {
      const err = toAwsError(e);
      if (!(err instanceof AwsError)) deps.log.error({ err: String(e), requestId }, 'notification link failed');
      query.sendError(res, err instanceof AwsError ? err : new AwsError('InternalErrorException', 'The service cannot complete the request.', 500), snsService, requestId);
    }
    return true;
  }
  const cert = /^\/(SimpleNotificationService-[0-9a-f]+\.pem)$/.exec(url.pathname);
  if (cert) {
    const pem = deps.notifications.certificate(cert[1]);
    if (!pem) return false;
    res.writeHead(200, { 'content-type': 'application/x-pem-file', 'content-length': Buffer.byteLength(pem) });
    res.end(method === 'HEAD' ? undefined : pem);
    return true;
  }
  if (url.pathname === '/api/v1/notifications/deliveries' || url.pathname === '/api/v1/notifications/stats') {
    void (async () => {
      try {
        await deps.authenticate(req, url, Buffer.alloc(0));
        if (url.pathname.endsWith('/stats')) { json(res, 200, deps.notifications.counters(), requestId); return; }
        const p = url.searchParams;
        const status = p.get('status') ?? undefined;
        if (status !== undefined && !STATUSES.includes(status as DeliveryStatus)) throw new AwsError('InvalidParameterException', `status must be one of ${STATUSES.join(', ')}`);
        const limit = p.get('limit') === null ? 100 : Number(p.get('limit'));
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new AwsError('InvalidParameterException', 'limit must be an integer from 1 to 1000');
        const deliveries = deps.notifications.deliveries({
          status: status as DeliveryStatus | undefined, topicArn: p.get('topicArn') ?? undefined,
          subscriptionArn: p.get('subscriptionArn') ?? undefined, messageId: p.get('messageId') ?? undefined, limit,
        }).map(publicView);
        json(res, 200, { deliveries, counters: deps.notifications.counters() }, requestId);
      } catch (e) {
        const status = (e as { status?: number }).status ?? 500;
        const code = (e as { code?: string }).code ?? 'InternalFailure';
        if (status >= 500) deps.log.error({ err: String(e), requestId }, 'notifications read failed');
        // Bad credentials are 401 as on the other /api/v1 routes; none at all is 403 as in every AWS protocol.
        const http = code === 'MissingAuthenticationTokenException' ? 403 : status === 400 && code === 'UnrecognizedClientException' ? 401 : status;
        json(res, http, { __type: code, message: status >= 500 ? 'The service cannot complete the request.' : (e as Error).message }, requestId);
      }
    })();
    return true;
  }
  return false;
}
