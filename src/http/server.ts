/**
 * The HTTP API: a Fastify instance over one store, not listening — the
 * caller listens (`attain serve`, or a test on port 0).
 *
 * Every route declares its query, path, body and response schemas in zod
 * (schemas.ts); requests are validated against them, responses encoded
 * through them, and the OpenAPI 3.1 document (GET /api/openapi.json, pages
 * at /api/docs) is generated from them. Authentication and CSRF in auth.ts,
 * the tenancy rule in tenancy.ts, errors as RFC 9457 problems in
 * problems.ts, evaluations and what is kept of them in evaluations.ts, one
 * file per resource in routes/.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import multipart from '@fastify/multipart';
import swagger, { type SwaggerTransform } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifySchemaCompiler, type FastifyServerOptions } from 'fastify';
import { createJsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { asIsoDate, type IsoDate, type ScoredVersionDefinition, type ZodIssue } from '../engine/index.js';
import type { Store } from '../store/store.js';
import { registerAuth } from './auth.js';
import type { Api, Context, Settings } from './context.js';
import { Evaluations, StoreDataError } from '../app/evaluations.js';
import { StoredScores } from '../app/scores.js';
import { today } from '../app/today.js';
import { definitionsOnDisk } from '../files/program-files.js';
import { readScoredDefinitions } from '../files/scored-files.js';
import {
  errorHandler,
  clientErrorHandler,
  HttpProblem,
  jsonDeeperThan,
  notFoundHandler,
  nulAt,
  problemBody,
  RequestValidationError,
  requestTranslator,
  sendProblem,
} from './problems.js';
import { eventRoutes } from './routes/events.js';
import { importRoutes } from './routes/imports.js';
import { partnerRoutes } from './routes/partners.js';
import { programRoutes } from './routes/programs.js';
import { recordRoutes } from './routes/records.js';
import { sessionRoutes } from './routes/session.js';
import { userRoutes } from './routes/users.js';
import { summaryRoutes } from './routes/summary.js';
import { scoreRoutes } from './routes/scores.js';
import { problemResponses } from './schemas.js';

export interface ServerOptions {
  readonly store: Store;
  /** Fastify's pino logger: its options, or false for none (tests). Default: none. */
  readonly logger?: FastifyServerOptions['logger'] | FastifyBaseLogger | undefined;
  /** The largest import upload (default 50 MB). */
  readonly maxUploadBytes?: number | undefined;
  /** The largest body of any other request (default 1 MB). */
  readonly bodyLimit?: number | undefined;
  /** How long a browser session lasts (default 12 hours). */
  readonly sessionTtlSeconds?: number | undefined;
  /** Failed sign-ins in a row before a user name is locked (default 10; the lock lasts a window, doubling with each further failure), five times as many per client address in a window (default a minute). */
  readonly signInMax?: number | undefined;
  readonly signInWindowMs?: number | undefined;
  /** How often to look for other processes' imports while anyone listens to /api/v1/events (default 2 s). */
  readonly watchIntervalMs?: number | undefined;
  /**
   * The reverse proxies whose X-Forwarded-* headers are believed (client
   * address, https): addresses and CIDR ranges (`10.0.0.0/8`, `::1`), or
   * `loopback`, `linklocal`, `uniquelocal`; a list, or one string with
   * commas. Only the hops from these are skipped: an address an untrusted
   * peer puts in X-Forwarded-For is never taken as the client's. `true`
   * (every hop) is accepted only for compatibility of the option's type and
   * is refused: it lets anyone choose their address. Default: none.
   */
  readonly trustProxy?: string | readonly string[] | false | undefined;
  /** Today, the default as-of date (default: the UTC calendar date). */
  readonly today?: (() => string) | undefined;
  /**
   * The dashboard's built files (vite build → dist/web), served at /, every
   * other non-API path answering its index.html; false: no dashboard.
   * Default: dist/web of the package, when it has been built.
   */
  readonly webRoot?: string | false | undefined;
  /**
   * The local administrator's credential (auth.ts), accepted as a
   * program-admin from this machine only: `attain serve` makes one when it
   * owns an embedded store and publishes it beside the store's lock, so
   * that the command line's writes go through the server. Default: none.
   */
  readonly localCredential?: string | undefined;
}

/** dist/web of the package, from src/http or dist/http alike. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/** What the dashboard's pages may load: only this server (the charts set inline styles). */
const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/** What every other answer may load: nothing (JSON, problems, text); a rendered requirement page its own stylesheet. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data: https:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** /api/docs (Swagger UI): its own scripts and styles, by hash (the plugin's list), and nothing from elsewhere. */
function docsCsp(header: string): string {
  return header
    .replace(/\s*upgrade-insecure-requests;?/, '')
    .replace(/ https:/g, '')
    .replace(/ validator\.swagger\.io/, '')
    .replace("frame-ancestors 'self'", "frame-ancestors 'none'")
    .trim();
}

