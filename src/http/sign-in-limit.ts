/**
 * How often anyone may guess a password. Only failures count — a right
 * password is never held against anyone — in two ways:
 *
 * - per client address: `max × 5` failed sign-ins in a window, then 429
 *   until the window ends; checked before the body is even parsed, so a
 *   flood of bodies costs nothing past that;
 * - per user name, from any address (account lockout with back-off): after
 *   `max` failures in a row the name is locked for one window, and every
 *   further failure once the lock ends doubles it (up to `maxLockMs`); a
 *   right password ends the run. While locked, every attempt on the name is
 *   429 with Retry-After — the right password included, or the lock would
 *   tell a guesser when they hit it.
 *
 * The address is Fastify's `request.ip`: the peer, or the client a trusted
 * proxy names (server.ts, trustProxy) — a header an untrusted peer sends is
 * never believed. Both tables are bounded (the oldest entries go first), so
 * random names or addresses cannot grow them without end. Kept in memory,
 * per server process.
 */

export interface SignInLimitOptions {
  /** Failures in a row before a user name is locked; five times as many per address in a window. */
  readonly max: number;
  readonly windowMs: number;
  /** The longest lock (default 1 hour). */
  readonly maxLockMs?: number | undefined;
  /** Entries kept per table (default 10,000). */
  readonly capacity?: number | undefined;
  readonly now?: (() => number) | undefined;
}

interface AddressEntry {
  failures: number;
  windowEnds: number;
}

interface NameEntry {
  /** Failures in a row. */
  failures: number;
  /** Until when the name is locked (0: not locked). */
  lockedUntil: number;
  /** The last failure: a run forgotten after a day of quiet. */
  last: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export class SignInLimiter {
  private readonly addresses = new Map<string, AddressEntry>();
  private readonly names = new Map<string, NameEntry>();
  private readonly maxLockMs: number;
  private readonly capacity: number;
  private readonly now: () => number;

  constructor(private readonly options: SignInLimitOptions) {
    this.maxLockMs = options.maxLockMs ?? 60 * 60 * 1000;
    this.capacity = options.capacity ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Seconds the address must wait before trying again; 0 when it may try now. */
  addressWait(address: string): number {
    const entry = this.addresses.get(address);
    const now = this.now();
    if (!entry || entry.windowEnds <= now) return 0;
    return entry.failures >= this.options.max * 5 ? seconds(entry.windowEnds - now) : 0;
  }

  /** Seconds a user name is still locked for; 0 when it is not. */
  nameWait(username: string): number {
    const entry = this.names.get(username);
    const now = this.now();
    return entry && entry.lockedUntil > now ? seconds(entry.lockedUntil - now) : 0;
  }

  /** A wrong password (or an unknown name) from the address. */
  failed(address: string, username: string): void {
    const now = this.now();
    let byAddress = this.addresses.get(address);
    if (!byAddress || byAddress.windowEnds <= now) byAddress = { failures: 0, windowEnds: now + this.options.windowMs };
    byAddress.failures++;
    this.keep(this.addresses, address, byAddress);

    let byName = this.names.get(username);
    if (!byName || now - byName.last > DAY_MS) byName = { failures: 0, lockedUntil: 0, last: now };
    byName.failures++;
    byName.last = now;
    const beyond = byName.failures - this.options.max;
    if (beyond >= 0) byName.lockedUntil = now + Math.min(this.maxLockMs, this.options.windowMs * 2 ** Math.min(beyond, 30));
    this.keep(this.names, username, byName);
  }

  /** The right password: the name's run of failures ends (the address's count stays: it may be guessing other names). */
  succeeded(username: string): void {
    this.names.delete(username);
  }

  /** Sets an entry as the newest, dropping the oldest past capacity. */
  private keep<T>(table: Map<string, T>, key: string, value: T): void {
    table.delete(key);
    table.set(key, value);
    while (table.size > this.capacity) table.delete(table.keys().next().value!);
  }
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
