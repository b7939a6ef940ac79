/**
 * GET /api/v1/store-summary: the latest date the store's data reaches, what
 * the dashboard opens on instead of today ("data through …").
 *
 * Tenancy: the same date for every account. It is the date the data feed
 * reaches, not a record: it names no partner, customer or person, and says
 * of other partners only that the store holds data through that day. A
 * partner's own latest record would mislead: a partner with no sale lately
 * would open on its last sale — or before the first rules — and be shown
 * levels its lines have since aged out of.
 *
 * Kept per store stamp: one scan per import, not one per page opened.
 */
import { z } from 'zod';
import type { Api, Context } from '../context.js';
import { storeSummary } from '../../contract/index.js';
import { localeParam, problemResponses } from '../schemas.js';

export function summaryRoutes(app: Api, { store }: Context): void {
  let kept: { readonly stamp: string; readonly through: Promise<string | null> } | undefined;

  app.get(
    '/api/v1/store-summary',
    {
      schema: {
        tags: ['session'],
        summary: "The latest date the store's data reaches (of a revenue line, exam pass or association start)",
        querystring: z.strictObject({ locale: localeParam }),
        response: { 200: storeSummary, ...problemResponses },
      },
    },
    async () => {
      const stamp = await store.queries.stamp();
      if (kept?.stamp !== stamp) {
        const through = store.queries.dataThrough();
        kept = { stamp, through };
        // A failure is answered, not kept.
        through.catch(() => {
          if (kept?.through === through) kept = undefined;
        });
      }
      return { dataThrough: await kept.through };
    },
  );
}
