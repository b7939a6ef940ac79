/**
 * Signing in and out. POST /api/v1/session checks a user name and password
 * (scrypt, src/accounts/secrets.ts) and answers with the session cookie —
 * HttpOnly, SameSite=Strict, Secure over https — and the CSRF token the
 * browser sends back in `X-CSRF-Token` with every write. Failed attempts
 * are limited per client address — checked before the body is parsed — and
 * lock the user name with a back-off (sign-in-limit.ts). GET
 * /api/v1/me says who is signed in; POST /api/v1/me/tokens makes an API
 * token for scripts, shown this once, that expires; GET lists the user's
 * tokens (never their secrets) and DELETE …/{id} revokes one.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { principalOf, SESSION_COOKIE } from '../auth.js';
import type { Api, Context } from '../context.js';
import { HttpProblem, sendProblem, problemBody, requestTranslator } from '../problems.js';
import { apiTokenSchema, newApiToken, signedIn, whoAmI } from '../../contract/index.js';
import { DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS } from '../../store/accounts.js';
import { localeParam, problemResponses } from '../schemas.js';
import { SignInLimiter } from '../sign-in-limit.js';

const TAGS = ['session'];

const signIn = z.strictObject({ username: z.string().min(1).max(200), password: z.string().min(1).max(1024) });

export function sessionRoutes(app: Api, { store, settings }: Context): void {
  const limiter = new SignInLimiter({ max: settings.signInMax, windowMs: settings.signInWindowMs });

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
      // Before the body is parsed or validated: an address past its failures costs nothing more.
      onRequest: async (request, reply) => {
        const wait = limiter.addressWait(request.ip);
        if (wait > 0) return tooMany(request, reply, wait);
      },
      schema: {
        tags: TAGS,
        summary: 'Sign in: sets the session cookie and answers the CSRF token to send in X-CSRF-Token with every write',
        security: [],
        querystring: z.strictObject({ locale: localeParam }),
        body: signIn,
        response: { 200: signedIn, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const wait = Math.max(limiter.addressWait(request.ip), limiter.nameWait(username));
      if (wait > 0) return tooMany(request, reply, wait);
      const user = await store.accounts.authenticate(username, password);
      if (!user) {
        limiter.failed(request.ip, username);
        throw new HttpProblem(401, 'badCredentials');
      }
      limiter.succeeded(username);
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
        response: { 200: whoAmI, ...problemResponses },
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
        summary: 'A new API token for the signed-in user: shown this once, kept only as a digest; it expires (default 90 days)',
        querystring: z.strictObject({ locale: localeParam }),
        body: z.strictObject({ name: tokenName, expiresInDays: tokenDays }),
        response: { 201: newApiToken, ...problemResponses },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      // The local administrator is no account: a token needs one to belong to (POST /users/{username}/tokens makes one for an account).
      if (principal.via === 'local') throw new HttpProblem(403, 'localAdministrator');
      const { id, token, expiresAt } = await store.accounts.createToken(principal.user.id, request.body.name, request.body.expiresInDays);
      return reply.code(201).send({ id, name: request.body.name, token, expiresAt });
    },
  );

  app.get(
    '/api/v1/me/tokens',
    {
      schema: {
        tags: TAGS,
        summary: "The signed-in user's API tokens: names, dates, last use — never the secrets",
        querystring: z.strictObject({ locale: localeParam }),
        response: { 200: z.object({ items: z.array(apiTokenSchema) }), ...problemResponses },
      },
    },
    async (request) => ({ items: await store.accounts.tokens(principalOf(request).user.id) }),
  );

  app.delete(
    '/api/v1/me/tokens/:tokenId',
    {
      schema: {
        tags: TAGS,
        summary: "Revoke one of the signed-in user's API tokens",
        params: tokenParams,
        querystring: z.strictObject({ locale: localeParam }),
        response: { 204: z.undefined().describe('revoked'), ...problemResponses },
      },
    },
    async (request, reply) => {
      // Only the user's own tokens: another user's token id is 404, as one that does not exist.
      if (!(await store.accounts.revokeToken(principalOf(request).user.id, request.params.tokenId))) throw new HttpProblem(404, 'noToken');
      return reply.code(204).send();
    },
  );
}

/** What a token is for. */
export const tokenName = z.string().trim().min(1).max(200).describe('what the token is for');

/** How long a new token lives. */
export const tokenDays = z
  .number()
  .int()
  .min(1)
  .max(MAX_TOKEN_DAYS)
  .optional()
  .describe(`days until the token expires (1–${MAX_TOKEN_DAYS}; default ${DEFAULT_TOKEN_DAYS})`);

/** A token's id in a path. */
export const tokenParams = z.strictObject({
  tokenId: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).describe('the id of the token (as listed)'),
});
