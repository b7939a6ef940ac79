/**
 * Errors as RFC 9457 problem details (`application/problem+json`): a type,
 * a title and a detail in the request's language, the status, the request
 * (`instance`, `requestId`), and for invalid input the problems found —
 * the engine's own Problem objects, worded by the `problem` catalog as the
 * command line words them.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidInputError, problemsFromZod, type Problem, type ZodIssue } from '../engine/index.js';
import { LOCALES, matchLocale, translator, type Locale, type MessageValues, type Translator } from '../i18n/index.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Problems listed in a body; the rest are counted in `total`. */
export const SHOWN_PROBLEMS = 100;

/** What kind of problem, by status: the `type` URI's last segment and the key of its title. */
const KINDS = {
  400: 'invalid-request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  406: 'not-acceptable',
  409: 'conflict',
  413: 'too-large',
  415: 'unsupported-media-type',
  422: 'invalid-input',
  429: 'rate-limited',
  500: 'internal',
  503: 'unavailable',
} as const satisfies Record<number, string>;
export type ProblemStatus = keyof typeof KINDS;

/** One thing wrong with the input: where (the record or the part of the request, and the field), what (a code), in words. */
export interface ProblemItem {
  readonly record: string;
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance: string;
  readonly requestId: string;
  readonly errors?: readonly ProblemItem[];
  /** How many problems there are in all, when `errors` lists only the first. */
  readonly total?: number;
}

/** An answer other than success, thrown by a handler: its status, and its detail as a key of the `cli` catalog (`http.detail.…`). */
export class HttpProblem extends Error {
  constructor(
    readonly status: ProblemStatus,
    readonly detailKey: string,
    readonly values: MessageValues = {},
    readonly problems: readonly Problem[] = [],
    readonly total: number = problems.length,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(`${status} ${detailKey}`);
    this.name = 'HttpProblem';
  }
}

/** A part of the request (query, body, params, headers) that its schema rejects; zod's issues with the values they quote. */
export class RequestValidationError extends Error {
  readonly statusCode = 400;
  constructor(
    readonly part: string,
    readonly issues: readonly ZodIssue[],
  ) {
    super(`invalid ${part}`);
    this.name = 'RequestValidationError';
  }
}

/** `?locale=`, else the best of Accept-Language we speak, else English. */
export function requestLocale(request: FastifyRequest): Locale {
  const query = request.query as Record<string, unknown> | undefined;
  const asked = typeof query?.locale === 'string' ? matchLocale(query.locale) : undefined;
  if (asked) return asked;
  const header = request.headers['accept-language'];
  if (typeof header === 'string') {
    const ranked = header
      .split(',')
      .slice(0, 20)
      .map((part, i) => {
        const [tag = '', ...params] = part.trim().split(';');
        const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
        return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), i };
      })
      .filter((r) => r.tag !== '' && r.q > 0)
      .sort((a, b) => b.q - a.q || a.i - b.i);
    for (const { tag } of ranked) {
      const locale = matchLocale(tag);
      if (locale) return locale;
    }
  }
  return 'en';
}

export function requestTranslator(request: FastifyRequest): Translator {
  return translator(requestLocale(request));
}

/** A problem worded in the translator's language, without the record in front (it has a field of its own). */
export function problemItem(p: Problem, tr: Translator): ProblemItem {
  return { record: p.record, field: p.field, code: p.code, message: tr.locale === 'en' ? p.message : tr.t(`problem.${p.code}`, p.values) };
}

/** The problem body of a status, its detail from the catalog. */
export function problemBody(
  request: FastifyRequest,
  status: ProblemStatus,
  detail: string,
  extra: { readonly problems?: readonly Problem[]; readonly total?: number } = {},
): ProblemBody {
  const tr = requestTranslator(request);
  const kind = KINDS[status];
  const problems = extra.problems ?? [];
  return {
    type: `urn:attain:problem:${kind}`,
    title: tr.t(`cli.http.title.${kind}`),
    status,
    detail,
    // The occurrence, by request id: the URL is not echoed (it may name what the caller may not see).
    instance: `urn:attain:request:${encodeURIComponent(request.id)}`,
    requestId: request.id,
    ...(problems.length > 0
      ? { errors: problems.slice(0, SHOWN_PROBLEMS).map((p) => problemItem(p, tr)), total: extra.total ?? problems.length }
      : {}),
  };
}

export function sendProblem(reply: FastifyReply, body: ProblemBody, headers: Readonly<Record<string, string>> = {}): FastifyReply {
  return reply
    .code(body.status)
    .headers({ ...headers, 'content-type': `${PROBLEM_CONTENT_TYPE}; charset=utf-8` })
    .send(body);
}

const STATUSES = new Set<number>(Object.keys(KINDS).map(Number));

/** The status of a framework or plugin error (bad JSON, too large, unsupported media type…); 400 for any other client error. */
function clientStatus(statusCode: number): ProblemStatus {
  return (STATUSES.has(statusCode) ? statusCode : 400) as ProblemStatus;
}

/**
 * Every error becomes a problem. Input the server rejects is a 4xx with
 * what is wrong; only a failure of the server itself is a 500, logged with
 * its stack and answered without it.
 */
export function errorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const tr = requestTranslator(request);
  if (error instanceof HttpProblem) {
    const body = problemBody(request, error.status, tr.t(`cli.http.detail.${error.detailKey}`, error.values), {
      problems: error.problems,
      total: error.total,
    });
    return sendProblem(reply, body, error.headers);
  }
  if (error instanceof RequestValidationError) {
    const problems = problemsFromZod(error.issues, error.part);
    return sendProblem(
      reply,
      problemBody(request, 400, tr.t('cli.http.detail.invalidRequest', { part: error.part, count: problems.length }), { problems }),
    );
  }
  if (error instanceof InvalidInputError) {
    return sendProblem(
      reply,
      problemBody(request, 422, tr.t('cli.http.detail.invalidInput', { source: error.source, count: error.total }), {
        problems: error.problems,
        total: error.total,
      }),
    );
  }
  const statusCode = (error as FastifyError).statusCode;
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
    const status = clientStatus(statusCode);
    request.log.info({ err: error }, 'request rejected');
    // Framework messages (malformed JSON, a body too large…) say what is wrong and carry no data.
    const detail = status === 413 ? tr.t('cli.http.detail.tooLarge') : error.message;
    return sendProblem(reply, problemBody(request, status, detail));
  }
  request.log.error({ err: error }, 'request failed');
  return sendProblem(reply, problemBody(request, 500, tr.t('cli.http.detail.internal', { requestId: request.id })));
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendProblem(reply, problemBody(request, 404, requestTranslator(request).t('cli.http.detail.noRoute', { method: request.method })));
}

/** The locales a `locale` parameter takes. */
export const LOCALE_VALUES = LOCALES;

/** The path of the first text holding a NUL character (a key or a value), which no PostgreSQL text can store. */
export function nulAt(value: unknown, path: PropertyKey[] = []): { path: PropertyKey[]; input: unknown } | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? { path, input: value } : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
    if (typeof key === 'string' && key.includes('\u0000')) return { path: [...path, key], input: key };
    const found = nulAt(item, [...path, key]);
    if (found) return found;
  }
  return undefined;
}
