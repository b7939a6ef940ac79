/**
 * Push: `GET /api/v1/events`, a stream of server-sent events telling a
 * connected dashboard that the data changed, so it refreshes what it shows
 * instead of asking again and again.
 *
 * An event is sent each time the live state (app/evaluations.ts) catches up
 * with the store: after an import or a program load through this server at
 * once, and, while anyone listens, within `watchIntervalMs` of another
 * process's import on a PostgreSQL server (the state is compared with the
 * store's stamp on a timer). A program-admin hears every change with the
 * import batches it brought (their counts, as `GET /api/v1/imports` gives
 * them); a partner account hears only of changes that can touch its own
 * partner, without counts: the tenancy rule (tenancy.ts) holds for pushes
 * too. A comment every 25 s keeps proxies from closing an idle stream.
 */
import type { StateChange } from '../../app/evaluations.js';
import type { Api, Context } from '../context.js';
import { principalOf } from '../auth.js';
import { z } from 'zod';
import { dataChange } from '../../contract/index.js';
import { localeParam, problemResponses } from '../schemas.js';
import { maySee } from '../tenancy.js';

const KEEP_ALIVE_MS = 25_000;

export function eventRoutes(app: Api, { store, evaluations, settings }: Context): void {
  let listeners = 0;
  let timer: NodeJS.Timeout | undefined;
  const watch = () => {
    // Another process's import is heard only by looking: on a timer, while anyone listens.
    timer ??= setInterval(
      () => void evaluations.refresh().catch((error: unknown) => app.log.warn({ err: error }, 'catching up failed')),
      settings.watchIntervalMs,
    );
    timer.unref();
  };
  const unwatch = () => {
    if (listeners === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
  });

  app.get(
    '/api/v1/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Server-sent events: the data changed (an import, a program load), with what each import did',
        description:
          'A text/event-stream. Each `change` event carries the store stamp, the last import batch, whether every partner was read again, and — for a program-admin — the import batches it brought. Partner accounts hear only of changes that can touch their partner.',
        querystring: z.strictObject({ locale: localeParam }),
        response: {
          200: {
            description: 'a stream of `change` events, each a JSON object',
            content: {
              'text/event-stream': {
                schema: z
                  .string()
                  .describe(
                    'event: change / data: {"stamp", "batch", "reloaded", "reason"?, "partners"?, "imports"?: [{"batch", "source", "added", "updated", "unchanged", "rejected"}]}',
                  ),
              },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const programWide = principal.user.role === 'program-admin';
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        connection: 'keep-alive',
      });
      raw.write(': connected\n\n');
      const send = async (change: StateChange) => {
        const mine = programWide || change.reloaded || change.partnerIds.some((id) => maySee(principal, id));
        if (!mine) return;
        const imports = programWide
          ? (await store.batches()).filter((b) => b.batch > change.previousBatch && b.batch <= change.batch)
          : undefined;
        // Parsed, not cast: a hijacked answer skips the serializer, and the schema strips what it does not name (the errors).
        const data = dataChange.parse({
          stamp: change.stamp,
          batch: change.batch,
          reloaded: change.reloaded,
          ...(change.reason ? { reason: change.reason } : {}),
          ...(programWide ? { partners: change.partners, imports } : {}),
        });
        if (!raw.destroyed) raw.write(`event: change\ndata: ${JSON.stringify(data)}\n\n`);
      };
      const stop = evaluations.onChange((change) => void send(change).catch(() => raw.destroy()));
      const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
      listeners += 1;
      watch();
      raw.on('close', () => {
        stop();
        clearInterval(keepAlive);
        listeners -= 1;
        unwatch();
      });
    },
  );
}
