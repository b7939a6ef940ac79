/**
 * Accounts kept in the store: users with a role (and, for partner roles, the
 * partner they belong to), browser sessions and API tokens. Only digests of
 * secrets are stored (src/accounts/secrets.ts).
 */
import { hashPassword, newToken, tokenDigest, verifyPassword } from '../accounts/secrets.js';
import type { SqlClient } from './sql.js';

export const ROLES = ['program-admin', 'partner-admin', 'partner-viewer'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export interface User {
  readonly id: number;
  readonly username: string;
  readonly role: Role;
  /** The partner a partner-admin or partner-viewer belongs to; null for a program-admin. */
  readonly partnerId: string | null;
  /** ISO 8601 instant (UTC). */
  readonly createdAt: string;
}

export interface NewUser {
  readonly username: string;
  readonly password: string;
  readonly role: Role;
  readonly partnerId?: string | null | undefined;
}

export interface Session {
  readonly user: User;
  /** Sent back by the browser in a header on every write made with the session's cookie. */
  readonly csrfToken: string;
  readonly expiresAt: string;
}

interface UserRow {
  id: string;
  username: string;
  role: Role;
  partner_id: string | null;
  created_at: string;
}

const USER_COLUMNS = `u.id::text AS id, u.username, u.role, u.partner_id, to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at`;

function userOf(row: UserRow): User {
  return { id: Number(row.id), username: row.username, role: row.role, partnerId: row.partner_id, createdAt: row.created_at };
}

/** Why an account could not be added. */
export type AddUserRefusal = 'usernameTaken' | 'partnerRequired' | 'partnerNotAllowed' | 'unknownPartner';

export class Accounts {
  constructor(private readonly db: SqlClient) {}

  async add(user: NewUser): Promise<{ ok: true; user: User } | { ok: false; refusal: AddUserRefusal }> {
    const partnerId = user.partnerId ?? null;
    if (user.role === 'program-admin' && partnerId !== null) return { ok: false, refusal: 'partnerNotAllowed' };
    if (user.role !== 'program-admin' && partnerId === null) return { ok: false, refusal: 'partnerRequired' };
    if (partnerId !== null && (await this.db.query('SELECT 1 FROM partners WHERE id = $1', [partnerId])).length === 0) {
      return { ok: false, refusal: 'unknownPartner' };
    }
    const passwordHash = await hashPassword(user.password);
    const rows = await this.db.query<UserRow>(
      `INSERT INTO users AS u (username, password_hash, role, partner_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (username) DO NOTHING RETURNING ${USER_COLUMNS}`,
      [user.username, passwordHash, user.role, partnerId],
    );
    return rows[0] ? { ok: true, user: userOf(rows[0]) } : { ok: false, refusal: 'usernameTaken' };
  }

  async list(): Promise<User[]> {
    return (await this.db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users u ORDER BY u.username`)).map(userOf);
  }

  async byName(username: string): Promise<User | undefined> {
    const [row] = await this.db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.username = $1`, [username]);
    return row ? userOf(row) : undefined;
  }

  /** Removes the account with its sessions and tokens; false when there is none by that name. */
  async remove(username: string): Promise<boolean> {
    return (await this.db.query('DELETE FROM users WHERE username = $1 RETURNING id', [username])).length > 0;
  }

  async countProgramAdmins(): Promise<number> {
    const [row] = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE role = 'program-admin'`);
    return row!.n;
  }

  /** The user whose password this is, or undefined (unknown name or wrong password: the caller cannot tell which). */
  async authenticate(username: string, password: string): Promise<User | undefined> {
    const [row] = await this.db.query<UserRow & { password_hash: string }>(
      `SELECT ${USER_COLUMNS}, u.password_hash FROM users u WHERE u.username = $1`,
      [username],
    );
    // An unknown name costs a hash too, so timing does not tell which names exist.
    const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
    return row && ok ? userOf(row) : undefined;
  }

  /** A new browser session: the token (for the cookie) is returned once, only its digest is kept. */
  async startSession(userId: number, ttlSeconds: number): Promise<{ token: string; csrfToken: string; expiresAt: string }> {
    const token = newToken();
    const csrfToken = newToken();
    const [row] = await this.db.query<{ expires_at: string }>(
      `INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))
       RETURNING to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS expires_at`,
      [tokenDigest(token), userId, csrfToken, ttlSeconds],
    );
    return { token, csrfToken, expiresAt: row!.expires_at };
  }

  /** The live session of a cookie's token; expired ones are deleted as they are met. */
  async session(token: string): Promise<Session | undefined> {
    const digest = tokenDigest(token);
    const [row] = await this.db.query<UserRow & { csrf_token: string; expires_at: string; live: boolean }>(
      `SELECT ${USER_COLUMNS}, s.csrf_token, s.expires_at > now() AS live,
              to_char(s.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS expires_at
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1`,
      [digest],
    );
    if (!row) return undefined;
    if (!row.live) {
      await this.db.query('DELETE FROM sessions WHERE token_hash = $1', [digest]);
      return undefined;
    }
    return { user: userOf(row), csrfToken: row.csrf_token, expiresAt: row.expires_at };
  }

  async endSession(token: string): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE token_hash = $1', [tokenDigest(token)]);
  }

  /** A new API token for scripts: shown once, kept as a digest; it stops working after `expiresInDays` (default 90). */
  async createToken(
    userId: number,
    name: string,
    expiresInDays: number = DEFAULT_TOKEN_DAYS,
  ): Promise<{ id: number; token: string; expiresAt: string }> {
    const token = newToken('attain_');
    const [row] = await this.db.query<{ id: string; expires_at: string }>(
      `INSERT INTO api_tokens (user_id, name, token_hash, expires_at) VALUES ($1, $2, $3, now() + make_interval(days => $4))
       RETURNING id::text AS id, ${instant('expires_at')} AS expires_at`,
      [userId, name, tokenDigest(token), expiresInDays],
    );
    return { id: Number(row!.id), token, expiresAt: row!.expires_at };
  }

  /** The user of a live API token (its last use recorded), or undefined: unknown, revoked, expired. */
  async tokenUser(token: string): Promise<User | undefined> {
    const [row] = await this.db.query<UserRow>(
      `UPDATE api_tokens t SET last_used_at = now() FROM users u
       WHERE u.id = t.user_id AND t.token_hash = $1 AND t.expires_at > now() RETURNING ${USER_COLUMNS}`,
      [tokenDigest(token)],
    );
    return row ? userOf(row) : undefined;
  }

  /** A user's API tokens, without their secrets (the store has only digests), oldest first. */
  async tokens(userId: number): Promise<ApiToken[]> {
    const rows = await this.db.query<{
      id: string;
      name: string;
      created_at: string;
      expires_at: string;
      last_used_at: string | null;
      live: boolean;
    }>(
      `SELECT id::text AS id, name, ${instant('created_at')} AS created_at, ${instant('expires_at')} AS expires_at,
              ${instant('last_used_at')} AS last_used_at, expires_at > now() AS live
       FROM api_tokens WHERE user_id = $1 ORDER BY id`,
      [userId],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      name: r.name,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      lastUsedAt: r.last_used_at,
      expired: !r.live,
    }));
  }

  /** Revokes one of a user's tokens; false when the user has no token of that id. */
  async revokeToken(userId: number, tokenId: number): Promise<boolean> {
    if (!Number.isSafeInteger(tokenId) || tokenId < 1) return false;
    return (await this.db.query('DELETE FROM api_tokens WHERE user_id = $1 AND id = $2 RETURNING id', [userId, tokenId])).length > 0;
  }
}

/** How long an API token lives unless told otherwise, and the longest it may. */
export const DEFAULT_TOKEN_DAYS = 90;
export const MAX_TOKEN_DAYS = 3650;

/** An API token as it is listed: never its secret. */
export interface ApiToken {
  readonly id: number;
  readonly name: string;
  /** ISO 8601 instants (UTC). */
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly lastUsedAt: string | null;
  readonly expired: boolean;
}

function instant(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;
}

/** A valid hash of no password anyone knows, verified against when the user does not exist. */
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
