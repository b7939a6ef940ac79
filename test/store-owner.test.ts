/**
 * One owner per embedded store (src/store/lock.ts): a second Store.open on
 * a folder in use is refused naming its owner; a lock whose process is gone
 * (or whose process id was reused) is taken over, and of several processes
 * racing to take it over exactly one wins; a lock from another host is
 * refused; the lock goes with the process; the command line says who holds
 * the store and what to do, exit 2, without a stack.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LOCK_FILE, SERVER_FILE, StoreLock, StoreLockedError, type LockOwner } from '../src/store/lock.js';
import { Store } from '../src/store/store.js';
import { translator } from '../src/i18n/index.js';
import { runCli } from './support/cli.js';
import { emptyStoreFolder } from './support/pglite-template.js';

const folder = () => emptyStoreFolder('attain-owner-');

/** The id of a process that has exited (and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid!;
}

/** A lock file as another process would have left it. */
function writeLock(dir: string, owner: Partial<LockOwner>): LockOwner {
  const lock: LockOwner = {
    id: 'aaaaaaaaaaaaaaaaaaaaaaaa',
    pid: deadPid(),
    startTime: 1,
    startTimeFrom: 'proc',
    host: hostname(),
    command: 'attain import weekly/',
    since: '2017-07-07T12:00:00.000Z',
    ...owner,
  };
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify(lock));
  return lock;
}

const lockOf = (dir: string) => JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as LockOwner;

/** Runs a module script in a child Node process against the compiled code (dist/, as `npm test` builds it). */
function node(script: string): { exited: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { exited: new Promise((done) => child.on('exit', (code) => done({ code, stdout, stderr }))) };
}

const DIST_LOCK = pathToFileURL(resolve('dist/store/lock.js')).href;

describe('the lock of an embedded store', () => {
  it('refuses a second Store.open of the folder, naming the owner, until the first closes', async () => {
    const dir = folder();
    const first = await Store.open({ dataDir: dir });
    let refused: unknown;
    try {
      await Store.open({ dataDir: dir });
    } catch (error) {
      refused = error;
    } finally {
      await first.close();
    }
    expect(refused).toBeInstanceOf(StoreLockedError);
    const error = refused as StoreLockedError;
    expect(error.owner).toMatchObject({ pid: process.pid, host: hostname() });
    expect(error.folder).toBe(resolve(dir));
    expect(error.message).toContain(
      `The store in ${resolve(dir)} is in use: ${error.owner.command} (process ${process.pid} on ${hostname()})`,
    );
    expect(error.message).toContain('One process at a time opens an embedded store.');
    expect(error.message).toContain('--database-url');
    // Closed: the lock is gone, and the folder is free again.
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    (await StoreLock.acquire(dir)).release();
  });

  it('takes no lock for a store in memory', async () => {
    const store = await Store.open({ dataDir: 'memory://' });
    expect(store.ownership).toBeUndefined();
    await store.close();
  });

  it('takes over a lock whose process is gone, and removes the server file it left', async () => {
    const dir = folder();
    const stale = writeLock(dir, {});
    writeFileSync(join(dir, SERVER_FILE), JSON.stringify({ lockId: stale.id, url: 'http://127.0.0.1:1', credential: 'old' }));
    const store = await Store.open({ dataDir: dir });
    try {
      expect(lockOf(dir)).toMatchObject({ pid: process.pid, host: hostname() });
      expect(lockOf(dir).id).not.toBe(stale.id);
      expect(existsSync(join(dir, SERVER_FILE))).toBe(false);
      expect(store.ownership?.owner.id).toBe(lockOf(dir).id);
    } finally {
      await store.close();
    }
  });

  it('takes over a lock of a live process id started at another time (the id was reused), and one left unreadable', async () => {
    const dir = folder();
    writeLock(dir, { pid: process.pid, startTime: 1 });
    const lock = await StoreLock.acquire(dir);
    expect(lockOf(dir).id).toBe(lock.owner.id);
    lock.release();
    // A lock file left empty by a crash, long ago: no owner can be named, and nobody is writing it.
    writeFileSync(join(dir, LOCK_FILE), '');
    utimesSync(join(dir, LOCK_FILE), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const again = await StoreLock.acquire(dir);
    expect(lockOf(dir).id).toBe(again.owner.id);
    again.release();
  });

  it('refuses a lock taken on another host, saying which file to delete once its process is known to be gone', async () => {
    const dir = folder();
    writeLock(dir, { host: 'elsewhere.example', pid: process.pid });
    const refused = await StoreLock.acquire(dir).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StoreLockedError);
    expect((refused as Error).message).toContain(`That process runs on another host (elsewhere.example)`);
    expect((refused as Error).message).toContain(`delete ${join(resolve(dir), LOCK_FILE)}`);
    expect(lockOf(dir).host).toBe('elsewhere.example');
  });

  it('lets exactly one of several processes racing to take over a stale lock win', async () => {
    const dir = folder();
    writeLock(dir, {});
    const at = Date.now() + 2_000;
    // Each waits for the same instant, then takes the lock; a winner holds it while the others look.
    const racers = Array.from({ length: 5 }, () =>
      node(`
        import { StoreLock } from ${JSON.stringify(DIST_LOCK)};
        await new Promise((r) => setTimeout(r, ${at} - Date.now()));
        try {
          const lock = await StoreLock.acquire(${JSON.stringify(dir)}, 'racer');
          console.log('won ' + lock.owner.id);
          setTimeout(() => lock.release(), 4000);
        } catch (error) {
          console.log(error.name);
        }
      `),
    );
    const results = await Promise.all(racers.map((r) => r.exited));
    const outcomes = results.map((r) => r.stdout.trim());
    expect(
      outcomes.filter((o) => o.startsWith('won')),
      JSON.stringify(results),
    ).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'StoreLockedError')).toHaveLength(4);
    // The winner's own lock was the one in the file, and it released it on leaving.
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    expect(existsSync(join(dir, `${LOCK_FILE}.takeover-aaaaaaaaaaaaaaaaaaaaaaaa-0`))).toBe(false);
  });

  it('goes with the process that held it, even when it exits without releasing it', async () => {
    const dir = folder();
    const child = await node(`
      import { StoreLock } from ${JSON.stringify(DIST_LOCK)};
      await StoreLock.acquire(${JSON.stringify(dir)});
      console.log('open');
      process.exit(0);
    `).exited;
    expect(child.stdout.trim(), child.stderr).toBe('open');
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});

