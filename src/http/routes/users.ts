/**
 * Accounts, as `attain users` manages them: list, add (a password given, or
 * generated and answered this once), remove; an account's API tokens made
 * (answered this once), listed (never their secrets) and revoked. The last
 * program-admin cannot be removed: nobody could manage the server — except
 * by the local administrator (auth.ts), the command line on the server's
 * machine, which can always add another, as `attain users remove` can when
 * no server runs.
 *
 * A program-admin manages every account. A partner-admin manages the
 * partner-viewer accounts of its own partner, and nothing else (the tenancy
 * rule, tenancy.ts): it lists only those; it adds only partner-viewers of
 * its partner (another partner named — existing or not — is 404, as for a
 * partner it may not see; another role, 403); removing any other account,
 * existing or not, answers the 404 of a name nobody has. A partner-viewer
 * manages none (403). Tokens of other accounts: program-admin only.
 */
import { z } from 'zod';
import { newPassword } from '../../accounts/secrets.js';
import { ROLES } from '../../store/accounts.js';
import type { Api, Context } from '../context.js';
import { HttpProblem } from '../problems.js';
import { apiTokenSchema, newApiToken, paged, userSchema } from '../../contract/index.js';
import { principalOf } from '../auth.js';
import { tokenDays, tokenName, tokenParams } from './session.js';
import { localeParam, pageQuery, problemResponses } from '../schemas.js';
import { maySee, requireRole } from '../tenancy.js';
import type { User } from '../../store/accounts.js';

const TAGS = ['users'];

/** 1 to 64 characters, no spaces or control characters, as `attain users add` requires. */
const username = z
  .string()
  .max(64)
  .regex(/^[^\s\p{Cc}]{1,64}$/u, '1 to 64 characters, without spaces');

/** The shortest password accepted (generated ones have 24 characters). */
const MINIMUM_PASSWORD_LENGTH = 8;

const onlyAdmins = { onRequest: async (request: Parameters<typeof requireRole>[0]) => void requireRole(request, 'program-admin') };

/** The program-admin, and partner-admins (for their own partner's viewers). */
const accountManagers = {
  onRequest: async (request: Parameters<typeof requireRole>[0]) => void requireRole(request, 'program-admin', 'partner-admin'),
};

/** Whether `manager` may see and remove `user`: every account for a program-admin; its own partner's partner-viewers for a partner-admin. */
function manages(manager: User, user: User): boolean {
  if (manager.role === 'program-admin') return true;
  return manager.role === 'partner-admin' && user.role === 'partner-viewer' && user.partnerId === manager.partnerId;
}

