/**
 * `attain users add|list|remove|token|tokens|revoke-token`: the accounts of the server (src/store/accounts.ts)
 * and their API tokens. Secrets (a generated password, a token) are printed once; the store keeps only their
 * digests. A token expires (90 days unless `--expires-days`), and can be listed (never its secret) and revoked.
 *
 * While `attain serve` or `attain start` owns the embedded store, every one of them goes through that server's
 * API (../through-server.ts) and prints what it prints when it opens the store itself: the server's answers are
 * turned back into the same outcomes below.
 */
import { newPassword } from '../../accounts/secrets.js';
import { problem, type Problem } from '../../engine/index.js';
import type { Translator } from '../../i18n/index.js';
import { DEFAULT_TOKEN_DAYS, isRole, ROLES, type AddUserRefusal, type ApiToken, type Role, type User } from '../../store/accounts.js';
import type { StoreFlags } from '../inputs.js';
import { onStoreOrServer, type LocalServer } from '../through-server.js';
import type { CliIo } from '../io.js';
import { renderToken, renderTokens, renderUserAdded, renderUsers } from '../../render/users-table.js';
import { UsageError } from '../usage-error.js';

/** The shortest password `--password-stdin` accepts (generated ones have 24 characters). */
export const MINIMUM_PASSWORD_LENGTH = 8;

export interface UsersAddCommandOptions extends StoreFlags {
  readonly role: string;
  readonly partner?: string | undefined;
  readonly passwordStdin?: boolean | undefined;
}

export interface UsersListCommandOptions extends StoreFlags {
  readonly format: string;
}

export interface UsersTokenCommandOptions extends StoreFlags {
  readonly name: string;
  /** Days until the token expires (default 90). */
  readonly expiresDays?: number | undefined;
}

export interface UsersTokensCommandOptions extends StoreFlags {
  readonly format: string;
}

/** 1 to 64 characters, no spaces or control characters: a name that can be typed and shown. */
function checkUsername(username: string): void {
  if (!/^[^\s\p{Cc}]{1,64}$/u.test(username)) throw new UsageError([problem('<username>', '', 'notAUsername', { value: username })]);
}

function refusal(reason: AddUserRefusal, username: string, role: Role, partner: string | undefined): Problem {
  switch (reason) {
    case 'usernameTaken':
      return problem('<username>', '', 'usernameTaken', { username });
    case 'partnerRequired':
      return problem('--partner', '', 'partnerRequired', { role });
    case 'partnerNotAllowed':
      return problem('--partner', '', 'partnerNotAllowed');
    case 'unknownPartner':
      return problem('--partner', '', 'notAStorePartner', { id: partner ?? '' });
  }
}

/** The first line of standard input, without its line ending. */
async function passwordFromStdin(io: CliIo): Promise<string> {
  const password = ((await io.readStdin?.()) ?? '').split(/\r?\n/)[0]!;
  if (password === '') throw new UsageError([problem('--password-stdin', '', 'noPassword')]);
  if ([...password].length < MINIMUM_PASSWORD_LENGTH) {
    throw new UsageError([
      problem('--password-stdin', '', 'passwordTooShort', { length: [...password].length, minimum: MINIMUM_PASSWORD_LENGTH }),
    ]);
  }
  return password;
}

/** Adds an account: the password from standard input, or generated and printed this once. */
export async function runUsersAdd(username: string, options: UsersAddCommandOptions, io: CliIo, tr: Translator): Promise<void> {
  checkUsername(username);
  const role = options.role;
  if (!isRole(role)) throw new UsageError([problem('--role', '', 'notARole', { value: role, roles: ROLES.join(', ') })]);
  // What the command line alone shows wrong is said before standard input is read or the store opened.
  if (role === 'program-admin' && options.partner !== undefined)
    throw new UsageError([refusal('partnerNotAllowed', username, role, options.partner)]);
  if (role !== 'program-admin' && options.partner === undefined)
    throw new UsageError([refusal('partnerRequired', username, role, undefined)]);
  const given = options.passwordStdin ? await passwordFromStdin(io) : undefined;
  const password = given ?? newPassword();
  const added = await onStoreOrServer(
    options,
    io,
    tr,
    (store) => store.accounts.add({ username, password, role, partnerId: options.partner }),
    async (server): Promise<{ ok: true; user: User } | { ok: false; refusal: AddUserRefusal }> => {
      // The password made here (or read) is sent: the server keeps its hash, this command prints it as always.
      const answer = await server.send('POST', '/api/v1/users', { json: { username, role, partnerId: options.partner, password } });
      if (answer.status === 201) return { ok: true, user: answer.body.user as User };
      const refused = ADD_REFUSALS.find((r) => answer.body?.code === `user.${r}`);
      if (refused !== undefined) return { ok: false, refusal: refused };
      throw server.refused(answer);
    },
  );
  if (!added.ok) throw new UsageError([refusal(added.refusal, username, role, options.partner)]);
  io.stdout(renderUserAdded(added.user, given === undefined ? password : undefined, tr));
}

const ADD_REFUSALS: readonly AddUserRefusal[] = ['usernameTaken', 'partnerRequired', 'partnerNotAllowed', 'unknownPartner'];

/** An account's path in the API. */
function userPath(username: string): string {
  return `/api/v1/users/${encodeURIComponent(username)}`;
}

