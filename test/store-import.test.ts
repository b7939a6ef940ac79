/**
 * What an import checks against what the store already holds: DPOR
 * hand-overs, overlaps with stored associations, rates that change stored
 * lines, files that refer to each other, `--skip-invalid` cascades. On both
 * engines.
 */
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../src/engine/index.js';
import { formatProblem } from '../src/i18n/index.js';
import { Store, type Batch } from '../src/store/store.js';
import { programHistory } from './support/builders.js';
import { storeEngines } from './support/stores.js';

const { engines: ENGINES } = storeEngines('import');

const BASE = {
  partners: [
    { id: 'P1', name: 'One', country: 'US' },
    { id: 'P2', name: 'Two', country: 'IN' },
  ],
  customers: [{ id: 'C1', name: 'Customer', country: 'US' }],
  associations: [{ customerId: 'C1', partnerId: 'P1', type: 'DPOR', start: '2017-01-01', end: null }],
  revenue: [
    { id: 'R1', customerId: 'C1', product: 'D365-SALES', date: '2017-01-15', amount: '90000000000000', currency: 'EUR', netNew: true },
  ],
  fxRates: [{ currency: 'EUR', month: '2017-01', usdPerUnit: '1' }],
};

/** The problems of an import that must fail, as the command line prints them (English). */
async function problemsOf(store: Store, batches: Batch[], skipInvalid = false): Promise<string[]> {
  const error = await store.import(batches, programHistory, { skipInvalid }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidInputError);
  return (error as InvalidInputError).problems.map((p) => formatProblem(p));
}

