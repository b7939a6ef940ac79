/**
 * Random valid datasets for property tests: a few partners and customers,
 * DPOR associations with hand-overs and gaps, lines in dollars and euros,
 * people with whole or partial exam paths (and exams outside the catalog).
 */
import fc from 'fast-check';
import type { DatasetFile } from '../../src/engine/index.js';
import { programHistory } from './builders.js';

/** A pass is never dated before its exam was offered (the definition's `availableFrom`): that would be bad input. */
function notBeforeAvailable(exam: string, date: string): string {
  const month = programHistory.examAvailableFrom.get(exam);
  return month !== undefined && date < `${month}-01` ? `${month}-01` : date;
}

export const PLAN_1_FAMILY = [
  'D365-ENTERPRISE-PLAN-1',
  'D365-SALES',
  'D365-CUSTOMER-SERVICE',
  'D365-FIELD-SERVICE',
  'D365-PROJECT-SERVICE-AUTOMATION',
];
export const ALL_PRODUCTS = [...PLAN_1_FAMILY, 'D365-ENTERPRISE-PLAN-2', 'D365-OPERATIONS', 'AX-2012-ON-PREMISE'];
export const EXAMS = [
  'MB2-715',
  'MB2-716',
  'MB2-717',
  'MB2-718',
  'MB2-877',
  'MB6-893',
  'MB6-892',
  'MB6-890',
  '70-764',
  'MB6-705',
  'MB6-894',
  '70-534',
  'MB6-895',
  'MB2-712',
];

/** What varies between the versions' random datasets: the span of dates, the exam paths, the products. */
interface Population {
  readonly firstDay: number;
  readonly lastDay: number;
  readonly paths: readonly (readonly string[])[];
  readonly products: readonly string[];
  /** Enough people that counts cross 5 and 15 now and then. */
  readonly maxPeople: number;
}

// A narrow span of dates, so that windows hold most lines and thresholds are crossed now and then.
export const SEED_POPULATION: Population = {
  firstDay: 16_900, // 2016-04-09
  lastDay: 17_450, // 2017-10-11
  paths: [
    ['MB2-715', 'MB2-716', 'MB2-717'],
    ['MB2-715', 'MB2-716', 'MB2-718'],
    ['MB2-715', 'MB2-716'],
    ['MB6-893', 'MB6-892', 'MB6-890', '70-764'],
    ['MB6-893', 'MB6-892', 'MB6-890'],
  ],
  products: ALL_PRODUCTS,
  maxPeople: 90,
};

// The revision's dates reach past 2018-12-31, when passes of the AX 2012 exams stop counting.
export const REVISION_POPULATION: Population = {
  firstDay: 17_450, // 2017-10-11
  lastDay: 17_900, // 2019-01-04
  paths: [
    ['MB2-715', 'MB2-716'],
    ['MB2-877'],
    ['MB2-715', 'MB2-716', 'MB2-718'],
    ['MB6-894', '70-534'],
    ['MB6-895'],
    ['MB6-894', '70-534', 'MB6-896'],
    ['MB6-705', 'MB6-893', 'MB6-892', 'MB6-890', '70-764'],
    ['MB6-893', 'MB6-892', 'MB6-890', '70-764'],
  ],
  products: [...ALL_PRODUCTS, 'D365-OPERATIONS-ON-PREMISES'],
  // Two counts per requirement on the revision: more people are needed to cross both.
  maxPeople: 240,
};

export function datasetArbitraryFor(population: Population) {
  const date = fc
    .integer({ min: population.firstDay, max: population.lastDay })
    .map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10));

  return fc
    .record({
      partners: fc.uniqueArray(fc.constantFrom('P1', 'P2', 'P3', 'P4'), { minLength: 1 }),
      countries: fc.array(fc.constantFrom('US', 'IN', 'DE', 'KE'), { minLength: 4, maxLength: 4 }),
      customers: fc.integer({ min: 1, max: 5 }),
      // Per customer: sorted cut days and the partner slot of each interval (or none).
      associationCuts: fc.array(
        fc.tuple(fc.uniqueArray(date, { maxLength: 4 }), fc.array(fc.integer({ min: -1, max: 3 }), { minLength: 5, maxLength: 5 })),
        {
          minLength: 5,
          maxLength: 5,
        },
      ),
      lines: fc.array(
        fc.record({
          customer: fc.integer({ min: 0, max: 4 }),
          product: fc.constantFrom(...population.products),
          date,
          // Large enough amounts that thresholds are crossed now and then.
          cents: fc.integer({ min: -2_000_000, max: 40_000_000 }),
          currency: fc.constantFrom('USD', 'USD', 'EUR'),
          netNew: fc.boolean(),
        }),
        { maxLength: 40, size: 'max' },
      ),
      people: fc.array(
        fc.record({
          partner: fc.integer({ min: 0, max: 3 }),
          // Mostly whole or nearly whole exam paths, so that counts cross 5 and 15 often enough.
          passes: fc
            .oneof({ weight: 7, arbitrary: fc.constantFrom(...population.paths) }, { weight: 1, arbitrary: fc.subarray(EXAMS) })
            .chain((exams) => fc.tuple(...exams.map((e) => fc.tuple(fc.constant(e), date)))),
        }),
        { maxLength: population.maxPeople, size: 'max' },
      ),
      asOf: date,
    })
    .map(({ partners, countries, customers, associationCuts, lines, people, asOf }) => {
      const customerIds = Array.from({ length: customers }, (_, i) => `C${i}`);
      const associations: NonNullable<DatasetFile['associations']> = [];
      customerIds.forEach((customerId, c) => {
        const [cuts, slots] = associationCuts[c]!;
        const sorted = [...cuts].sort();
        // Intervals [cut_i, cut_{i+1} - 1 day], the last one open; a slot of -1 leaves a gap.
        sorted.forEach((start, i) => {
          const slot = slots[i]!;
          if (slot < 0 || slot >= partners.length) return;
          const next = sorted[i + 1];
          const end = next ? new Date(Date.parse(next) - 86_400_000).toISOString().slice(0, 10) : null;
          if (end !== null && end < start) return;
          associations.push({ customerId, partnerId: partners[slot]!, type: 'DPOR', start, end });
        });
      });
      const months = [...new Set(lines.map((l) => l.date.slice(0, 7)))];
      const raw: DatasetFile = {
        partners: partners.map((id, i) => ({ id, name: id, country: countries[i]! })),
        customers: customerIds.map((id) => ({ id, name: id, country: 'US' })),
        associations,
        revenue: lines
          .filter((l) => l.customer < customers)
          .map((l, i) => ({
            id: `R${i}`,
            customerId: `C${l.customer}`,
            product: l.product,
            date: l.date,
            amount: (l.cents / 100).toFixed(2),
            currency: l.currency,
            netNew: l.netNew,
          })),
        people: people
          .filter((p) => p.partner < partners.length)
          .map((p, i) => ({ id: `E${i}`, partnerId: partners[p.partner]!, name: `E${i}` })),
        examPasses: people
          .filter((p) => p.partner < partners.length)
          .flatMap((p, i) => p.passes.map(([exam, when]) => ({ personId: `E${i}`, exam, date: notBeforeAvailable(exam, when) }))),
        fxRates: months.map((month, i) => ({ currency: 'EUR', month, usdPerUnit: `1.${String(37 * i + 1013).padStart(4, '0')}` })),
      };
      return { raw, asOf };
    });
}

export const datasetArbitrary = datasetArbitraryFor(SEED_POPULATION);
