/**
 * Signing in and out. POST /api/v1/session checks a user name and password
 * (scrypt, src/accounts/secrets.ts) and answers with the session cookie —
 * HttpOnly, SameSite=Strict, Secure over https — and the CSRF token the
 * browser sends back in `X-CSRF-Token` with every write. Attempts are
 * rate-limited per client address and user name, and per address. GET
 * /api/v1/me says who is signed in; POST /api/v1/me/tokens makes an API
 * token for scripts, shown this once.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { principalOf, SESSION_COOKIE } from '../auth.js';
import type { Api, Context } from '../context.js';
import { HttpProblem, sendProblem, problemBody, requestTranslator } from '../problems.js';
import { localeParam, problemResponses, userSchema } from '../schemas.js';

const TAGS = ['session'];

const signIn = z.strictObject({ username: z.string().min(1).max(200), password: z.string().min(1).max(1024) });

export function sessionRoutes(app: Api, { store, settings }: Context): void {
  const keyOf = (request: FastifyRequest) => {
    const body = request.body as { username?: unknown } | undefined;
    return `${request.ip}|${typeof body?.username === 'string' ? body.username : ''}`;
  };
  const perUser = app.createRateLimit({ max: settings.signInMax, timeWindow: settings.signInWindowMs, keyGenerator: keyOf });
  const perAddress = app.createRateLimit({
    max: settings.signInMax * 5,
    timeWindow: settings.signInWindowMs,
    keyGenerator: (request) => `address|${request.ip}`,
  });

  const tooMany = (request: FastifyRequest, reply: FastifyReply, ttlSeconds: number) =>
    sendProblem(
      reply,
      problemBody(request, 429, requestTranslator(request).t('cli.http.detail.rateLimited', { seconds: Math.max(1, ttlSeconds) })),
      { 'retry-after': String(Math.max(1, ttlSeconds)) },
    );

  app.post(
    '/api/v1/session',
    {
      config: { public: true },
      schema: {
        tags: TAGS,
        summary: 'Sign in: sets the session cookie and answers the CSRF token to send in X-CSRF-Token with every write',
        security: [],
        querystring: z.strictObject({ locale: localeParam }),
        body: signIn,
        response: { 200: z.object({ user: userSchema, csrfToken: z.string(), expiresAt: z.string() }), ...problemResponses },
      },
    },
    async (request, reply) => {
      for (const limit of [await perAddress(request), await perUser(request)]) {
        if (!limit.isAllowed && limit.isExceeded) return tooMany(request, reply, limit.ttlInSeconds);
      }
      const user = await store.accounts.authenticate(request.body.username, request.body.password);
      if (!user) throw new HttpProblem(401, 'badCredentials');
      const session = await store.accounts.startSession(user.id, settings.sessionTtlSeconds);
      reply.setCookie(SESSION_COOKIE, session.token, {
        httpOnly: true,
        sameSite: 'strict',
        path: '/',
        secure: request.protocol === 'https',
        maxAge: settings.sessionTtlSeconds,
      });
      return { user, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
    },
  );

  app.delete(
    '/api/v1/session',
    {
      schema: {
        tags: TAGS,
        summary: 'Sign out: ends the session and clears its cookie',
        querystring: z.strictObject({ locale: localeParam }),
        response: { 204: z.undefined().describe('signed out'), ...problemResponses },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (principal.sessionToken !== undefined) await store.accounts.endSession(principal.sessionToken);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/me',
    {
      schema: {
        tags: TAGS,
        summary: 'Who is signed in, and (with the cookie) the CSRF token of the session',
        querystring: z.strictObject({ locale: localeParam }),
        response: {
          200: z.object({ user: userSchema, via: z.enum(['token', 'session']), csrfToken: z.string().nullable() }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return { user: principal.user, via: principal.via, csrfToken: principal.csrfToken ?? null };
    },
  );

  app.post(
    '/api/v1/me/tokens',
    {
      schema: {
        tags: TAGS,
        summary: 'A new API token for the signed-in user: shown this once, kept only as a digest',
        querystring: z.strictObject({ locale: localeParam }),
        body: z.strictObject({ name: z.string().trim().min(1).max(200).describe('what the token is for') }),
        response: { 201: z.object({ id: z.number().int(), name: z.string(), token: z.string() }), ...problemResponses },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { id, token } = await store.accounts.createToken(principal.user.id, request.body.name);
      return reply.code(201).send({ id, name: request.body.name, token });
    },
  );
}
