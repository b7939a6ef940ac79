/**
 * The real server over HTTP for tests: a store holding the bundled example,
 * accounts of every role (each with an API token), the server listening on
 * a free port of 127.0.0.1, and `fetch` helpers.
 */
import { connect, type AddressInfo } from 'node:net';
import { readJsonFile } from '../../src/files/dataset-file.js';
import { programForImport } from '../../src/app/choices.js';
import { definitionsOnDisk } from '../../src/files/program-files.js';
import { buildServer, type ServerOptions } from '../../src/http/server.js';
import type { Role } from '../../src/store/accounts.js';
import { Store, type StoreOptions } from '../../src/store/store.js';

export const EXAMPLE = 'examples/cloud-business-applications.json';
export const PASSWORD = 'correct horse battery staple';

/** The accounts every test server has: name → role and partner. */
export const ACCOUNTS = {
  admin: { role: 'program-admin', partnerId: null },
  'nw-admin': { role: 'partner-admin', partnerId: 'P-NORTHWIND' },
  'nw-viewer': { role: 'partner-viewer', partnerId: 'P-NORTHWIND' },
  'co-admin': { role: 'partner-admin', partnerId: 'P-CONTOSO' },
  'co-viewer': { role: 'partner-viewer', partnerId: 'P-CONTOSO' },
} as const satisfies Record<string, { role: Role; partnerId: string | null }>;
export type AccountName = keyof typeof ACCOUNTS;

export interface TestServer {
  readonly url: string;
  readonly store: Store;
  /** An API token per account. */
  readonly tokens: Readonly<Record<AccountName, string>>;
  close(): Promise<void>;
}

export async function startServer(
  options: { store?: StoreOptions; seed?: boolean; server?: Omit<ServerOptions, 'store'> } = {},
): Promise<TestServer> {
  const store = await Store.open(options.store ?? { dataDir: 'memory://' });
  if (options.seed ?? true) {
    const { program, keep } = await programForImport(store, definitionsOnDisk, undefined);
    await store.import([{ incoming: readJsonFile(EXAMPLE), source: EXAMPLE }], program, { program: keep });
  }
  const tokens = {} as Record<AccountName, string>;
  for (const [username, account] of Object.entries(ACCOUNTS) as [AccountName, (typeof ACCOUNTS)[AccountName]][]) {
    if (!(options.seed ?? true) && account.partnerId !== null) continue;
    const added = await store.accounts.add({ username, password: PASSWORD, role: account.role, partnerId: account.partnerId });
    if (!added.ok) throw new Error(`cannot add ${username}: ${added.refusal}`);
    tokens[username] = (await store.accounts.createToken(added.user.id, 'tests')).token;
  }
  const app = await buildServer({ store, today: () => '2017-07-07', ...options.server });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    tokens,
    async close() {
      await app.close();
      await store.close();
    },
  };
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed when it is JSON; undefined otherwise. */
  readonly json: any;
}

export async function call(
  server: Pick<TestServer, 'url'>,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: NonNullable<RequestInit['body']> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: NonNullable<RequestInit['body']> | undefined = options.raw;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${server.url}${path}`, { method, headers, body, redirect: 'manual' });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Signs in; the cookie (name=value) and the CSRF token. */
export async function signIn(server: Pick<TestServer, 'url'>, username: string, password = PASSWORD) {
  const answer = await call(server, 'POST', '/api/v1/session', { body: { username, password } });
  const setCookie = answer.headers.get('set-cookie') ?? '';
  return { answer, setCookie, cookie: setCookie.split(';')[0]!, csrfToken: answer.json?.csrfToken as string | undefined };
}

/** A raw HTTP/1.1 exchange: what is sent, byte for byte, and the status line, headers and body answered. */
export async function rawRequest(
  url: string,
  request: string,
): Promise<{ status: number; headers: Record<string, string>; body: string; ms: number }> {
  const { hostname, port } = new URL(url);
  const started = performance.now();
  const text = await new Promise<string>((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (error) => (chunks.length > 0 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(error)));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.setTimeout(5000, () => socket.destroy());
    socket.write(request);
  });
  const ms = performance.now() - started;
  const [head = '', ...rest] = text.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n'), ms };
}
