/**
 * Validates a CloudWatch dashboard body ("Dashboard Body Structure and Syntax", CloudWatch API
 * Reference) the way PutDashboard does: errors reject the body, warnings are answered in
 * `DashboardValidationMessages` and the body is stored anyway.
 *
 * AWS validates with a JSON schema (ajv draft-04 era) and answers its messages, capitalised:
 * "Should have required property 'region'", "Should be equal to one of the allowed values",
 * "Should NOT have more than 2 items". Paths are JSON pointers (`/widgets/0/properties`). The
 * messages below reproduce the ones AWS is observed to answer (docs/dashboards.md lists them).
 */

export interface ValidationMessage { dataPath: string; message: string }
export interface BodyCheck { errors: ValidationMessage[]; warnings: ValidationMessage[] }

type Json = unknown;
type Obj = Record<string, Json>;

export const LIMITS = {
  widgets: 500,
  metricsPerWidget: 500,
  alarmsPerWidget: 100,
  gridWidth: 24,
  maxHeight: 1000,
} as const;

export const WIDGET_TYPES = ['metric', 'text', 'log', 'alarm', 'explorer', 'custom'] as const;
const METRIC_VIEWS = ['timeSeries', 'singleValue', 'gauge', 'bar', 'pie', 'table'];
const LOG_VIEWS = ['table', 'timeSeries', 'bar', 'pie', 'stackedArea', 'line'];
const ALARM_STATES = ['ALARM', 'INSUFFICIENT_DATA', 'OK'];

const WIDGET_KEYS = new Set(['type', 'x', 'y', 'width', 'height', 'properties']);
const TOP_KEYS = new Set(['widgets', 'start', 'end', 'periodOverride', 'variables']);
const RENDERING_KEYS = new Set(['accountId', 'color', 'expression', 'id', 'label', 'period', 'region', 'stat', 'visible', 'yAxis', 'unit']);

/** `-PT3H`, `-P7D`, `-P1W`, `-PT15M`: an ISO 8601 duration before now. */
export const RELATIVE_TIME = /^-P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
/** An absolute ISO 8601 time: a date, optionally a time and zone. */
const ABSOLUTE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const COLOR = /^#[0-9a-fA-F]{6}$/;
const METRIC_ID = /^[a-z][a-zA-Z0-9_]*$/;

const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: Json): v is number => typeof v === 'number' && Number.isInteger(v);
const typeName = (t: string) => `Should be ${t}`;

export function isAbsoluteTime(s: string): boolean {
  return ABSOLUTE_TIME.test(s) && Number.isFinite(Date.parse(s));
}

class Checker {
  readonly errors: ValidationMessage[] = [];
  readonly warnings: ValidationMessage[] = [];
  error(dataPath: string, message: string): void { this.errors.push({ dataPath, message }); }
  warn(dataPath: string, message: string): void { this.warnings.push({ dataPath, message }); }

  /** Type checks return whether the value may be inspected further. */
  string(o: Obj, key: string, path: string): boolean {
    if (o[key] === undefined) return false;
    if (typeof o[key] !== 'string') { this.error(`${path}/${key}`, typeName('string')); return false; }
    return true;
  }
  boolean(o: Obj, key: string, path: string): void {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') this.error(`${path}/${key}`, typeName('boolean'));
  }
  number(o: Obj, key: string, path: string): void {
    if (o[key] !== undefined && typeof o[key] !== 'number') this.error(`${path}/${key}`, typeName('number'));
  }
  integer(o: Obj, key: string, path: string, min?: number, max?: number): void {
    const v = o[key];
    if (v === undefined) return;
    if (!isInt(v)) { this.error(`${path}/${key}`, typeName('integer')); return; }
    if (min !== undefined && v < min) this.error(`${path}/${key}`, `Should be >= ${min}`);
    if (max !== undefined && v > max) this.error(`${path}/${key}`, `Should be <= ${max}`);
  }
  oneOf(o: Obj, key: string, path: string, allowed: readonly string[]): void {
    if (!this.string(o, key, path)) return;
    if (!allowed.includes(o[key] as string)) this.error(`${path}/${key}`, 'Should be equal to one of the allowed values');
  }
  object(o: Obj, key: string, path: string): Obj | undefined {
    const v = o[key];
    if (v === undefined) return undefined;
    if (!isObj(v)) { this.error(`${path}/${key}`, typeName('object')); return undefined; }
    return v;
  }
  array(o: Obj, key: string, path: string): Json[] | undefined {
    const v = o[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) { this.error(`${path}/${key}`, typeName('array')); return undefined; }
    return v;
  }
  time(o: Obj, key: string, path: string, relativeAllowed: boolean): void {
    if (!this.string(o, key, path)) return;
    const s = o[key] as string;
    if (isAbsoluteTime(s) || (relativeAllowed && RELATIVE_TIME.test(s))) return;
    this.error(`${path}/${key}`, relativeAllowed
      ? 'Should be an ISO 8601 duration before now (such as -PT3H) or an ISO 8601 timestamp'
      : 'Should be an ISO 8601 timestamp');
  }
  unexpected(o: Obj, known: ReadonlySet<string>, path: string, inWidget: boolean): void {
    for (const k of Object.keys(o)) {
      if (!known.has(k)) this.warn(path, `The "${k}" property is not expected${inWidget ? ' to be part of a widget definition' : ''}, will be ignored`);
    }
  }
}

