/**
 * ListMetrics: metrics with data in the last two weeks (or three hours with RecentlyActive=PT3H),
 * filtered by namespace, name and dimension filters (a filter without Value matches any value),
 * 500 per page, ordered by namespace, name and dimensions; NextToken is a cursor on that order.
 */
import type { Handler } from '../context.js';
import { invalid, invalidValue } from './errors.js';
import { list, namespace, struct, text } from './params.js';

export const LIST_PAGE_SIZE = 500;
const TWO_WEEKS = 14 * 86_400_000;
const THREE_HOURS = 3 * 3_600_000;

export const ListMetrics: Handler = async (input, ctx) => {
  const ns = namespace(input, 'Namespace');
  const metricName = text(input, 'MetricName', 'MetricName', { min: 1, max: 255 });
  const filters = (list(input, 'Dimensions', 'Dimensions', { max: 10 }) ?? []).map((d, i) => {
    const p = `Dimensions.member.${i + 1}`;
    const x = struct(d, p);
    return { Name: text(x, 'Name', `${p}.Name`, { required: true, min: 1, max: 255 })!, Value: text(x, 'Value', `${p}.Value`, { min: 1, max: 1024 }) };
  });
  const recently = text(input, 'RecentlyActive', 'RecentlyActive');
  if (recently !== undefined && recently !== 'PT3H') throw invalidValue(recently, 'RecentlyActive');
  const token = text(input, 'NextToken', 'NextToken');
  const linked = input.IncludeLinkedAccounts === true;
  const owning = text(input, 'OwningAccount', 'OwningAccount', { min: 1, max: 255 });
  let after: string | undefined;
  if (token !== undefined) {
    try { after = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { k?: unknown }).k as string; } catch { after = undefined; }
    if (typeof after !== 'string') throw invalid('The value for parameter NextToken is invalid.');
  }
  const now = Date.now();
  let all = ctx.metrics.listSeries({ namespace: ns, metricName, dimensions: filters, activeSince: now - (recently ? THREE_HOURS : TWO_WEEKS) });
  if (owning !== undefined && owning !== ctx.accountId) all = [];
  const from = after === undefined ? 0 : all.findIndex((s) => s.key > after!);
  const page = from < 0 ? [] : all.slice(from, from + LIST_PAGE_SIZE);
  const out: Record<string, unknown> = {
    Metrics: page.map((s) => ({ Namespace: s.namespace, MetricName: s.metricName, Dimensions: s.dimensions.map((d) => ({ Name: d.Name, Value: d.Value })) })),
  };
  if (linked) out.OwningAccounts = page.map(() => ctx.accountId);
  if (from >= 0 && from + LIST_PAGE_SIZE < all.length) out.NextToken = Buffer.from(JSON.stringify({ k: page[page.length - 1].key })).toString('base64url');
  return out;
};
