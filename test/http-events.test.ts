/**
 * Push (GET /api/v1/events): a dashboard connected to the server hears of
 * each import with its counts — through this server at once, by another
 * process on the server's timer — and a partner account hears only of
 * changes that can touch its partner.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importData } from '../src/app/imports.js';
import { definitionsOnDisk } from '../src/files/program-files.js';
import { call, startServer, type AccountName, type TestServer } from './support/http.js';

interface Listener {
  /** Change events received so far. */
  readonly events: Record<string, unknown>[];
  /** Resolves with the next change event (or the first not yet taken), rejects after `ms`. */
  next(ms?: number): Promise<Record<string, unknown>>;
  close(): void;
}

/** Connects to the stream as `account` and collects its `change` events. */
async function listen(server: TestServer, account: AccountName): Promise<Listener> {
  const controller = new AbortController();
  const response = await fetch(`${server.url}/api/v1/events`, {
    headers: { authorization: `Bearer ${server.tokens[account]}` },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: Record<string, unknown>[] = [];
  let taken = 0;
  let wake: (() => void) | undefined;
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body!) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^event: change\ndata: (.*)$/m.exec(message);
          if (data) {
            events.push(JSON.parse(data[1]!) as Record<string, unknown>);
            wake?.();
          }
        }
      }
    } catch {
      // Aborted by close().
    }
  })();
  return {
    events,
    async next(ms = 5_000) {
      const deadline = Date.now() + ms;
      while (taken >= events.length) {
        if (Date.now() > deadline) throw new Error(`no event within ${ms} ms`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50);
        });
      }
      return events[taken++]!;
    },
    close: () => controller.abort(),
  };
}

const passOf = (personId: string, date: string) => ({ examPasses: [{ personId, exam: 'MB2-717', date }] });

describe('GET /api/v1/events', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ server: { watchIntervalMs: 100 } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('is for signed-in users only: 401 problem otherwise', async () => {
    const response = await fetch(`${server.url}/api/v1/events`);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it("tells a program-admin of an import through the API at once, with the import's counts", async () => {
    const admin = await listen(server, 'admin');
    try {
      const answer = await call(server, 'POST', '/api/v1/imports?source=one-pass.json', {
        token: server.tokens.admin,
        body: passOf('CON-01', '2017-10-02'),
      });
      expect(answer.status).toBe(200);
      const event = await admin.next();
      expect(event).toMatchObject({
        reloaded: false,
        partners: 1,
        imports: [{ source: 'one-pass.json', added: 1, updated: 0, rejected: 0 }],
      });
      expect(event.stamp).toBe(await server.store.queries.stamp());
    } finally {
      admin.close();
    }
  });

  it("hears another process's import on its timer, and tells partner accounts only of their own partner's changes", async () => {
    const admin = await listen(server, 'admin');
    const contoso = await listen(server, 'co-viewer');
    const northwind = await listen(server, 'nw-viewer');
    try {
      // Written to the store directly, as `attain import` in another process writes a PostgreSQL server.
      await importData(server.store, definitionsOnDisk, {
        files: [{ incoming: passOf('CON-02', '2017-10-03'), source: 'elsewhere.json' }],
      });
      const event = await admin.next();
      expect(event).toMatchObject({ imports: [{ source: 'elsewhere.json', added: 1 }] });
      const own = await contoso.next();
      expect(own).not.toHaveProperty('imports');
      expect(own).not.toHaveProperty('partners');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(northwind.events).toEqual([]);
    } finally {
      admin.close();
      contoso.close();
      northwind.close();
    }
  });
});