/**
 * Checks a parsed body. A body that is not a JSON object is the caller's to refuse
 * ("The field DashboardBody must be a valid JSON object").
 */
export function checkDashboardBody(body: Obj): BodyCheck {
  const c = new Checker();
  c.unexpected(body, TOP_KEYS, '', false);
  if (body.widgets === undefined) c.error('', "Should have required property 'widgets'");
  const widgets = c.array(body, 'widgets', '');
  if (widgets && widgets.length > LIMITS.widgets) c.error('/widgets', `Should NOT have more than ${LIMITS.widgets} items`);
  c.time(body, 'start', '', true);
  c.time(body, 'end', '', false);
  if (body.end !== undefined && body.start === undefined) c.error('', 'Should have property start when property end is present');
  c.oneOf(body, 'periodOverride', '', ['auto', 'inherit']);
  const variables = c.array(body, 'variables', '');
  variables?.forEach((v, i) => checkVariable(c, v, `/variables/${i}`));
  widgets?.forEach((w, i) => checkWidget(c, w, `/widgets/${i}`));
  return { errors: c.errors, warnings: c.warnings };
}

function checkVariable(c: Checker, v: Json, path: string): void {
  if (!isObj(v)) { c.error(path, typeName('object')); return; }
  for (const k of ['type', 'property', 'inputType', 'id']) if (v[k] === undefined) c.error(path, `Should have required property '${k}'`);
  c.oneOf(v, 'type', path, ['property', 'pattern']);
  c.oneOf(v, 'inputType', path, ['input', 'radio', 'select']);
  c.string(v, 'property', path);
  c.string(v, 'id', path);
  c.string(v, 'label', path);
  c.string(v, 'defaultValue', path);
  c.boolean(v, 'visible', path);
}

function checkWidget(c: Checker, w: Json, path: string): void {
  if (!isObj(w)) { c.error(path, typeName('object')); return; }
  c.unexpected(w, WIDGET_KEYS, path, true);
  if (w.type === undefined) c.error(path, "Should have required property 'type'");
  if (w.properties === undefined) c.error(path, "Should have required property 'properties'");
  c.oneOf(w, 'type', path, WIDGET_TYPES);
  c.integer(w, 'x', path, 0, LIMITS.gridWidth - 1);
  c.integer(w, 'y', path, 0);
  c.integer(w, 'width', path, 1, LIMITS.gridWidth);
  c.integer(w, 'height', path, 1, LIMITS.maxHeight);
  const props = c.object(w, 'properties', path);
  if (!props) return;
  const pp = `${path}/properties`;
  switch (w.type) {
    case 'metric': checkMetricProperties(c, props, pp); break;
    case 'log': checkLogProperties(c, props, pp); break;
    case 'alarm': checkAlarmProperties(c, props, pp); break;
    case 'text':
      if (props.markdown === undefined) c.error(pp, "Should have required property 'markdown'");
      c.string(props, 'markdown', pp);
      c.oneOf(props, 'background', pp, ['solid', 'transparent']);
      break;
    case 'explorer':
      if (props.metrics === undefined) c.error(pp, "Should have required property 'metrics'");
      c.array(props, 'metrics', pp);
      c.string(props, 'region', pp);
      break;
    case 'custom':
      if (props.endpoint === undefined) c.error(pp, "Should have required property 'endpoint'");
      c.string(props, 'endpoint', pp);
      break;
    default: break;
  }
}