export function userRoutes(app: Api, { store }: Context): void {
  app.get(
    '/api/v1/users',
    {
      ...accountManagers,
      schema: {
        tags: TAGS,
        summary: 'The accounts, by user name: every one (program-admin), or the partner-viewers of the own partner (partner-admin)',
        querystring: z.strictObject({ ...pageQuery, locale: localeParam }),
        response: { 200: paged(userSchema), ...problemResponses },
      },
    },
    async (request) => {
      const { limit, offset } = request.query;
      const manager = principalOf(request).user;
      const users = (await store.accounts.list()).filter((user) => manages(manager, user));
      return { total: users.length, limit, offset, items: users.slice(offset, offset + limit) };
    },
  );

  app.post(
    '/api/v1/users',
    {
      ...accountManagers,
      schema: {
        tags: TAGS,
        summary:
          'Add an account; without a password, one is generated and answered this once. A partner-admin adds partner-viewers of its own partner only (partnerId left out: its own)',
        querystring: z.strictObject({ locale: localeParam }),
        body: z.strictObject({
          username,
          role: z.enum(ROLES),
          partnerId: z.string().min(1).max(200).optional().describe('the partner of a partner-admin or partner-viewer'),
          password: z.string().min(MINIMUM_PASSWORD_LENGTH).max(1024).optional(),
        }),
        response: {
          201: z.object({ user: userSchema, password: z.string().nullable().describe('the generated password, shown once') }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const { role } = request.body;
      const principal = principalOf(request);
      let partnerId = request.body.partnerId;
      if (principal.user.role === 'partner-admin') {
        // Another partner, existing or not, is a partner it may not see: 404, before anything else is said.
        partnerId ??= principal.user.partnerId ?? undefined;
        if (partnerId === undefined || !maySee(principal, partnerId)) throw new HttpProblem(404, 'noPartner');
        if (role !== 'partner-viewer') throw new HttpProblem(403, 'role', { role: principal.user.role });
      }
      const password = request.body.password ?? newPassword();
      const added = await store.accounts.add({ username: request.body.username, password, role, partnerId: partnerId ?? null });
      if (!added.ok) {
        const status = added.refusal === 'usernameTaken' ? 409 : 422;
        throw new HttpProblem(status, `user.${added.refusal}`, { username: request.body.username, role, partner: partnerId ?? '' });
      }
      return reply.code(201).send({ user: added.user, password: request.body.password === undefined ? password : null });
    },
  );

  const userParams = z.strictObject({ username: z.string().min(1).max(200) });

  app.get(
    '/api/v1/users/:username/tokens',
    {
      ...onlyAdmins,
      schema: {
        tags: TAGS,
        summary: "An account's API tokens: names, dates, last use — never the secrets",
        params: userParams,
        querystring: z.strictObject({ locale: localeParam }),
        response: { 200: z.object({ items: z.array(apiTokenSchema) }), ...problemResponses },
      },
    },
    async (request) => {
      const user = await store.accounts.byName(request.params.username);
      if (!user) throw new HttpProblem(404, 'noUser', { username: request.params.username });
      return { items: await store.accounts.tokens(user.id) };
    },
  );

  app.post(
    '/api/v1/users/:username/tokens',
    {
      ...onlyAdmins,
      schema: {
        tags: TAGS,
        summary:
          'A new API token for an account (as `attain users token`): shown this once, kept only as a digest; it expires (default 90 days)',
        params: userParams,
        querystring: z.strictObject({ locale: localeParam }),
        body: z.strictObject({ name: tokenName, expiresInDays: tokenDays }),
        response: { 201: newApiToken, ...problemResponses },
      },
    },
    async (request, reply) => {
      const user = await store.accounts.byName(request.params.username);
      if (!user) throw new HttpProblem(404, 'noUser', { username: request.params.username });
      const { id, token, expiresAt } = await store.accounts.createToken(user.id, request.body.name, request.body.expiresInDays);
      return reply.code(201).send({ id, name: request.body.name, token, expiresAt });
    },
  );

  app.delete(
    '/api/v1/users/:username/tokens/:tokenId',
    {
      ...onlyAdmins,
      schema: {
        tags: TAGS,
        summary: "Revoke one of an account's API tokens",
        params: userParams.extend(tokenParams.shape),
        querystring: z.strictObject({ locale: localeParam }),
        response: { 204: z.undefined().describe('revoked'), ...problemResponses },
      },
    },
    async (request, reply) => {
      const user = await store.accounts.byName(request.params.username);
      if (!user) throw new HttpProblem(404, 'noUser', { username: request.params.username });
      if (!(await store.accounts.revokeToken(user.id, request.params.tokenId))) throw new HttpProblem(404, 'noToken');
      return reply.code(204).send();
    },
  );

  app.delete(
    '/api/v1/users/:username',
    {
      ...accountManagers,
      schema: {
        tags: TAGS,
        summary:
          'Remove an account with its sessions and API tokens: any (program-admin), or a partner-viewer of the own partner (partner-admin)',
        params: z.strictObject({ username: z.string().min(1).max(200) }),
        querystring: z.strictObject({ locale: localeParam }),
        response: { 204: z.undefined().describe('removed'), ...problemResponses },
      },
    },
    async (request, reply) => {
      const name = request.params.username;
      const principal = principalOf(request);
      const local = principal.via === 'local';
      const outcome = await store.withAccountsLocked(async (accounts) => {
        const user = await accounts.byName(name);
        // An account the caller does not manage answers as one nobody has.
        if (!user || !manages(principal.user, user)) return 'none' as const;
        if (!local && user.role === 'program-admin' && (await accounts.countProgramAdmins()) <= 1) return 'last' as const;
        await accounts.remove(name);
        return 'removed' as const;
      });
      if (outcome === 'none') throw new HttpProblem(404, 'noUser', { username: name });
      if (outcome === 'last') throw new HttpProblem(409, 'lastAdmin', { username: name });
      return reply.code(204).send();
    },
  );
}
