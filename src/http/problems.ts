/**
 * Errors as RFC 9457 problem details (`application/problem+json`): a type,
 * a title and a detail in the request's language, the status, the request
 * (`instance`, `requestId`), and for invalid input the problems found —
 * the engine's own Problem objects, worded by the `problem` catalog as the
 * command line words them.
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidInputError, problemsFromZod, type Problem, type ZodIssue } from '../engine/index.js';
import { LOCALES, matchLocale, problemMessage, translator, type Locale, type MessageValues, type Translator } from '../i18n/index.js';
import type { ProblemDetails, ProblemItem } from '../contract/problems.js';

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
  408: 'timeout',
  409: 'conflict',
  413: 'too-large',
  415: 'unsupported-media-type',
  422: 'invalid-input',
  429: 'rate-limited',
  431: 'headers-too-large',
  500: 'internal',
  503: 'unavailable',
} as const satisfies Record<number, string>;
export type ProblemStatus = keyof typeof KINDS;

/** The body of every error answer: the contract's problem details (src/contract/problems.ts). */
export type ProblemBody = ProblemDetails;
export type { ProblemItem };

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
  return { record: p.record, field: p.field, code: p.code, message: problemMessage(p, tr) };
}

/** The problem body of a status, its detail from the catalog. */
export function problemBody(
  request: FastifyRequest,
  status: ProblemStatus,
  detail: string,
  extra: { readonly problems?: readonly Problem[]; readonly total?: number; readonly code?: string; readonly source?: string } = {},
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
    ...(extra.code === undefined ? {} : { code: extra.code }),
    ...(extra.source === undefined ? {} : { source: extra.source }),
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
      code: error.detailKey,
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
        source: error.source,
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

/**
 * What Node's HTTP parser refuses before any route sees it — a malformed
 * request line or header, headers past the size limit (431), a request too
 * slow to arrive (408) — answered as a problem too (in English: nothing of
 * the request was read), then the connection closed.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, detailKey]: [ProblemStatus, string] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headersTooLarge']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'timeout']
        : [400, 'malformedRequest'];
  const tr = translator('en');
  const id = randomUUID();
  const kind = KINDS[status];
  const body = JSON.stringify({
    type: `urn:attain:problem:${kind}`,
    title: tr.t(`cli.http.title.${kind}`),
    status,
    detail: tr.t(`cli.http.detail.${detailKey}`),
    instance: `urn:attain:request:${id}`,
    requestId: id,
  } satisfies ProblemBody);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${id}\r\nX-Content-Type-Options: nosniff\r\n` +
        `Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

const STATUS_TEXT: Partial<Record<ProblemStatus, string>> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendProblem(reply, problemBody(request, 404, requestTranslator(request).t('cli.http.detail.noRoute', { method: request.method })));
}

/** The locales a `locale` parameter takes. */
export const LOCALE_VALUES = LOCALES;

/** How deep nulAt looks; the JSON parser refuses deeper bodies (server.ts), and a query or path is flat. */
export const MAX_WALK_DEPTH = 256;

/**
 * The path of the first text holding a NUL character (a key or a value),
 * which no PostgreSQL text can store. A bounded, iterative walk: no input
 * can make it recurse past the stack or copy paths quadratically; a value
 * nested deeper than MAX_WALK_DEPTH is reported at that depth as too deep.
 */
export function nulAt(value: unknown): { path: PropertyKey[]; input: unknown; tooDeep?: true } | undefined {
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: item, path } = stack.pop()!;
    if (typeof item === 'string') {
      if (item.includes('\u0000')) return { path, input: item };
      continue;
    }
    if (typeof item !== 'object' || item === null) continue;
    if (path.length >= MAX_WALK_DEPTH) return { path, input: undefined, tooDeep: true };
    const entries = Array.isArray(item) ? [...item.entries()] : Object.entries(item);
    // Pushed last to first, so the first entry is looked at first.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      if (typeof key === 'string' && key.includes('\u0000')) return { path: [...path, key], input: key };
      stack.push({ value: child, path: [...path, key] });
    }
  }
  return undefined;
}

/**
 * The deepest nesting of arrays and objects in a JSON text, stopping as soon
 * as it passes `limit`: a linear scan, before anything is parsed (strings
 * skipped, with their escapes).
 */
export function jsonDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
