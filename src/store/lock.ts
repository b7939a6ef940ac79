/**
 * One owner per embedded store. Two processes opening the same PGlite folder
 * each run their own PostgreSQL over the same files: what one writes the
 * other never sees, and overwrites when it closes (an account "added" by the
 * command line while the server ran was gone once the server stopped). So
 * opening a folder takes `attain.lock` in it, and a second process is told
 * who holds it (StoreLockedError) instead of opening it too.
 *
 * The lock file names its owner: process id, the process's start time (field
 * 22 of /proc/<pid>/stat, in clock ticks since boot, where Linux gives it;
 * else the time the lock was taken), the boot it was taken in, the host, the
 * command and since when, and a random id telling one taking from the next.
 * It is created with O_EXCL (`wx`): of two processes creating it, one does.
 *
 * A lock whose owner is gone — no such process, or a process of that id
 * started at another time or in another boot (the id was reused) — is stale
 * and taken over. The takeover must not let two takers both win: a taker
 * first claims the stale lock by creating `attain.lock.takeover-<its id>-<n>`
 * with O_EXCL (one claim per stale lock: whoever creates it alone may replace
 * it; a claim whose taker died is passed over by claiming generation n + 1),
 * checks that the lock still holds the stale content, writes its own lock to
 * a temporary file and renames it over the lock (atomic), then reads the lock
 * back to confirm it won. A lock taken on another host cannot be judged from
 * here: it is refused, saying which file to delete once that process is known
 * to be gone.
 *
 * The lock is released when the store closes, or when the process exits
 * (Node's `exit` event, which a kill does not give: the lock is then stale,
 * and the next process takes it over).
 *
 * A server owning a store also publishes `attain-server.json` beside the
 * lock (mode 0600): its local URL and a credential, so that the command line
 * sends its writes to it instead of opening the store (src/cli/through-server.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { translator, type Translator } from '../i18n/index.js';

export const LOCK_FILE = 'attain.lock';
export const SERVER_FILE = 'attain-server.json';

/** Who holds a store, as its lock file says. */
export interface LockOwner {
  /** Random: tells one taking of the lock from another (and the server file of this taking from an older one). */
  readonly id: string;
  readonly pid: number;
  /** `proc`: clock ticks after boot, field 22 of /proc/<pid>/stat; `clock`: milliseconds since the epoch when the lock was taken. */
  readonly startTime: number;
  readonly startTimeFrom: 'proc' | 'clock';
  /** Linux's boot id (/proc/sys/kernel/random/boot_id), when there is one. */
  readonly bootId?: string | undefined;
  readonly host: string;
  readonly command: string;
  /** When the lock was taken: an ISO 8601 instant. */
  readonly since: string;
}

/** Where a server owning the store answers, and the credential of its local administrator (src/http/auth.ts). */
export interface PublishedServer {
  readonly url: string;
  readonly credential: string;
}

/** Whether a lock's owner still runs: `elsewhere` when it was taken on another host, which cannot be told from here. */
type Liveness = 'alive' | 'gone' | 'elsewhere';

/** The process's own state and start time from /proc (Linux), or undefined. */
function procStat(pid: number | 'self'): { state: string; startTime: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold anything: the fields that follow start after the last one.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const startTime = Number(fields[19]);
    return Number.isSafeInteger(startTime) ? { state: fields[0] ?? '', startTime } : undefined;
  } catch {
    return undefined;
  }
}

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** `attain serve --port 3000`: the command as typed, as far as the process can tell. */
function commandLine(): string {
  const script = process.argv[1] === undefined ? 'node' : basename(process.argv[1]).replace(/\.(c|m)?js$/, '');
  return [script, ...process.argv.slice(2)].join(' ').slice(0, 300);
}

function identity(command: string): LockOwner {
  const stat = procStat('self');
  return {
    id: randomBytes(12).toString('hex'),
    pid: process.pid,
    startTime: stat?.startTime ?? Date.now(),
    startTimeFrom: stat ? 'proc' : 'clock',
    bootId: bootId(),
    host: hostname(),
    command,
    since: new Date().toISOString(),
  };
}