describe('the command line on a store another process holds', () => {
  it('names the owner and says what to do, exit 2, no stack; in the command line’s language', async () => {
    const dir = folder();
    // Held as Store.open holds it (the store itself need not be open for the command line to be refused).
    const owner = await StoreLock.acquire(dir);
    try {
      for (const args of [
        ['evaluate', '--as-of', '2017-07-07'],
        ['users', 'list'],
        ['import', 'examples/cloud-business-applications.json'],
        ['export'],
      ]) {
        const run = await runCli([...args, '--data', dir]);
        expect(run.code, args.join(' ')).toBe(2);
        expect(run.stdout).toBe('');
        const lines = run.stderr.trimEnd().split('\n');
        expect(lines).toHaveLength(2);
        expect(lines[0]).toMatch(
          new RegExp(
            `^attain: The store in ${resolve(dir)} is in use: .+ \\(process ${process.pid} on .+\\) has had it open since .+ UTC\\.$`,
          ),
        );
        expect(lines[1]).toMatch(
          /^One process at a time opens an embedded store\. Wait for it to end, or stop it, then run the command again\./,
        );
        expect(run.stderr).not.toMatch(/\n\s+at /);
      }
      const french = await runCli(['users', 'list', '--data', dir, '--locale', 'fr-FR']);
      expect(french.stderr).toContain(`attain: Le magasin de données ${resolve(dir)} est occupé`);
      const chinese = await runCli(['users', 'list', '--data', dir, '--locale', 'zh-TW']);
      expect(chinese.stderr).toContain('正在使用中');
      // The message of the store itself (a library's caller, a log) is in English, worded the same way.
      const error = await Store.open({ dataDir: dir }).catch((e: unknown) => e as StoreLockedError);
      expect((error as StoreLockedError).words(translator('en'))).toBe((error as StoreLockedError).message);
    } finally {
      owner.release();
    }
  });

  it('waits for a server that is stopping (refusing connections), then opens the store itself', async () => {
    const dir = folder();
    const owner = await StoreLock.acquire(dir);
    // Nothing listens on port 1: as a server that has stopped listening and is closing its store.
    owner.publishServer({ url: 'http://127.0.0.1:1', credential: 'attain_local_gone' });
    expect(JSON.parse(readFileSync(join(dir, SERVER_FILE), 'utf8'))).toMatchObject({ pid: process.pid, url: 'http://127.0.0.1:1' });
    const closing = new Promise((r) => setTimeout(r, 1500)).then(() => owner.release());
    const run = await runCli(['users', 'list', '--data', dir]);
    await closing;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('No accounts yet: attain users add creates one.\n');
    expect(existsSync(join(dir, SERVER_FILE))).toBe(false);
  });
});
