/**
 * How an endpoint is shown outside GetSubscriptionAttributes (ListSubscriptions, the delivery read
 * API): credentials left out. A password in an HTTP/S URL (basic authentication) becomes `****`;
 * a webhook's path is its secret (whoever has it can post), so only its origin is shown.
 */
import type { Protocol } from './model.js';

export function endpointView(protocol: Protocol, endpoint: string): string {
  if (protocol !== 'http' && protocol !== 'https' && protocol !== 'slack') return endpoint;
  let u: URL;
  try { u = new URL(endpoint); } catch { return protocol === 'slack' ? 'webhook' : endpoint; }
  if (protocol === 'slack') return `${u.origin}/…`;
  if (!u.password) return endpoint;
  u.password = '****';
  return u.toString();
}