function liveness(owner: LockOwner): Liveness {
  if (owner.host !== hostname()) return 'elsewhere';
  const boot = bootId();
  if (owner.bootId !== undefined && boot !== undefined && owner.bootId !== boot) return 'gone';
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: the process exists, and belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return 'gone';
  }
  const stat = procStat(owner.pid);
  if (stat?.state === 'Z') return 'gone'; // exited, not yet reaped by its parent
  if (owner.startTimeFrom === 'proc' && stat !== undefined && stat.startTime !== owner.startTime) return 'gone';
  return 'alive';
}

function ownerOf(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    const ok =
      typeof value.id === 'string' &&
      /^[0-9a-f]{1,64}$/.test(value.id) &&
      Number.isSafeInteger(value.pid) &&
      (value.pid as number) > 0 &&
      typeof value.startTime === 'number' &&
      (value.startTimeFrom === 'proc' || value.startTimeFrom === 'clock') &&
      typeof value.host === 'string' &&
      typeof value.command === 'string' &&
      typeof value.since === 'string';
    return ok ? (value as LockOwner) : undefined;
  } catch {
    return undefined;
  }
}

/** A file's text; undefined when it does not exist (any more). */
function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Creates `path` with `text` unless it exists (O_EXCL); whether it did. */
function createExclusive(path: string, text: string, mode = 0o644): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Writes `path` whole or not at all: a temporary file renamed over it. */
function replaceAtomically(path: string, text: string, mode: number): void {
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  if (!createExclusive(temporary, text, mode)) throw new Error(`${temporary} exists`);
  try {
    renameSync(temporary, path);
  } catch (error) {
    removeQuietly(temporary);
    throw error;
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Gone already.
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The server a live owner published, when the file is its own (the same taking of the lock). */
function publishedBy(folder: string, owner: LockOwner): PublishedServer | undefined {
  try {
    const value = JSON.parse(readFileSync(join(folder, SERVER_FILE), 'utf8')) as Record<string, unknown>;
    if (value.lockId !== owner.id || typeof value.url !== 'string' || typeof value.credential !== 'string') return undefined;
    return { url: value.url, credential: value.credential };
  } catch {
    // None, unreadable (another user's server: mode 0600), or half-written.
    return undefined;
  }
}

/**
 * The store is open in another process (or another Store of this one).
 * `server`: where that process serves the API, when it is Attain's server
 * and published it; its credential never appears in the message.
 */
export class StoreLockedError extends Error {
  readonly #server: PublishedServer | undefined;

  constructor(
    /** The store's folder, resolved. */
    readonly folder: string,
    readonly owner: LockOwner,
    /** The owner was on another host: whether it still runs cannot be told. */
    readonly elsewhere: boolean,
    server: PublishedServer | undefined,
  ) {
    super();
    this.name = 'StoreLockedError';
    this.#server = server;
    this.message = this.words(translator('en'));
  }

  get server(): PublishedServer | undefined {
    return this.#server;
  }

  get lockFile(): string {
    return join(this.folder, LOCK_FILE);
  }

  /** What to tell a person, in their language: who holds the store, then what to do; one sentence a line. */
  words(tr: Translator): string {
    const since = new Intl.DateTimeFormat(tr.locale, { dateStyle: 'medium', timeStyle: 'long', timeZone: 'UTC' }).format(
      new Date(this.owner.since),
    );
    const url = this.#server?.url;
    const head = tr.t('cli.store.locked', {
      folder: this.folder,
      command: this.owner.command,
      pid: this.owner.pid,
      host: this.owner.host,
      since: Number.isNaN(Date.parse(this.owner.since)) ? this.owner.since : since,
    });
    const advice = this.elsewhere
      ? tr.t('cli.store.locked.elsewhere', { host: this.owner.host, file: this.lockFile })
      : url !== undefined
        ? tr.t('cli.store.locked.server', { url })
        : tr.t('cli.store.locked.process');
    return `${head}\n${advice}`;
  }
}

/** The locks this process holds, released when it exits (one listener for them all). */
const held = new Set<StoreLock>();
let releasedOnExit = false;

/** The lock this process holds on a store's folder (Store.open takes it; Store.close releases it). */
export class StoreLock {
  private released = false;

  private constructor(
    readonly folder: string,
    readonly owner: LockOwner,
  ) {
    held.add(this);
    if (!releasedOnExit) {
      releasedOnExit = true;
      process.on('exit', () => {
        for (const lock of [...held]) lock.release();
      });
    }
  }

  get path(): string {
    return join(this.folder, LOCK_FILE);
  }

  /**
   * Takes the folder's lock (creating the folder), or throws StoreLockedError
   * naming the live owner. `command`: how the owner is shown to others.
   */
  static async acquire(folder: string, command: string = commandLine()): Promise<StoreLock> {
    const dir = resolve(folder);
    mkdirSync(dir, { recursive: true });
    const path = join(dir, LOCK_FILE);
    const me = identity(command);
    const text = `${JSON.stringify(me, null, 2)}\n`;
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (createExclusive(path, text)) return new StoreLock(dir, me);
      const found = readText(path);
      if (found === undefined) continue; // released meanwhile: try again
      const owner = ownerOf(found);
      if (owner === undefined) {
        // Created, not yet written (or left so by a crash): wait a little for its writer before judging it stale.
        if (Date.now() - mtimeOf(path) < 2_000) {
          await sleep(20);
          continue;
        }
      } else {
        const state = liveness(owner);
        if (state !== 'gone') throw new StoreLockedError(dir, owner, state === 'elsewhere', publishedBy(dir, owner));
      }
      const outcome = takeOver(path, found, owner, me, text);
      if (outcome === 'won') {
        // What the stale owner left: its server's address and credential, its takers' claims.
        const server = readText(join(dir, SERVER_FILE));
        if (server !== undefined && !server.includes(`"${me.id}"`)) removeQuietly(join(dir, SERVER_FILE));
        return new StoreLock(dir, me);
      }
      if (Date.now() > deadline) throw new Error(`cannot take the lock ${path}: other processes keep taking it over`);
      await sleep(20 + Math.random() * 30);
    }
  }

  /** Publishes where this process serves the API, and its local administrator's credential: readable by this user only. */
  publishServer(server: PublishedServer): void {
    const text = `${JSON.stringify({ lockId: this.owner.id, pid: this.owner.pid, url: server.url, credential: server.credential }, null, 2)}\n`;
    replaceAtomically(join(this.folder, SERVER_FILE), text, 0o600);
  }

  /** Withdraws what publishServer published (the server is stopping). */
  withdrawServer(): void {
    const path = join(this.folder, SERVER_FILE);
    const text = readTextQuietly(path);
    if (text !== undefined && text.includes(`"${this.owner.id}"`)) removeQuietly(path);
  }

  /** Releases the lock (and withdraws the server's file), if it is still this process's. Idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    held.delete(this);
    this.withdrawServer();
    const text = readTextQuietly(this.path);
    if (text !== undefined && ownerOf(text)?.id === this.owner.id) removeQuietly(this.path);
  }
}

function readTextQuietly(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Replaces the stale lock whose text is `stale` with `text`, unless another
 * process does first: 'won', or 'retry' (look at the lock again).
 */
function takeOver(path: string, stale: string, staleOwner: LockOwner | undefined, me: LockOwner, text: string): 'won' | 'retry' {
  // The claim is named after the stale lock: every taker of this one stale lock competes for the same file.
  const key = staleOwner?.id ?? createHash('sha256').update(stale).digest('hex').slice(0, 24);
  const prefix = `${basename(path)}.takeover-${key}-`;
  const folder = resolve(path, '..');
  for (let generation = 0; generation < 100; generation++) {
    const claim = join(folder, `${prefix}${generation}`);
    if (!createExclusive(claim, `${JSON.stringify(me)}\n`)) {
      const taker = ownerOf(readTextQuietly(claim) ?? '');
      // Another process is taking it over right now (or its claim is being written): look again shortly.
      if (taker === undefined || liveness(taker) !== 'gone') return 'retry';
      continue; // its taker died midway: the next generation
    }
    try {
      if (readText(path) !== stale) return 'retry'; // taken over (or released) meanwhile
      replaceAtomically(path, text, 0o644);
      if (readText(path) !== text) return 'retry';
      // Every claim on this stale lock is spent: remove them all (dead takers' included).
      for (const name of readdirSync(folder)) if (name.startsWith(prefix)) removeQuietly(join(folder, name));
      return 'won';
    } finally {
      removeQuietly(claim);
    }
  }
  return 'retry';
}