/** Every account, page by page, from the server. */
async function usersOf(server: LocalServer): Promise<User[]> {
  const users: User[] = [];
  for (;;) {
    const answer = await server.send('GET', `/api/v1/users?limit=500&offset=${users.length}`);
    if (answer.status !== 200) throw server.refused(answer);
    const page = answer.body as { total: number; items: User[] };
    users.push(...page.items);
    if (page.items.length === 0 || users.length >= page.total) return users;
  }
}

/** An account's tokens from the server; undefined when there is no such account. */
async function tokensOf(server: LocalServer, username: string): Promise<ApiToken[] | undefined> {
  const answer = await server.send('GET', `${userPath(username)}/tokens`);
  if (answer.status === 200) return (answer.body as { items: ApiToken[] }).items;
  if (answer.body?.code === 'noUser') return undefined;
  throw server.refused(answer);
}

/** The accounts: user name, role, partner, when created. */
export async function runUsersList(options: UsersListCommandOptions, io: CliIo, tr: Translator): Promise<void> {
  const users = await onStoreOrServer(options, io, tr, (store) => store.accounts.list(), usersOf);
  io.stdout(
    options.format === 'json'
      ? `${JSON.stringify(
          users.map(({ username, role, partnerId, createdAt }) => ({ username, role, partnerId, createdAt })),
          null,
          2,
        )}\n`
      : renderUsers(users, tr),
  );
}

/** Removes an account with its sessions and API tokens. */
export async function runUsersRemove(username: string, options: StoreFlags, io: CliIo, tr: Translator): Promise<void> {
  const removed = await onStoreOrServer(
    options,
    io,
    tr,
    (store) => store.accounts.remove(username),
    async (server) => {
      const answer = await server.send('DELETE', userPath(username));
      if (answer.status === 204) return true;
      if (answer.body?.code === 'noUser') return false;
      throw server.refused(answer);
    },
  );
  if (!removed) throw new UsageError([problem('<username>', '', 'notAUser', { username })]);
  io.stdout(`${tr.t('cli.users.removed', { username })}\n`);
}

/** A new API token for an account, printed this once, with when it expires. */
export async function runUsersToken(username: string, options: UsersTokenCommandOptions, io: CliIo, tr: Translator): Promise<void> {
  if (options.name.trim() === '') throw new UsageError([problem('--name', '', 'empty', { subject: '--name' })]);
  const token = await onStoreOrServer(
    options,
    io,
    tr,
    async (store) => {
      const user = await store.accounts.byName(username);
      return user && (await store.accounts.createToken(user.id, options.name, options.expiresDays ?? DEFAULT_TOKEN_DAYS));
    },
    async (server) => {
      const answer = await server.send('POST', `${userPath(username)}/tokens`, {
        json: { name: options.name, expiresInDays: options.expiresDays ?? DEFAULT_TOKEN_DAYS },
      });
      if (answer.status === 201) return answer.body as { id: number; token: string; expiresAt: string };
      if (answer.body?.code === 'noUser') return undefined;
      throw server.refused(answer);
    },
  );
  if (!token) throw new UsageError([problem('<username>', '', 'notAUser', { username })]);
  io.stdout(renderToken(username, options.name, token.token, tr, token.expiresAt));
}

/** An account's API tokens: id, name, when made, when they expire, last used — never the secrets. */
export async function runUsersTokens(username: string, options: UsersTokensCommandOptions, io: CliIo, tr: Translator): Promise<void> {
  const tokens = await onStoreOrServer(
    options,
    io,
    tr,
    async (store) => {
      const user = await store.accounts.byName(username);
      return user && (await store.accounts.tokens(user.id));
    },
    (server) => tokensOf(server, username),
  );
  if (!tokens) throw new UsageError([problem('<username>', '', 'notAUser', { username })]);
  io.stdout(options.format === 'json' ? `${JSON.stringify(tokens, null, 2)}\n` : renderTokens(username, tokens, tr));
}

/** Revokes one of an account's API tokens, by the id `attain users tokens` lists. */
export async function runUsersRevokeToken(username: string, id: string, options: StoreFlags, io: CliIo, tr: Translator): Promise<void> {
  const tokenId = /^[1-9][0-9]{0,15}$/.test(id) ? Number(id) : undefined;
  const outcome = await onStoreOrServer(
    options,
    io,
    tr,
    async (store) => {
      const user = await store.accounts.byName(username);
      if (!user) return 'noUser' as const;
      return tokenId !== undefined && (await store.accounts.revokeToken(user.id, tokenId)) ? ('revoked' as const) : ('noToken' as const);
    },
    async (server) => {
      // An id no token can have: only whether the account exists is asked.
      if (tokenId === undefined || !Number.isSafeInteger(tokenId))
        return (await tokensOf(server, username)) === undefined ? ('noUser' as const) : ('noToken' as const);
      const answer = await server.send('DELETE', `${userPath(username)}/tokens/${tokenId}`);
      if (answer.status === 204) return 'revoked' as const;
      if (answer.body?.code === 'noUser' || answer.body?.code === 'noToken') return answer.body.code as 'noUser' | 'noToken';
      throw server.refused(answer);
    },
  );
  if (outcome === 'noUser') throw new UsageError([problem('<username>', '', 'notAUser', { username })]);
  if (outcome === 'noToken') throw new UsageError([problem('<id>', '', 'notAToken', { username, id })]);
  io.stdout(`${tr.t('cli.users.revoked', { username, id })}\n`);
}