/** The deepest nesting of arrays and objects a JSON body may have (an import or a program definition needs about 10). */
export const MAX_JSON_DEPTH = 64;

export const DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

/** Request ids: the caller's X-Request-Id when it is a plain token, else a new UUID. */
function requestId(request: { headers: Record<string, string | string[] | undefined> }): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : randomUUID();
}

/** Zod validation, its issues quoting the values they reject (problems.ts words them); no NUL character anywhere. */
const validatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data) => {
    const part = httpPart === 'querystring' ? 'query' : (httpPart ?? 'request');
    const nul = nulAt(data);
    if (nul) {
      const message = nul.tooDeep ? 'is nested too deeply' : 'holds a NUL character (\\u0000)';
      const issue = { code: 'custom', path: nul.path, input: nul.input, message } as const;
      return { error: new RequestValidationError(part, [issue as ZodIssue]) };
    }
    const result = schema.safeParse(data, { reportInput: true });
    if (result.success) return { value: result.data };
    return { error: new RequestValidationError(part, result.error.issues) };
  };

/** The zod transform, plus request bodies given per media type (imports: JSON or multipart), which it does not handle. */
function openApiTransform(): SwaggerTransform {
  const base = createJsonSchemaTransform({ skipList: [] });
  return (document) => {
    const body = document.schema?.body as { content?: Record<string, { schema: z.ZodType }> } | undefined;
    if (!body?.content) return base(document);
    const { body: _body, ...rest } = document.schema;
    const transformed = base({ ...document, schema: rest });
    const content = Object.fromEntries(
      Object.entries(body.content).map(([type, { schema }]) => [
        type,
        { schema: z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) },
      ]),
    );
    return { ...transformed, schema: { ...transformed.schema, body: { content } } };
  };
}

/** The first entry of a trusted-proxy list that is not an address, a CIDR range or a named range; undefined when all are. */
export function notProxyAddress(list: string | readonly string[]): string | undefined {
  const entries = (typeof list === 'string' ? list.split(',') : [...list]).map((a) => a.trim());
  return entries.find((entry) => {
    if (entry === 'loopback' || entry === 'linklocal' || entry === 'uniquelocal') return false;
    const [address = '', bits, ...rest] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || rest.length > 0) return true;
    if (bits === undefined) return false;
    return !/^\d{1,3}$/.test(bits) || Number(bits) > (family === 4 ? 32 : 128);
  });
}

/** Fastify's trustProxy: the list given, never every hop. */
export function trustedProxies(given: ServerOptions['trustProxy'] | true): string | false {
  if (given === undefined || given === false) return false;
  if (given === true)
    throw new Error(
      'trustProxy: name the proxies (addresses, CIDR ranges, or loopback); trusting every hop lets anyone choose their address',
    );
  const list = (typeof given === 'string' ? given.split(',') : [...given]).map((a) => a.trim()).filter((a) => a !== '');
  const bad = notProxyAddress(list);
  if (bad !== undefined) throw new Error(`trustProxy: "${bad}" is not an address, a CIDR range, loopback, linklocal or uniquelocal`);
  return list.length === 0 ? false : list.join(',');
}

/** A clock the caller gives (tests fix today): its text checked as a calendar date where it is read. */
function fixedToday(given: () => string): () => IsoDate {
  return () => {
    const date = asIsoDate(given());
    if (date === undefined) throw new RangeError(`today() gave "${given()}", not a calendar date`);
    return date;
  };
}

/** The bundled scored definitions (PCI, PCS), read the first time a score is asked for; unreadable, a failure of the server. */
function bundledScoredVersions(): readonly ScoredVersionDefinition[] {
  const read = readScoredDefinitions();
  if (!read.ok) throw new Error(`the bundled scored definitions do not read: ${read.problems.length} problems`);
  return read.versions;
}

