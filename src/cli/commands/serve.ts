/**
 * `attain serve`: the HTTP API (src/http/) over the store. A store without
 * a program-admin gets one, its password printed this once. Logs are JSON
 * lines (pino, with request ids) on standard output; what a person reads —
 * the first admin's credentials, where the server listens, that it stops —
 * goes to standard error. SIGINT or SIGTERM stops it: requests in flight
 * finish, then the store is closed.
 *
 * On an embedded store the server is the store's one owner (store/lock.ts)
 * for as long as it runs. It publishes its local URL and a local
 * administrator's credential — random, made now, kept in memory and in that
 * file only (mode 0600) — beside the store's lock, so that `attain users`,
 * `attain import` and `attain program load` run meanwhile go through it
 * (cli/through-server.ts) instead of opening the store a second time.
 */
import type { AddressInfo } from 'node:net';
import { newToken } from '../../accounts/secrets.js';
import { ensureProgramAdmin } from '../../app/accounts.js';
import { problem, quote } from '../../engine/index.js';
import { buildServer, notProxyAddress } from '../../http/server.js';
import type { Translator } from '../../i18n/index.js';
import { Store } from '../../store/store.js';
import { storeOptions, type StoreFlags } from '../inputs.js';
import type { CliIo } from '../io.js';
import { UsageError } from '../usage-error.js';

export interface ServeCommandOptions extends StoreFlags {
  readonly port: number;
  readonly host: string;
  /** The largest import upload, in megabytes. */
  readonly maxUploadMb: number;
  /** Trust X-Forwarded-* headers from these proxies (addresses, CIDR ranges; the bare flag: loopback). */
  readonly trustProxy?: string | boolean | undefined;
}

/** Resolves with the name of the first SIGINT or SIGTERM. */
function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** Told once the server listens: its URL, and whether a first program-admin was just created (`attain start` says how to sign in). */
export type OnListening = (url: string, adminCreated: boolean) => Promise<void> | void;

/** `until`: what stops the server (a signal by default; tests give their own). */
export async function runServe(
  options: ServeCommandOptions,
  io: CliIo,
  tr: Translator,
  until: Promise<string> = stopSignal(),
  onListening?: OnListening,
): Promise<void> {
  const trustProxy = options.trustProxy === true ? 'loopback' : options.trustProxy || false;
  const badProxy = trustProxy === false ? undefined : notProxyAddress(trustProxy);
  if (badProxy !== undefined) {
    throw new UsageError([
      problem('--trust-proxy', '', 'invalid', {
        subject: '--trust-proxy',
        value: quote(badProxy),
        detail: 'is not an address, a CIDR range, loopback, linklocal or uniquelocal',
      }),
    ]);
  }
  const store = await Store.open(storeOptions(options, io));
  try {
    // Only a server owning an embedded store has a local administrator: on PostgreSQL the command line opens the store itself.
    const localCredential = store.ownership ? newToken('attain_local_') : undefined;
    const app = await buildServer({
      store,
      logger: { level: io.env.ATTAIN_LOG_LEVEL ?? 'info', stream: { write: (line: string) => io.stdout(line) } },
      maxUploadBytes: options.maxUploadMb * 1024 * 1024,
      trustProxy,
      localCredential,
    });
    try {
      await app.listen({ port: options.port, host: options.host }).catch((error: unknown) => {
        // An address taken or not ours is the command line's fault: exit 2, saying which flag.
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE' || code === 'EACCES') {
          throw new UsageError([
            problem('--port', '', 'invalid', {
              subject: '--port',
              value: quote(String(options.port)),
              detail: `cannot be listened on (${code})`,
            }),
          ]);
        }
        if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
          throw new UsageError([
            problem('--host', '', 'invalid', { subject: '--host', value: quote(options.host), detail: `cannot be listened on (${code})` }),
          ]);
        }
        throw error;
      });
      // Once listening, so that a server that cannot start does not spend the one showing of a password.
      const admin = await ensureProgramAdmin(store);
      if (admin) {
        io.stderr(`${tr.t('cli.serve.adminCreated', { username: admin.username })}\n`);
        io.stderr(`${tr.t('cli.serve.adminPassword', { password: admin.password })}\n`);
      }
      const { address, port, family } = app.server.address() as AddressInfo;
      const url = `http://${family === 'IPv6' ? `[${address}]` : address}:${port}`;
      if (store.ownership && localCredential !== undefined) {
        store.ownership.publishServer({ url: localUrl(address, family, port), credential: localCredential });
      }
      io.stderr(`${tr.t('cli.serve.listening', { url })}\n`);
      await onListening?.(url, admin !== undefined);
      if (store.ownership) io.stderr(`${tr.t('cli.serve.owner', { folder: store.ownership.folder })}\n`);
      const signal = await until;
      io.stderr(`${tr.t('cli.serve.stopping', { signal })}\n`);
    } finally {
      // The published address stays until the store is closed (its lock released, lock.ts): a command meanwhile finds the
      // server refusing connections and looks at the store again until it is free, then opens it itself.
      await app.close();
    }
  } finally {
    await store.close();
  }
}

/** Where a process on this machine reaches the server: a wildcard address is reached on loopback. */
function localUrl(address: string, family: string, port: number): string {
  if (family === 'IPv6') return `http://[${address === '::' ? '::1' : address}]:${port}`;
  return `http://${address === '0.0.0.0' ? '127.0.0.1' : address}:${port}`;
}