for (const engine of ENGINES) {
  describe(`an import on ${engine.name}`, () => {
    async function withStore(fn: (store: Store) => Promise<void>): Promise<void> {
      const store = await Store.open(engine.options());
      try {
        await store.import([{ incoming: BASE, source: 'base.json' }], programHistory);
        await fn(store);
      } finally {
        await store.close();
      }
    }

    it('takes a DPOR hand-over: the stored association closed and the new one opened in one import', async () => {
      await withStore(async (store) => {
        const handOver = { associations: [{ customerId: 'C1', partnerId: 'P2', type: 'DPOR', start: '2017-06-01', end: null }] };
        expect(await problemsOf(store, [{ incoming: handOver, source: 'new.json' }])).toEqual([
          'new.json: associations[0]: DPOR association of customer "C1" with partner "P2" (2017-06-01 to open) overlaps store: associations (DPOR, customer C1, partner P1, from 2017-01-01) (partner "P1", 2017-01-01 to open)',
        ]);
        const closed = { associations: [{ ...BASE.associations[0]!, end: '2017-05-31' }] };
        const [first, second] = await store.import(
          [
            { incoming: handOver, source: 'new.json' },
            { incoming: closed, source: 'closed.json' },
          ],
          programHistory,
        );
        expect([first, second]).toMatchObject([
          { added: 1, updated: 0 },
          { added: 0, updated: 1 },
        ]);
        expect((await store.read()).associations).toEqual([
          { customerId: 'C1', partnerId: 'P1', type: 'DPOR', start: '2017-01-01', end: '2017-05-31' },
          { customerId: 'C1', partnerId: 'P2', type: 'DPOR', start: '2017-06-01', end: null },
        ]);
      });
    });

    it('names a stored record an import makes invalid, and cannot skip it', async () => {
      await withStore(async (store) => {
        const earlier = { associations: [{ customerId: 'C1', partnerId: 'P2', type: 'DPOR', start: '2016-06-01', end: '2017-03-01' }] };
        const expected = [
          'store: associations (DPOR, customer C1, partner P1, from 2017-01-01): DPOR association of customer "C1" with partner "P1" (2017-01-01 to open) overlaps in.json: associations[0] (partner "P2", 2016-06-01 to 2017-03-01)',
        ];
        expect(await problemsOf(store, [{ incoming: earlier, source: 'in.json' }])).toEqual(expected);
        expect(await problemsOf(store, [{ incoming: earlier, source: 'in.json' }], true)).toEqual(expected);
      });
    });

    it('re-checks stored lines when their rate changes', async () => {
      await withStore(async (store) => {
        const rate = { fxRates: [{ currency: 'EUR', month: '2017-01', usdPerUnit: '2' }] };
        expect(await problemsOf(store, [{ incoming: rate, source: 'rates.json' }])).toEqual([
          'store: revenue (id R1): amount "90000000000000" is too large to count exactly',
        ]);
      });
    });

    it('finds a rate in another file of the same import, whatever the order', async () => {
      await withStore(async (store) => {
        const line = { revenue: [{ ...BASE.revenue[0]!, id: 'R2', date: '2017-02-01', amount: '10' }] };
        expect(await problemsOf(store, [{ incoming: line, source: 'lines.json' }])).toEqual([
          'lines.json: revenue[0] (id R2): currency "EUR" has no fxRates entry for month 2017-02',
        ]);
        const rate = { fxRates: [{ currency: 'EUR', month: '2017-02', usdPerUnit: '1.1' }] };
        const reports = await store.import(
          [
            { incoming: line, source: 'lines.json' },
            { incoming: rate, source: 'rates.json' },
          ],
          programHistory,
        );
        expect(reports.map((r) => r.added)).toEqual([1, 1]);
      });
    });

    it('merges files in order: the last record with a key wins, and each file counts its own changes', async () => {
      await withStore(async (store) => {
        const a = { partners: [{ id: 'P9', name: 'First', country: 'FR' }] };
        const b = { partners: [{ id: 'P9', name: 'Second', country: 'FR' }] };
        const reports = await store.import(
          [
            { incoming: a, source: 'a.json' },
            { incoming: b, source: 'b.json' },
            { incoming: b, source: 'b-again.json' },
          ],
          programHistory,
        );
        expect(reports.map((r) => [r.added, r.updated, r.unchanged])).toEqual([
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ]);
        expect((await store.read()).partners.find((p) => p.id === 'P9')).toEqual({ id: 'P9', name: 'Second', country: 'FR' });
      });
    });

    it('with --skip-invalid leaves out a bad record and what depends on it, and imports the rest', async () => {
      await withStore(async (store) => {
        const incoming = {
          customers: [
            { id: 'C7', name: 'Bad country', country: 'ZZ' },
            { id: 'C8', name: 'Good', country: 'DE' },
          ],
          revenue: [
            { id: 'R7', customerId: 'C7', product: 'D365-SALES', date: '2017-03-01', amount: 5, currency: 'USD', netNew: true },
            { id: 'R8', customerId: 'C8', product: 'D365-SALES', date: '2017-03-01', amount: 5, currency: 'USD', netNew: true },
          ],
        };
        const [report] = await store.import([{ incoming, source: 'week.json' }], programHistory, { skipInvalid: true });
        expect(report).toMatchObject({ added: 2, rejected: 2 });
        expect(report!.rejectedRecords).toEqual([
          { collection: 'customers', index: 0, id: 'C7', reasons: ['country "ZZ" is not an ISO 3166-1 alpha-2 code of the market table'] },
          { collection: 'revenue', index: 0, id: 'R7', reasons: ['customerId "C7" does not name a customer of the dataset'] },
        ]);
        const stored = await store.read();
        expect(stored.customers.map((c) => c.id)).toEqual(['C1', 'C8']);
        expect(stored.revenue.map((r) => r.id)).toEqual(['R1', 'R8']);
        expect((await store.batches()).at(-1)).toMatchObject({
          source: 'week.json',
          added: 2,
          rejected: 2,
          errors: [
            'week.json: customers[0] (id C7): country "ZZ" is not an ISO 3166-1 alpha-2 code of the market table',
            'week.json: revenue[0] (id R7): customerId "C7" does not name a customer of the dataset',
          ],
        });
      });
    });
  });
}
