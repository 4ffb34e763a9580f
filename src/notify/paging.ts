/** SNS list paging: pages of 100 in a stable order; the NextToken is the position, opaque to clients. */
import { invalidParameter } from './errors.js';
import { LIMITS } from './model.js';

/** The page starting at `token` (absent: the first); a token this server did not mint is `Invalid parameter: NextToken`. */
export function paginate<T>(items: T[], token: string | undefined): { items: T[]; next?: string } {
  let start = 0;
  if (token !== undefined) {
    const m = /^[A-Za-z0-9+/=]+$/.test(token) ? /^p:(\d{1,9})$/.exec(Buffer.from(token, 'base64').toString('utf8')) : null;
    const n = m ? Number(m[1]) : NaN;
    if (!Number.isInteger(n) || n < 0 || n > items.length) throw invalidParameter('NextToken');
    start = n;
  }
  const end = start + LIMITS.pageSize;
  return { items: items.slice(start, end), next: end < items.length ? Buffer.from(`p:${end}`).toString('base64') : undefined };
}
