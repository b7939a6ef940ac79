/**
 * The command line through the server that owns the store. An embedded
 * store has one owner at a time (store/lock.ts); while `attain serve` or
 * `attain start` owns it, the commands that can go through the server —
 * `attain users …`, `attain import` (without `--program`), `attain program
 * load` and `list` — send their operation to the server's API instead of
 * opening the store, with the local administrator's credential the server
 * published beside the lock (http/auth.ts), and print exactly what they
 * print when they open the store themselves: each command turns the
 * server's answers back into the outcome its own code prints (a refusal,
 * the rows, the report), and the server's problems into the command line's
 * words (problems of the input worded in the command's language, through
 * Accept-Language). Every other command on the store gets the owner's name
 * (StoreLockedError) and what to do.
 */
import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { ProblemDetails } from '../contract/problems.js';
import type { Translator } from '../i18n/index.js';
import { Store, StoreLockedError, type PublishedServer } from '../store/store.js';
import { storeOptions, type StoreFlags } from './inputs.js';
import type { CliIo } from './io.js';

/** How often a command looks again when the server that owns the store stops answering (it is stopping), a quarter of a second apart. */
const ATTEMPTS = 20;

/** A status and the body, parsed when it is JSON. */
export interface ServerAnswer {
  readonly status: number;
  readonly body: any;
}

/**
 * The server did not answer as the command expects, said as the command line
 * says its own failures: a catalog key and its values; exit 1 when the
 * server failed (5xx), else 2.
 */
export class ServerError extends Error {
  constructor(
    readonly key: string,
    readonly values: Readonly<Record<string, string | number>>,
    readonly exitCode: 1 | 2,
    english: string,
    /** What the server found wrong with the request, `record: message` each, in the command's language. */
    readonly lines: readonly string[] = [],
  ) {
    super(english);
    this.name = 'ServerError';
  }
}

/** The server could not be reached; `refused`: nothing was sent (the connection was refused), so trying again is safe. */
class ServerUnreachable extends ServerError {
  constructor(
    values: Readonly<Record<string, string | number>>,
    readonly refused: boolean,
    english: string,
  ) {
    super('cli.server.unreachable', values, 2, english);
  }
}

/**
 * Input the server refused (422): the problems as the server worded them,
 * in the command's language, `record: message` each — what the command line
 * prints for an InvalidInputError of its own.
 */
export class RemoteInputError extends Error {
  constructor(
    readonly source: string,
    readonly lines: readonly string[],
    readonly total: number,
  ) {
    super(`${source}: ${total} problems`);
    this.name = 'RemoteInputError';
  }
}

/** The server owning the store: where it is, and the credential it published for this machine's command line. */
export class LocalServer {
  readonly #credential: string;
  readonly url: string;

  constructor(
    readonly owner: StoreLockedError,
    published: PublishedServer,
    private readonly tr: Translator,
  ) {
    this.url = published.url.replace(/\/+$/, '');
    this.#credential = published.credential;
  }

  /** One request to the API: JSON or a multipart form as the body. */
  async send(method: string, path: string, body?: { readonly json: unknown } | { readonly form: FormData }): Promise<ServerAnswer> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.#credential}`, 'accept-language': this.tr.locale };
    let payload: Readable | undefined;
    if (body !== undefined && 'json' in body) {
      headers['content-type'] = 'application/json';
      payload = Readable.from([Buffer.from(JSON.stringify(body.json))]);
    } else if (body !== undefined) {
      // The multipart encoding of the form, streamed: files are read as they are sent, never held whole.
      const encoded = new Response(body.form);
      headers['content-type'] = encoded.headers.get('content-type')!;
      payload = Readable.fromWeb(encoded.body! as WebReadableStream);
    }
    try {
      const { status, text } = await exchange(new URL(`${this.url}${path}`), method, headers, payload);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text) as unknown;
      } catch {
        parsed = undefined;
      }
      return { status, body: parsed };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const detail = code ?? (error as Error).message;
      const values = { url: this.url, folder: this.owner.folder, pid: this.owner.owner.pid, detail };
      throw new ServerUnreachable(values, code === 'ECONNREFUSED', `${this.url} does not answer (${detail})`);
    }
  }

  /**
   * An answer the command has no outcome for, as an error the command line
   * prints: the problems of a refused input (422), with `relabel` turning
   * the names the server knows the files by into the command's; any other
   * problem said with the server's title and detail.
   */
  refused(answer: ServerAnswer, relabel: (text: string) => string = (text) => text): Error {
    const problem = (typeof answer.body === 'object' && answer.body !== null ? answer.body : {}) as Partial<ProblemDetails>;
    const lines = Array.isArray(problem.errors) ? problem.errors.map((p) => `${relabel(p.record)}: ${p.message}`) : [];
    if (answer.status === 422 && lines.length > 0) {
      return new RemoteInputError(relabel(problem.source ?? 'input'), lines, problem.total ?? lines.length);
    }
    const values = {
      url: this.url,
      status: answer.status,
      title: problem.title ?? '',
      detail: problem.detail ?? '',
    };
    const english = `${this.url}: ${answer.status} ${values.detail}`;
    return new ServerError('cli.server.refused', values, answer.status >= 500 ? 1 : 2, english, lines);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One HTTP exchange, without any time limit: a large import is answered
 * once the server has imported it, which may take minutes (fetch would give
 * up waiting after five, while the server went on importing).
 */
function exchange(
  url: URL,
  method: string,
  headers: Record<string, string>,
  payload: Readable | undefined,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method, headers: payload ? headers : { ...headers, 'content-length': '0' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('error', reject);
    if (payload) {
      payload.on('error', (error) => request.destroy(error));
      payload.pipe(request);
    } else {
      request.end();
    }
  });
}

/**
 * `onStore` on the store, closing it whatever happens; or, when Attain's
 * server owns the embedded store and published how to reach it, `onServer`
 * on that server. Without `onServer` (the command cannot go through it), the
 * owner's StoreLockedError. A server that refuses connections is stopping:
 * the store is looked at again, for a few seconds.
 */
export async function onStoreOrServer<T>(
  flags: StoreFlags,
  io: CliIo,
  tr: Translator,
  onStore: (store: Store) => Promise<T>,
  onServer?: (server: LocalServer) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let store: Store;
    try {
      store = await Store.open(storeOptions(flags, io));
    } catch (error) {
      const published = error instanceof StoreLockedError ? error.server : undefined;
      if (published === undefined || onServer === undefined) throw error;
      try {
        return await onServer(new LocalServer(error as StoreLockedError, published, tr));
      } catch (failure) {
        if (failure instanceof ServerUnreachable && failure.refused && attempt < ATTEMPTS) {
          await sleep(250);
          continue;
        }
        throw failure;
      }
    }
    try {
      return await onStore(store);
    } finally {
      await store.close();
    }
  }
}