function checkMetricProperties(c: Checker, p: Obj, path: string): void {
  const annotations = c.object(p, 'annotations', path);
  const alarmAnnotations = annotations ? c.array(annotations, 'alarms', `${path}/annotations`) : undefined;
  const metrics = c.array(p, 'metrics', path);
  // AWS's schema allows a graph of metrics or of an alarm annotation; with neither, it answers
  // these three messages (observed verbatim on PutDashboard).
  if (p.metrics === undefined && !alarmAnnotations?.length) {
    c.error(path, "Should have required property 'metrics'");
    c.error(path, 'The metric widget should have specified a region and a data source or an alarm annotation');
    if (p.annotations === undefined) c.error(path, "Should have required property 'annotations'");
  } else if (metrics && metrics.length === 0 && !alarmAnnotations?.length) {
    c.error(path, 'The metric widget should have specified a region and a data source or an alarm annotation');
  } else if (p.region === undefined) {
    c.error(path, "Should have required property 'region'");
  }
  if (metrics && metrics.length > LIMITS.metricsPerWidget) c.error(`${path}/metrics`, `Should NOT have more than ${LIMITS.metricsPerWidget} items`);
  metrics?.forEach((row, i) => checkMetricRow(c, row, `${path}/metrics/${i}`));
  c.string(p, 'region', path);
  c.string(p, 'title', path);
  c.string(p, 'stat', path);
  c.string(p, 'accountId', path);
  c.string(p, 'timezone', path);
  c.oneOf(p, 'view', path, METRIC_VIEWS);
  c.boolean(p, 'stacked', path);
  c.boolean(p, 'liveData', path);
  c.boolean(p, 'setPeriodToTimeRange', path);
  c.boolean(p, 'sparkline', path);
  c.boolean(p, 'trend', path);
  c.boolean(p, 'singleValueFullPrecision', path);
  c.integer(p, 'period', path, 1);
  c.time(p, 'start', path, true);
  c.time(p, 'end', path, false);
  const legend = c.object(p, 'legend', path);
  if (legend) c.oneOf(legend, 'position', `${path}/legend`, ['right', 'bottom', 'hidden']);
  const yAxis = c.object(p, 'yAxis', path);
  for (const side of ['left', 'right']) {
    const axis = yAxis ? c.object(yAxis, side, `${path}/yAxis`) : undefined;
    if (!axis) continue;
    const ap = `${path}/yAxis/${side}`;
    c.number(axis, 'min', ap);
    c.number(axis, 'max', ap);
    c.string(axis, 'label', ap);
    c.boolean(axis, 'showUnits', ap);
  }
  if (annotations) {
    for (const dir of ['horizontal', 'vertical'] as const) {
      const list = c.array(annotations, dir, `${path}/annotations`);
      list?.forEach((a, i) => checkAnnotation(c, a, `${path}/annotations/${dir}/${i}`, dir));
    }
    alarmAnnotations?.forEach((a, i) => { if (typeof a !== 'string') c.error(`${path}/annotations/alarms/${i}`, typeName('string')); });
  }
}

function checkAnnotation(c: Checker, a: Json, path: string, dir: 'horizontal' | 'vertical'): void {
  // A band is a pair of annotations; each must be an object.
  if (Array.isArray(a)) { a.forEach((x, i) => checkAnnotation(c, x, `${path}/${i}`, dir)); return; }
  if (!isObj(a)) { c.error(path, typeName('object')); return; }
  if (a.value === undefined) c.error(path, "Should have required property 'value'");
  if (dir === 'horizontal') c.number(a, 'value', path); else c.time(a, 'value', path, false);
  c.string(a, 'label', path);
  if (c.string(a, 'color', path) && !COLOR.test(a.color as string)) c.error(`${path}/color`, `Should match pattern "${COLOR.source}"`);
  c.oneOf(a, 'fill', path, dir === 'horizontal' ? ['above', 'below', 'none'] : ['before', 'after', 'none']);
  c.boolean(a, 'visible', path);
  if (dir === 'horizontal') c.oneOf(a, 'yAxis', path, ['left', 'right']);
}