export async function buildServer(options: ServerOptions): Promise<Api> {
  const settings: Settings = {
    maxUploadBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
    sessionTtlSeconds: options.sessionTtlSeconds ?? 12 * 60 * 60,
    signInMax: options.signInMax ?? 10,
    signInWindowMs: options.signInWindowMs ?? 60_000,
    watchIntervalMs: options.watchIntervalMs ?? 2_000,
    today: options.today === undefined ? () => today(new Date()) : fixedToday(options.today),
  };
  const loggerOption = options.logger ?? false;
  const app = Fastify({
    ...(typeof loggerOption === 'object' && 'info' in loggerOption ? { loggerInstance: loggerOption } : { logger: loggerOption }),
    genReqId: requestId,
    trustProxy: trustedProxies(options.trustProxy),
    // What never reaches a route (malformed request line, headers too large, a timeout) is a problem too.
    clientErrorHandler,
    // Errors of the framework before routing (a malformed URL's percent-encoding…) are problems like every other.
    frameworkErrors: (error, request, reply) => void errorHandler(error, request, reply),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // The querystring parser's arrays are kept to 50 entries by the schemas; keep keys plain.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
  }).withTypeProvider<ZodTypeProvider>();

  // JSON bodies: nesting is bounded before anything is parsed (a deep body cannot stall or overflow a walk of it); then the
  // framework's own parser, which refuses __proto__ and constructor.prototype keys.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (jsonDeeperThan(text, MAX_JSON_DEPTH)) {
      done(new HttpProblem(400, 'tooDeep', { depth: MAX_JSON_DEPTH }), undefined);
      return;
    }
    parseJson(request, text, done);
  });

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof StoreDataError) {
      // The store's data does not fit its rules: only a program-admin is told which records (they may be anybody's).
      const admin = request.principal?.user.role === 'program-admin';
      request.log.warn({ problems: error.problems.length }, 'store data does not validate');
      return sendProblem(
        reply,
        problemBody(request, 409, requestTranslator(request).t('cli.http.detail.storeData', { count: error.problems.length }), {
          problems: admin ? error.problems : [],
        }),
      );
    }
    return errorHandler(error as Error, request, reply);
  });
  const webRoot = options.webRoot === undefined ? DEFAULT_WEB_ROOT : options.webRoot;
  const dashboard = webRoot !== false && existsSync(`${webRoot}/index.html`);
  app.setNotFoundHandler((request, reply) => {
    // The dashboard is a single-page app: its routes (/partners/P-X…) are all its index.html.
    // The path as sent, however it was spelled (absolute-form, doubled slashes, capitals): nothing like /api is a page.
    const path = request.url
      .split('?')[0]!
      .replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '')
      .replace(/\/{2,}/g, '/')
      .toLowerCase();
    const page = dashboard && (request.method === 'GET' || request.method === 'HEAD') && !path.startsWith('/api/') && path !== '/api';
    if (!page) return notFoundHandler(request, reply);
    return reply
      .header('content-security-policy', DASHBOARD_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-cache')
      .sendFile('index.html', webRoot as string);
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // Every answer: no sniffing of types, and a policy for whatever a browser renders (HTML pages set their own first).
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    if (!reply.hasHeader('content-security-policy')) {
      const type = String(reply.getHeader('content-type') ?? '');
      reply.header('content-security-policy', type.startsWith('text/html') ? PAGE_CSP : API_CSP);
    }
    return payload;
  });

  await app.register(cookie);
  await app.register(multipart, {
    limits: { fileSize: settings.maxUploadBytes, files: 50, fields: 50, parts: 120, fieldSize: 64 * 1024, headerPairs: 200 },
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Attain',
        version: '0.1.0',
        description:
          'Partner evaluations against a partner-program competency: levels, shortfalls, plans, forecasts, timelines; imports; program definitions. ' +
          'Sign in with POST /api/v1/session (cookie; send X-CSRF-Token with writes) or send an API token: Authorization: Bearer attain_….',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'an API token (attain users token, or POST /api/v1/me/tokens)' },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'attain_session',
            description: 'the browser session; writes also need X-CSRF-Token',
          },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: openApiTransform(),
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true, transformStaticCSP: docsCsp });
  if (dashboard) {
    await app.register(fastifyStatic, {
      root: webRoot as string,
      prefix: '/',
      wildcard: true,
      index: ['index.html'],
      // The build writes name.br and name.gz beside each text file (web/vite.config.ts): sent to browsers that take them.
      preCompressed: true,
      // Hashed file names under /assets never change; index.html is always revalidated.
      setHeaders: (res, path) => {
        res.setHeader('content-security-policy', DASHBOARD_CSP);
        res.setHeader('x-content-type-options', 'nosniff');
        res.setHeader('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
      cacheControl: false,
    });
  }

  const context: Context = {
    store: options.store,
    evaluations: new Evaluations(options.store, definitionsOnDisk),
    scores: new StoredScores(options.store, bundledScoredVersions),
    settings,
  };
  registerAuth(app, options.store, options.localCredential);

  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'Whether the server and its store answer',
        security: [],
        response: { 200: z.object({ status: z.literal('ok') }), ...problemResponses },
      },
    },
    async () => {
      try {
        await options.store.queries.ping();
      } catch (error) {
        app.log.error({ err: error }, 'the store does not answer');
        throw new HttpProblem(503, 'storeDown');
      }
      return { status: 'ok' as const };
    },
  );
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // The store is read into the live state at once; the first reads wait for it, a failure shows on them.
  context.evaluations.load().catch((error: unknown) => app.log.warn({ err: error }, 'the store could not be loaded'));

  sessionRoutes(app, context);
  eventRoutes(app, context);
  partnerRoutes(app, context);
  recordRoutes(app, context);
  importRoutes(app, context);
  programRoutes(app, context);
  userRoutes(app, context);
  summaryRoutes(app, context);
  scoreRoutes(app, context);
  return app;
}
