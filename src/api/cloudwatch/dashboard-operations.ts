/**
 * The CloudWatch dashboard operations (PutDashboard, GetDashboard, ListDashboards,
 * DeleteDashboards), merged into the service by ./index.ts. Messages are AWS's (docs/dashboards.md).
 */
import type { ErrorDef, OperationDef } from '../protocols/types.js';
import { list, long, str, struct, ts } from '../protocols/types.js';
import type { Handler } from '../context.js';
import { AwsError } from '../errors.js';
import { checkDashboardBody, type ValidationMessage } from '../../dashboards/body-validator.js';
import { invalid } from './errors.js';
import { list as listParam, text } from './params.js';

export const LIST_DASHBOARDS_PAGE = 1000;
export const DELETE_DASHBOARDS_MAX = 100;
const NAME = /^[A-Za-z0-9_-]+$/;
const NAME_MAX = 255;

const invalidInput = (message: string, messages: ValidationMessage[] = []): AwsError =>
  new AwsError('DashboardInvalidInputError', message, 400, messages.length ? { dashboardValidationMessages: messages.map((m) => ({ DataPath: m.dataPath, Message: m.message })) } : {});

const notFound = (message: string): AwsError => new AwsError('DashboardNotFoundError', message, 404);

function dashboardName(input: Record<string, unknown>): string {
  const name = text(input, 'DashboardName', 'DashboardName', { required: true })!;
  // AWS's wording for the characters; the length message is ours (AWS's has not been observed).
  if (name.length > NAME_MAX) throw invalidInput(`The value for field DashboardName must be at most ${NAME_MAX} characters long.`);
  if (!NAME.test(name)) {
    throw invalidInput('The value for field DashboardName contains invalid characters. It can only contain alphanumerics, dash (-) and underscore (_).');
  }
  return name;
}

const PutDashboard: Handler = async (input, ctx) => {
  const name = dashboardName(input);
  const body = text(input, 'DashboardBody', 'DashboardBody', { required: true })!;
  let parsed: unknown;
  try { parsed = JSON.parse(body); } catch { parsed = undefined; }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidInput('The field DashboardBody must be a valid JSON object');
  }
  const { errors, warnings } = checkDashboardBody(parsed as Record<string, unknown>);
  if (errors.length) {
    throw invalidInput(`The dashboard body is invalid, there are ${errors.length} validation errors:\n${JSON.stringify(errors, null, 2)}`, errors);
  }
  ctx.dashboards.put(name, body);
  return { DashboardValidationMessages: warnings.map((w) => ({ DataPath: w.dataPath, Message: w.message })) };
};

const GetDashboard: Handler = async (input, ctx) => {
  const name = text(input, 'DashboardName', 'DashboardName', { required: true })!;
  const d = ctx.dashboards.get(name);
  if (!d) throw notFound(`Dashboard ${name} does not exist`);
  return { DashboardArn: ctx.dashboards.arn(d.name), DashboardBody: d.body, DashboardName: d.name };
};

/** NextToken: the last name of the previous page, opaque to clients. */
const encodeToken = (name: string) => Buffer.from(JSON.stringify({ after: name })).toString('base64url');
function decodeToken(token: string): string {
  try {
    const after = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown }).after;
    if (typeof after === 'string') return after;
  } catch { /* fall through */ }
  throw invalid('The value for parameter NextToken is invalid.');
}

const ListDashboards: Handler = async (input, ctx) => {
  const prefix = text(input, 'DashboardNamePrefix', 'DashboardNamePrefix', { max: 255 }) ?? '';
  if (prefix !== '' && !NAME.test(prefix)) {
    throw invalid('The value for field DashboardNamePrefix contains invalid characters. It can only contain alphanumerics, dash (-) and underscore (_).');
  }
  const token = text(input, 'NextToken', 'NextToken');
  const after = token === undefined ? undefined : decodeToken(token);
  const all = ctx.dashboards.list(prefix).filter((d) => after === undefined || d.name > after);
  const page = all.slice(0, LIST_DASHBOARDS_PAGE);
  const out: Record<string, unknown> = {
    DashboardEntries: page.map((d) => ({
      DashboardName: d.name,
      DashboardArn: ctx.dashboards.arn(d.name),
      LastModified: new Date(d.lastModified),
      Size: Buffer.byteLength(d.body),
    })),
  };
  if (all.length > page.length) out.NextToken = encodeToken(page[page.length - 1].name);
  return out;
};

const DeleteDashboards: Handler = async (input, ctx) => {
  const names = listParam<unknown>(input, 'DashboardNames', 'DashboardNames', { required: true, max: DELETE_DASHBOARDS_MAX })!;
  names.forEach((n, i) => { if (typeof n !== 'string') throw invalid(`The value for parameter DashboardNames.member.${i + 1} is invalid.`); });
  const unique = [...new Set(names as string[])];
  // All or nothing: when one is missing, none is deleted (API Reference, DeleteDashboards).
  const absent = unique.filter((n) => !ctx.dashboards.get(n));
  if (absent.length) throw notFound(`Dashboard ${absent.join(', ')} does not exist`);
  ctx.dashboards.delete(unique);
  return {};
};

const ValidationMessages = list(struct({ DataPath: str, Message: str }));

export const DASHBOARD_OPERATIONS: Record<string, OperationDef> = {
  PutDashboard: {
    input: struct({ DashboardName: str, DashboardBody: str }),
    output: struct({ DashboardValidationMessages: ValidationMessages }),
    handler: PutDashboard,
  },
  GetDashboard: {
    input: struct({ DashboardName: str }),
    output: struct({ DashboardArn: str, DashboardBody: str, DashboardName: str }),
    handler: GetDashboard,
  },
  ListDashboards: {
    input: struct({ DashboardNamePrefix: str, NextToken: str }),
    output: struct({ DashboardEntries: list(struct({ DashboardName: str, DashboardArn: str, LastModified: ts, Size: long })), NextToken: str }),
    handler: ListDashboards,
  },
  DeleteDashboards: {
    input: struct({ DashboardNames: list(str) }),
    output: struct({}),
    handler: DeleteDashboards,
  },
};

/** Errors these operations throw beyond the shared table in ./errors.ts (all are there already). */
export const DASHBOARD_ERRORS: Record<string, ErrorDef> = {};
