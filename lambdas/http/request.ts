import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import * as z from 'zod/mini';
import { ValidationError } from '../domain/errors.ts';
import { jsonNodes } from '../domain/json-nodes.ts';
import { idSchema } from '../domain/schemas.ts';
import { ForbiddenError, PayloadTooLargeError, UnauthorizedError, UnsupportedMediaTypeError } from './errors.ts';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

/** Bodies above this are refused before parsing (the largest valid body is well under it). */
export const MAX_BODY_BYTES = 256 * 1024;

export interface Caller {
  userId: string;
  email?: string;
  isAdmin: boolean;
}

function issuesToDetails(error: z.core.$ZodError, prefix: string) {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: issue.message,
  }));
}

export function validate<S extends z.core.$ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  // zod's function form takes any zod schema, of zod/mini (lambdas/domain/schemas.ts) or zod itself.
  const parsed = z.safeParse(schema, value);
  if (!parsed.success) throw new ValidationError(`Invalid ${where}`, issuesToDetails(parsed.error, where === 'body' ? '' : where));
  return parsed.data;
}

/** The JSON body, refused with 413/415/400 before any handler logic runs. */
export function jsonBody<S extends z.core.$ZodType>(event: HttpEvent, schema: S): z.output<S> {
  const raw = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) throw new PayloadTooLargeError(MAX_BODY_BYTES);
  const contentType = header(event, 'content-type');
  if (raw.length > 0 && !/^application\/json\s*(;|$)/i.test(contentType ?? '')) throw new UnsupportedMediaTypeError();
  if (raw.length === 0) throw new ValidationError('A JSON body is required', [{ path: '', message: 'required' }]);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ValidationError('The body is not valid JSON', [{ path: '', message: 'invalid JSON' }]);
  }
  const problem = textProblem(value);
  if (problem) throw new ValidationError('Invalid body', [problem]);
  return validate(schema, value, 'body');
}

/** Far deeper than any valid body; bounds the walk below however deep the JSON nests. */
const MAX_BODY_DEPTH = 32;
// Unpaired surrogates can't be stored or sent on (DynamoDB, SQS); control characters but tab and
// newline, and the noncharacters U+FFFE/U+FFFF that SQS refuses, are not text either.
const BAD_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** SPEC §2: every string (and every key) of a body is well-formed Unicode without control characters. */
function textProblem(body: unknown): { path: string; message: string } | undefined {
  for (const { value, path, key } of jsonNodes(body)) {
    if (path.length > MAX_BODY_DEPTH) return { path: path.join('.'), message: `nests deeper than ${MAX_BODY_DEPTH} levels` };
    if (key !== undefined && BAD_TEXT.test(key)) return { path: path.join('.'), message: 'keys must be well-formed Unicode, without control characters or noncharacters' };
    if (typeof value === 'string' && BAD_TEXT.test(value)) return { path: path.join('.'), message: 'must be well-formed Unicode, without control characters or noncharacters' };
  }
  return undefined;
}

export function header(event: HttpEvent, name: string): string | undefined {
  return event.headers?.[name.toLowerCase()];
}

/** A path id, checked against the id pattern of SPEC §4. */
export function pathId(event: HttpEvent, name: string): string {
  return validate(idSchema, event.pathParameters?.[name], name);
}

export function query<S extends z.core.$ZodType>(event: HttpEvent, schema: S): z.output<S> {
  const parameters = event.queryStringParameters ?? {};
  const problem = textProblem(parameters);
  if (problem) throw new ValidationError('Invalid query', [{ ...problem, path: `query.${problem.path}` }]);
  return validate(schema, parameters, 'query');
}

/** API Gateway hands JWT array claims over as "[a b]"; tokens may also carry a real array. */
function groupsOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim !== 'string') return [];
  const text = claim.trim();
  if (text.startsWith('[') && text.includes('"')) {
    try {
      return (JSON.parse(text) as unknown[]).map(String);
    } catch {
      return [];
    }
  }
  return text.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean);
}

export function caller(event: HttpEvent): Caller {
  const claims = event.requestContext.authorizer?.jwt?.claims ?? {};
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub.length === 0) throw new UnauthorizedError();
  const email = typeof claims.email === 'string' ? claims.email : undefined;
  return { userId: sub, ...(email ? { email } : {}), isAdmin: groupsOf(claims['cognito:groups']).includes('admin') };
}

export function requireAdmin(event: HttpEvent): Caller {
  const who = caller(event);
  if (!who.isAdmin) throw new ForbiddenError('This route needs the admin group');
  return who;
}