/**
 * One row of `metrics`: strings (namespace, metric name, dimension name/value pairs; `.` and
 * `...` repeat the row above) with an optional rendering-properties object last, or only that
 * object with an `expression`. A misplaced or invalid object makes AWS's schema fall back to the
 * strings-only alternative, so AWS answers "Should NOT have more than <index> items" for the row.
 */
function checkMetricRow(c: Checker, row: Json, path: string): void {
  if (!Array.isArray(row)) {
    c.error(path, 'Field "metrics" has to be an array of array of strings, with an optional metricRenderer object as last element');
    return;
  }
  const objectAt = row.findIndex((v) => isObj(v));
  row.forEach((v, i) => {
    if (typeof v !== 'string' && !isObj(v)) c.error(`${path}/${i}`, 'Invalid metric field type, only "String" type is allowed');
  });
  if (objectAt >= 0) {
    const opts = row[objectAt] as Obj;
    if (objectAt !== row.length - 1 || !renderingPropertiesValid(opts) || (objectAt === 0 && typeof opts.expression !== 'string')) {
      c.error(path, `Should NOT have more than ${objectAt} items`);
      return;
    }
    if (objectAt === 0) return;
  }
  const strings = objectAt >= 0 ? row.slice(0, objectAt) : row;
  if (!strings.length || strings[0] === '...') return;
  if (strings.length < 2) c.error(path, 'Should NOT have fewer than 2 items');
}

function renderingPropertiesValid(o: Obj): boolean {
  for (const [k, v] of Object.entries(o)) {
    if (!RENDERING_KEYS.has(k)) return false;
    switch (k) {
      case 'color': if (typeof v !== 'string' || !COLOR.test(v)) return false; break;
      case 'id': if (typeof v !== 'string' || !METRIC_ID.test(v)) return false; break;
      case 'period': if (!isInt(v) || v < 1) return false; break;
      case 'visible': if (typeof v !== 'boolean') return false; break;
      case 'yAxis': if (v !== 'left' && v !== 'right') return false; break;
      default: if (typeof v !== 'string') return false;
    }
  }
  return true;
}

function checkLogProperties(c: Checker, p: Obj, path: string): void {
  if (p.query === undefined) c.error(path, "Should have required property 'query'");
  if (p.region === undefined) c.error(path, "Should have required property 'region'");
  c.string(p, 'query', path);
  c.string(p, 'region', path);
  c.string(p, 'title', path);
  c.string(p, 'accountId', path);
  c.oneOf(p, 'queryLanguage', path, ['CWLI', 'SQL', 'PPL']);
  c.oneOf(p, 'view', path, LOG_VIEWS);
  c.boolean(p, 'stacked', path);
}

function checkAlarmProperties(c: Checker, p: Obj, path: string): void {
  if (p.alarms === undefined) c.error(path, "Should have required property 'alarms'");
  const alarms = c.array(p, 'alarms', path);
  if (alarms) {
    if (alarms.length < 1) c.error(`${path}/alarms`, 'Should NOT have fewer than 1 items');
    if (alarms.length > LIMITS.alarmsPerWidget) c.error(`${path}/alarms`, `Should NOT have more than ${LIMITS.alarmsPerWidget} items`);
    alarms.forEach((a, i) => { if (typeof a !== 'string') c.error(`${path}/alarms/${i}`, typeName('string')); });
  }
  c.string(p, 'title', path);
  c.oneOf(p, 'sortBy', path, ['default', 'stateUpdatedTimestamp']);
  const states = c.array(p, 'states', path);
  states?.forEach((s, i) => {
    if (typeof s !== 'string') c.error(`${path}/states/${i}`, typeName('string'));
    else if (!ALARM_STATES.includes(s)) c.error(`${path}/states/${i}`, 'Should be equal to one of the allowed values');
  });
}
