/** Passwords and tokens (src/accounts/secrets.ts), and the accounts kept in the store (src/store/accounts.ts). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, newPassword, newToken, tokenDigest, verifyPassword } from '../src/accounts/secrets.js';
import { Accounts, type User } from '../src/store/accounts.js';
import { migrate } from '../src/store/migrations.js';
import { openPglite } from '../src/store/pglite.js';
import type { SqlClient } from '../src/store/sql.js';

const BASE64URL = /^[A-Za-z0-9_-]+$/;

describe('passwords', () => {
  it('are hashed as scrypt$N$r$p$salt$hash, under a fresh salt each time', async () => {
    const one = await hashPassword('correct horse battery staple');
    const two = await hashPassword('correct horse battery staple');
    expect(one).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(two).not.toBe(one);
    expect(one).not.toContain('correct');
  });

  it('verify the right password only', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('do not verify against a tampered or malformed hash', async () => {
    const stored = await hashPassword('s3cret-pass');
    const [scheme, n, r, p, salt, hash] = stored.split('$') as [string, string, string, string, string, string];
    const flip = (text: string) => `${text.slice(0, 5)}${text[5] === 'A' ? 'B' : 'A'}${text.slice(6)}`;
    for (const tampered of [
      [scheme, n, r, p, salt, flip(hash)],
      [scheme, n, r, p, flip(salt), hash],
      [scheme, String(Number(n) / 2), r, p, salt, hash],
      [scheme, n, r, p, salt, hash.slice(0, -4)],
      ['bcrypt', n, r, p, salt, hash],
      [scheme, n, r, p, salt, ''],
    ]) {
      expect(await verifyPassword('s3cret-pass', tampered.join('$')), tampered.join('$')).toBe(false);
    }
    expect(await verifyPassword('s3cret-pass', '')).toBe(false);
  });

  it('are generated with 24 URL-safe characters, different each time', () => {
    const passwords = new Set(Array.from({ length: 20 }, () => newPassword()));
    expect(passwords.size).toBe(20);
    for (const password of passwords) expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });
});

describe('tokens', () => {
  it('are 256 random bits, URL-safe, with an optional prefix', () => {
    const token = newToken();
    expect(token).toMatch(BASE64URL);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(newToken()).not.toBe(token);
    expect(newToken('attain_')).toMatch(/^attain_[A-Za-z0-9_-]{43}$/);
  });

  it('are stored as their SHA-256 digest in hex', () => {
    expect(tokenDigest('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const token = newToken('attain_');
    expect(tokenDigest(token)).toBe(tokenDigest(token));
    expect(tokenDigest(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenDigest(`${token}x`)).not.toBe(tokenDigest(token));
  });
});

describe('accounts in the store', () => {
  let db: SqlClient;
  let accounts: Accounts;
  let alice: User;
  const count = async (table: string, userId: number) =>
    (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE user_id = $1`, [userId]))[0]!.n;

  beforeAll(async () => {
    db = await openPglite('memory://');
    await migrate(db);
    await db.query(`INSERT INTO partners (id, name, country) VALUES ('P1', 'One', 'US')`);
    accounts = new Accounts(db);
    const added = await accounts.add({ username: 'alice', password: 'alice-password', role: 'partner-admin', partnerId: 'P1' });
    if (!added.ok) throw new Error(added.refusal);
    alice = added.user;
  });
  afterAll(async () => {
    await db.close();
  });

  it('adds an account once, with its role and partner, and refuses what the roles forbid', async () => {
    expect(alice).toMatchObject({ username: 'alice', role: 'partner-admin', partnerId: 'P1' });
    expect(alice.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(await accounts.add({ username: 'alice', password: 'other-password', role: 'partner-viewer', partnerId: 'P1' })).toEqual({
      ok: false,
      refusal: 'usernameTaken',
    });
    expect(await accounts.add({ username: 'bob', password: 'bob-password', role: 'partner-viewer' })).toEqual({
      ok: false,
      refusal: 'partnerRequired',
    });
    expect(await accounts.add({ username: 'bob', password: 'bob-password', role: 'program-admin', partnerId: 'P1' })).toEqual({
      ok: false,
      refusal: 'partnerNotAllowed',
    });
    expect(await accounts.add({ username: 'bob', password: 'bob-password', role: 'partner-viewer', partnerId: 'P9' })).toEqual({
      ok: false,
      refusal: 'unknownPartner',
    });
    expect(await accounts.authenticate('alice', 'alice-password')).toEqual(alice);
    expect(await accounts.authenticate('alice', 'other-password')).toBeUndefined();
    expect(await accounts.authenticate('nobody', 'alice-password')).toBeUndefined();
  });

  it('keeps a session until it expires, then deletes it when it is met', async () => {
    const live = await accounts.startSession(alice.id, 3600);
    expect(await accounts.session(live.token)).toEqual({ user: alice, csrfToken: live.csrfToken, expiresAt: live.expiresAt });
    // Only the digest of the cookie's token is kept.
    expect(await db.query('SELECT 1 FROM sessions WHERE token_hash = $1', [live.token])).toHaveLength(0);

    const short = await accounts.startSession(alice.id, 1);
    expect(await accounts.session(short.token)).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await accounts.session(short.token)).toBeUndefined();
    expect(await db.query('SELECT 1 FROM sessions WHERE token_hash = $1', [tokenDigest(short.token)])).toHaveLength(0);

    const expired = await accounts.startSession(alice.id, 0);
    expect(await accounts.session(expired.token)).toBeUndefined();
    expect(await db.query('SELECT 1 FROM sessions WHERE token_hash = $1', [tokenDigest(expired.token)])).toHaveLength(0);

    expect(await accounts.session('not-a-session')).toBeUndefined();
    await accounts.endSession(live.token);
    expect(await accounts.session(live.token)).toBeUndefined();
  });

  it('finds the user of an API token and records its last use', async () => {
    const { id, token } = await accounts.createToken(alice.id, 'ci');
    expect(token).toMatch(/^attain_/);
    const lastUsed = async () =>
      (await db.query<{ last_used_at: unknown }>('SELECT last_used_at FROM api_tokens WHERE id = $1', [id]))[0]!.last_used_at;
    expect(await lastUsed()).toBeNull();
    expect(await accounts.tokenUser(token)).toEqual(alice);
    expect(await lastUsed()).not.toBeNull();
    expect(await accounts.tokenUser(`${token}x`)).toBeUndefined();
    expect(await db.query('SELECT 1 FROM api_tokens WHERE token_hash = $1', [token])).toHaveLength(0);
  });

  it('removes an account with its sessions and tokens', async () => {
    const added = await accounts.add({ username: 'carol', password: 'carol-password', role: 'program-admin' });
    if (!added.ok) throw new Error(added.refusal);
    const carol = added.user;
    const session = await accounts.startSession(carol.id, 3600);
    const { token } = await accounts.createToken(carol.id, 'ci');
    expect([await count('sessions', carol.id), await count('api_tokens', carol.id)]).toEqual([1, 1]);
    expect(await accounts.countProgramAdmins()).toBe(1);

    expect(await accounts.remove('carol')).toBe(true);
    expect([await count('sessions', carol.id), await count('api_tokens', carol.id)]).toEqual([0, 0]);
    expect(await accounts.session(session.token)).toBeUndefined();
    expect(await accounts.tokenUser(token)).toBeUndefined();
    expect(await accounts.byName('carol')).toBeUndefined();
    expect(await accounts.countProgramAdmins()).toBe(0);
    expect(await accounts.remove('carol')).toBe(false);
    // Others' are untouched.
    expect((await accounts.list()).map((u) => u.username)).toEqual(['alice']);
  });
});
