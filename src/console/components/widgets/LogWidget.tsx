import { useMemo } from 'preact/hooks';
import { insights } from '../../lib/api';
import { splitLogQuery, type Widget } from '../../lib/dashboard-model';
import { poll, INTERNAL_MARK } from '../../lib/query-runner';
import { chartModel, PALETTE } from '../../lib/chart';
import { columnsOf, toRows } from '../../lib/results';
import { useLoad } from '../../lib/use-load';
import { MetricChart } from '../MetricChart';
import { WidgetFrame, WidgetMessage } from './WidgetFrame';
import { widgetPixels } from './MetricWidget';

const MAX_ROWS = 200;

/**
 * A log widget: its Logs Insights query (`SOURCE 'group' | … | <query>`) run with StartQuery and
 * GetQueryResults over the dashboard's time range; a table, or a chart for `stats … by bin()`.
 */
export function LogWidget({ widget, range, nonce, onZoom }: { widget: Widget; range: { from: number; to: number }; nonce: number; onZoom: (from: number, to: number) => void }) {
  const p = widget.properties;
  const title = typeof p.title === 'string' ? p.title : undefined;
  const view = typeof p.view === 'string' ? p.view : 'table';
  const { groups, query } = splitLogQuery(typeof p.query === 'string' ? p.query : '');

  const loaded = useLoad(async (signal) => {
    // The mark keeps the console's own queries out of the explorer's recent-queries list.
    const { queryId } = await insights.startQuery({
      logGroupNames: groups, startTime: Math.floor(range.from / 1000), endTime: Math.ceil(range.to / 1000), queryString: `${INTERNAL_MARK} dashboard widget\n${query}`,
    }, signal);
    const r = await poll(queryId, signal);
    if (r.status !== 'Complete') throw Object.assign(new Error(`The query ended ${r.status}.`), { code: r.status });
    return r.results;
  }, [p.query, range.from, range.to, nonce]);

  // The table's columns and rows, or the chart's series (memoised: a new series array makes the chart rebuild its canvas).
  const shaped = useMemo(() => {
    if (!loaded.data?.length) return null;
    const columns = columnsOf(loaded.data).filter((c) => c !== '@ptr');
    const rows = toRows(loaded.data);
    let model = null;
    if (view !== 'table') for (let k = 1; k < columns.length && !model; k++) model = chartModel(columns, rows, k);
    const series = model?.series.map((s, i) => {
      const pts = model.times.map((t, j) => [t, s.values[j]] as const).filter((x): x is readonly [number, number] => x[1] !== null);
      return { label: s.name, color: PALETTE[i % PALETTE.length], times: pts.map((x) => x[0]), values: pts.map((x) => x[1]) };
    });
    return { columns, rows, series };
  }, [loaded.data, view]);

  let body;
  if (!groups.length) body = <WidgetMessage error>The query names no log group (it starts with SOURCE 'log-group-name' |).</WidgetMessage>;
  else if (loaded.error) body = <WidgetMessage error>{loaded.error.code}: {loaded.error.message}</WidgetMessage>;
  else if (!loaded.data) body = <WidgetMessage>Running the query…</WidgetMessage>;
  else if (!loaded.data.length) body = <WidgetMessage>No results in this time range.</WidgetMessage>;
  else if (shaped) {
    const { columns, rows, series } = shaped;
    if (series) {
      body = <MetricChart series={series} from={range.from} to={range.to} height={Math.max(120, widgetPixels(widget.height) - (title ? 44 : 18))} stacked={p.stacked === true} onZoom={onZoom} label={title ?? 'Log query chart'} testId="widget-chart" />;
    } else {
      body = (
        <div class="widget-scroll">
          <table class="table widget-table" data-testid="log-widget-table">
            <thead><tr>{columns.map((c) => <th key={c} scope="col">{c}</th>)}</tr></thead>
            <tbody>
              {rows.slice(0, MAX_ROWS).map((r, i) => <tr key={i}>{columns.map((c) => <td key={c} title={r[c]}>{r[c] ?? ''}</td>)}</tr>)}
            </tbody>
          </table>
        </div>
      );
    }
  }
  return <WidgetFrame widget={widget} title={title} busy={loaded.loading}>{body}</WidgetFrame>;
}
