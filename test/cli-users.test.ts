/** `attain users add|list|remove|token`, and the first program-admin the server creates (src/accounts/bootstrap.ts). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureProgramAdmin } from '../src/app/accounts.js';
import { Store, type StoreOptions } from '../src/store/store.js';
import { runCli } from './support/cli.js';
import { SERVER } from './support/stores.js';
import { emptyStoreFolder } from './support/pglite-template.js';

const SCHEMA = `attain_test_users_${process.pid}_${Date.now()}`;

/** A dataset of two partners, for partner accounts to belong to. */
const PARTNERS = (() => {
  const file = join(mkdtempSync(join(tmpdir(), 'attain-users-partners-')), 'partners.json');
  writeFileSync(
    file,
    JSON.stringify({
      partners: [
        { id: 'P-ONE', name: 'One', country: 'US' },
        { id: 'P-TWO', name: 'Two', country: 'FR' },
      ],
    }),
  );
  return file;
})();

/** A fresh store: the command line's flags, and the same store's options for `Store.open`. */
interface FreshStore {
  readonly flags: string[];
  readonly options: StoreOptions;
}

const schemas: string[] = [];
afterAll(async () => {
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: SERVER });
  await client.connect();
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

const STORES: { name: string; fresh: () => Promise<FreshStore> }[] = [
  {
    name: 'PGlite',
    fresh: async () => {
      const dir = emptyStoreFolder('attain-cli-users-');
      return { flags: ['--data', dir], options: { dataDir: dir } };
    },
  },
  {
    name: 'PostgreSQL',
    fresh: async () => {
      const schema = `${SCHEMA}_${Math.random().toString(36).slice(2, 8)}`;
      schemas.push(schema);
      // Opening it creates the schema and migrates it; the command line then reaches it by its search path.
      await (await Store.open({ databaseUrl: SERVER, schema })).close();
      const url = `${SERVER}${SERVER.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
      return { flags: ['--database-url', url], options: { databaseUrl: url } };
    },
  },
];

async function withOpen<T>(options: StoreOptions, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await Store.open(options);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Line `index` of an output. */
function line(stdout: string, index: number): string {
  return stdout.split('\n')[index]!;
}

for (const { name, fresh } of STORES) {
  describe(`attain users on ${name}`, () => {
    let store: FreshStore;
    beforeAll(async () => {
      store = await fresh();
      expect((await runCli(['import', PARTNERS, ...store.flags])).code).toBe(0);
    });

    it('adds an account with a generated password, printed once, that signs in', async () => {
      const { code, stdout, stderr } = await runCli(['users', 'add', 'maria', '--role', 'program-admin', ...store.flags]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const lines = stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(3);
      expect(lines[0]).toBe('Account maria added: program-admin');
      const password = /^Password: ([A-Za-z0-9_-]{24})$/.exec(lines[1]!)?.[1];
      expect(password).toBeDefined();
      expect(lines[2]).toBe('This password is shown only this once and cannot be retrieved later: hand it to its owner now.');
      await withOpen(store.options, async (s) => {
        expect(await s.accounts.authenticate('maria', password!)).toMatchObject({
          username: 'maria',
          role: 'program-admin',
          partnerId: null,
        });
        expect(await s.accounts.authenticate('maria', 'wrong password')).toBeUndefined();
      });
    });

    it('adds a partner account with the password from standard input, not printed', async () => {
      const { code, stdout } = await runCli(
        ['users', 'add', 'nw-ops', '--role', 'partner-admin', '--partner', 'P-ONE', '--password-stdin', ...store.flags],
        { stdin: 'correct horse battery staple\r\nsecond line\n' },
      );
      expect(code).toBe(0);
      expect(stdout).toBe('Account nw-ops added: partner-admin of partner P-ONE\n');
      await withOpen(store.options, async (s) => {
        expect(await s.accounts.authenticate('nw-ops', 'correct horse battery staple')).toMatchObject({
          role: 'partner-admin',
          partnerId: 'P-ONE',
        });
      });
    });

    it('lists the accounts as a table, in JSON and in French', async () => {
      const table = await runCli(['users', 'list', ...store.flags]);
      expect(table.code).toBe(0);
      const lines = table.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^User name +Role +Partner +Created at$/);
      expect(lines.slice(1).map((l) => l.split(/ {2,}/).slice(0, 2))).toEqual([
        ['maria', 'program-admin'],
        ['nw-ops', 'partner-admin'],
      ]);
      expect(lines[2]).toMatch(/^nw-ops +partner-admin +P-ONE +\w{3} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2} [AP]M UTC$/);

      const json = JSON.parse((await runCli(['users', 'list', '--format', 'json', ...store.flags])).stdout) as Record<string, unknown>[];
      expect(json.map(({ createdAt: _, ...u }) => u)).toEqual([
        { username: 'maria', role: 'program-admin', partnerId: null },
        { username: 'nw-ops', role: 'partner-admin', partnerId: 'P-ONE' },
      ]);
      for (const u of json) expect(u.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

      const french = await runCli(['users', 'list', '--locale', 'fr-FR', ...store.flags]);
      expect(french.stdout.split('\n')[0]).toMatch(/^Nom d’utilisateur +Rôle +Partenaire +Créé le$/);
      expect(french.stdout).toMatch(/UTC\n/);
      expect(french.stdout).not.toMatch(/[AP]M/);
      const chinese = await runCli(['users', 'list', '--locale', 'zh-TW', ...store.flags]);
      expect(chinese.stdout.split('\n')[0]).toMatch(/^使用者名稱 +角色 +合作夥伴 +建立時間$/);
    });

    it('creates an API token, printed once, that finds its user', async () => {
      const { code, stdout } = await runCli(['users', 'token', 'nw-ops', '--name', 'ci', ...store.flags]);
      expect(code).toBe(0);
      expect(line(stdout, 0)).toBe('API token “ci” of nw-ops:');
      const token = line(stdout, 1);
      expect(token).toMatch(/^attain_[A-Za-z0-9_-]{43}$/);
      expect(stdout.split(token)).toHaveLength(2);
      // Issue 18: tokens expire (90 days by default), and the command says when.
      expect(stdout.split('\n').slice(2)).toEqual([
        'This token is shown only this once and cannot be retrieved later: copy it now.',
        expect.stringMatching(/^It expires on .+ 20\d\d.+UTC\.$/),
        'Send it with every request, in the header Authorization: Bearer <token>',
        '',
      ]);
      await withOpen(store.options, async (s) => {
        expect(await s.accounts.tokenUser(token)).toMatchObject({ username: 'nw-ops', partnerId: 'P-ONE' });
      });
      // Another run, another token.
      const again = await runCli(['users', 'token', 'nw-ops', ...store.flags]);
      expect(again.stdout.split('\n')[0]).toBe('API token “cli” of nw-ops:');
      expect(line(again.stdout, 1)).not.toBe(token);
    });
  });
}

// The commands past the first flow are the same on both engines (the flow above runs on each): they run on the
// server, where a command opens its store in milliseconds rather than PGlite's second or two.
describe('attain users: refusals, removal and languages (PostgreSQL)', () => {
  let store: FreshStore;
  beforeAll(async () => {
    store = await STORES[1]!.fresh();
    expect((await runCli(['import', PARTNERS, ...store.flags])).code).toBe(0);
    expect((await runCli(['users', 'add', 'maria', '--role', 'program-admin', ...store.flags])).code).toBe(0);
  });
  const listed = async () =>
    (JSON.parse((await runCli(['users', 'list', '--format', 'json', ...store.flags])).stdout) as { username: string }[]).map(
      (u) => u.username,
    );

  it.each([
    [['maria', '--role', 'partner-viewer', '--partner', 'P-ONE'], 'attain: <username>: the user name "maria" is already taken'],
    [['vic', '--role', 'partner-viewer'], 'attain: --partner: a partner-viewer account belongs to a partner: name it with --partner'],
    [
      ['vic', '--role', 'program-admin', '--partner', 'P-ONE'],
      'attain: --partner: a program-admin account belongs to no partner: leave --partner out',
    ],
    [['vic', '--role', 'partner-viewer', '--partner', 'P-NINE'], 'attain: --partner: "P-NINE" is not a partner of the store'],
    [['vic', '--role', 'admin'], 'attain: --role: "admin" is not a role (program-admin, partner-admin, partner-viewer)'],
    [['a b', '--role', 'program-admin'], 'attain: <username>: "a b" is not a usable user name: 1 to 64 characters, without spaces'],
    [
      ['vic', '--role', 'program-admin', '--password-stdin'],
      'attain: --password-stdin: standard input holds no password (one line expected)',
    ],
  ])('refuses users add %j, exit 2, writing nothing', async (args, message) => {
    const { code, stdout, stderr } = await runCli(['users', 'add', ...args, ...store.flags]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim()).toBe(message);
    expect(await listed()).toEqual(['maria']);
  });

  it('refuses a short password from standard input', async () => {
    const { code, stderr } = await runCli(['users', 'add', 'vic', '--role', 'program-admin', '--password-stdin', ...store.flags], {
      stdin: 'short\n',
    });
    expect(code).toBe(2);
    expect(stderr.trim()).toBe('attain: --password-stdin: the password has 5 characters; at least 8 are needed');
  });

  it('says refusals in French and Chinese', async () => {
    const fr = await runCli(['users', 'add', 'maria', '--role', 'program-admin', '--locale', 'fr-FR', ...store.flags]);
    expect(fr.code).toBe(2);
    expect(fr.stderr.trim()).toBe('attain: <username>: le nom d’utilisateur "maria" est déjà pris');
    const zh = await runCli(['users', 'add', 'vic', '--role', 'partner-admin', '--partner', 'P-NINE', '--locale', 'zh-TW', ...store.flags]);
    expect(zh.stderr.trim()).toBe('attain: --partner: 「P-NINE」不是資料庫中的合作夥伴');
    const gone = await runCli(['users', 'remove', 'nobody', '--locale', 'fr-FR', ...store.flags]);
    expect(gone.stderr.trim()).toBe('attain: <username>: aucun compte ne porte le nom d’utilisateur "nobody"');
  });

  it('speaks French and Chinese when adding an account and a token', async () => {
    const fr = await runCli([
      'users',
      'add',
      'jean',
      '--role',
      'partner-viewer',
      '--partner',
      'P-TWO',
      '--locale',
      'fr-FR',
      ...store.flags,
    ]);
    expect(fr.code).toBe(0);
    expect(fr.stdout.split('\n')[0]).toBe('Compte jean ajouté : partner-viewer du partenaire P-TWO');
    expect(fr.stdout.split('\n')[1]).toMatch(/^Mot de passe : [A-Za-z0-9_-]{24}$/);
    const zh = await runCli(['users', 'token', 'jean', '--name', 'ci', '--locale', 'zh-TW', ...store.flags]);
    expect(zh.stdout.split('\n')[0]).toBe('jean 的 API 權杖「ci」：');
    expect(zh.stdout).toContain('Authorization: Bearer <權杖>');
    for (const out of [fr.stdout, zh.stdout]) expect(out).not.toMatch(/\b(shown|only|once|Account|token of|Password)\b/);
  });

  it('removes an account with its sessions and tokens; an unknown one is refused', async () => {
    const token = (await runCli(['users', 'token', 'jean', ...store.flags])).stdout.split('\n')[1]!;
    const session = await withOpen(store.options, async (s) => s.accounts.startSession((await s.accounts.byName('jean'))!.id, 3600));
    const { code, stdout } = await runCli(['users', 'remove', 'jean', ...store.flags]);
    expect(code).toBe(0);
    expect(stdout).toBe('Account jean removed, with its sessions and API tokens.\n');
    expect(await listed()).toEqual(['maria']);
    await withOpen(store.options, async (s) => {
      expect(await s.accounts.tokenUser(token)).toBeUndefined();
      expect(await s.accounts.session(session.token)).toBeUndefined();
    });
    const again = await runCli(['users', 'remove', 'jean', ...store.flags]);
    expect(again.code).toBe(2);
    expect(again.stderr.trim()).toBe('attain: <username>: no account has the user name "jean"');
    const token2 = await runCli(['users', 'token', 'jean', ...store.flags]);
    expect(token2.code).toBe(2);
    expect(token2.stdout).toBe('');
  });

  it('says when there are no accounts', async () => {
    const empty = await STORES[1]!.fresh();
    expect((await runCli(['users', 'list', ...empty.flags])).stdout).toBe('No accounts yet: attain users add creates one.\n');
    expect((await runCli(['users', 'list', '--format', 'json', ...empty.flags])).stdout).toBe('[]\n');
  });
});

describe('the first program-admin', () => {
  it('is created once, named admin-2 when a partner account is called admin', async () => {
    const fresh = await STORES[0]!.fresh();
    expect((await runCli(['import', PARTNERS, ...fresh.flags])).code).toBe(0);
    expect((await runCli(['users', 'add', 'admin', '--role', 'partner-viewer', '--partner', 'P-ONE', ...fresh.flags])).code).toBe(0);
    await withOpen(fresh.options, async (s) => {
      const created = await ensureProgramAdmin(s);
      expect(created).toMatchObject({ username: 'admin-2' });
      expect(created!.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(await s.accounts.authenticate('admin-2', created!.password)).toMatchObject({ role: 'program-admin', partnerId: null });
      expect(await ensureProgramAdmin(s)).toBeUndefined();
      expect(await s.accounts.countProgramAdmins()).toBe(1);
    });
  });

  it('is not created when the store has one', async () => {
    const fresh = await STORES[0]!.fresh();
    expect((await runCli(['users', 'add', 'boss', '--role', 'program-admin', ...fresh.flags])).code).toBe(0);
    await withOpen(fresh.options, async (s) => {
      expect(await ensureProgramAdmin(s)).toBeUndefined();
      expect((await s.accounts.list()).map((u) => u.username)).toEqual(['boss']);
    });
  });

  it('is created once when two servers start together (PostgreSQL)', async () => {
    const fresh = await STORES[1]!.fresh();
    const stores = await Promise.all([Store.open(fresh.options), Store.open(fresh.options), Store.open(fresh.options)]);
    try {
      const results = await Promise.all(stores.map((s) => ensureProgramAdmin(s)));
      expect(results.filter((r) => r !== undefined)).toEqual([{ username: 'admin', password: expect.any(String) }]);
      expect(await stores[0]!.accounts.countProgramAdmins()).toBe(1);
      expect((await stores[0]!.accounts.list()).map((u) => u.username)).toEqual(['admin']);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});

describe('attain users tokens and revoke-token: tokens expire, are listed without secrets, and revoked (PostgreSQL)', () => {
  let store: FreshStore;
  beforeAll(async () => {
    store = await STORES[1]!.fresh();
    expect((await runCli(['users', 'add', 'ops', '--role', 'program-admin', ...store.flags])).code).toBe(0);
  });

  it('makes a token with --expires-days, lists it without its secret, and revokes it', async () => {
    const made = await runCli(['users', 'token', 'ops', '--name', 'nightly', '--expires-days', '7', ...store.flags]);
    expect(made.code).toBe(0);
    const token = line(made.stdout, 1);
    const listed = await runCli(['users', 'tokens', 'ops', '--format', 'json', ...store.flags]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain(token);
    const [item] = JSON.parse(listed.stdout) as { id: number; name: string; expiresAt: string; expired: boolean }[];
    expect(item).toMatchObject({ name: 'nightly', expired: false });
    expect(Math.round((Date.parse(item!.expiresAt) - Date.now()) / 86_400_000)).toBe(7);
    const table = await runCli(['users', 'tokens', 'ops', ...store.flags]);
    expect(table.stdout).toContain('nightly');
    expect(table.stdout).toContain('Expires at');

    const revoked = await runCli(['users', 'revoke-token', 'ops', String(item!.id), ...store.flags]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toBe(`API token ${item!.id} of ops revoked: it no longer works.\n`);
    await withOpen(store.options, async (s) => expect(await s.accounts.tokenUser(token)).toBeUndefined());
    expect((await runCli(['users', 'tokens', 'ops', ...store.flags])).stdout).toBe('ops has no API tokens.\n');
  });

  it('refuses what it cannot do, exit 2', async () => {
    const again = await runCli(['users', 'revoke-token', 'ops', '999', ...store.flags]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('"ops" has no API token 999');
    expect((await runCli(['users', 'revoke-token', 'nobody', '1', ...store.flags])).code).toBe(2);
    expect((await runCli(['users', 'tokens', 'nobody', ...store.flags])).code).toBe(2);
    expect((await runCli(['users', 'token', 'ops', '--expires-days', '0', ...store.flags])).code).toBe(2);
    expect((await runCli(['users', 'token', 'ops', '--expires-days', '99999', ...store.flags])).code).toBe(2);
  });
});
