/**
 * Dataset validation: one focused scenario per problem the validator reports,
 * each pinned to the exact line a program manager reads
 * (`revenue[1] (id R-2): ...`) and to the field the problem is attached to.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WELL_FORMED } from '../src/engine/dataset/validate.js';
import { collections } from '../src/engine/dataset/schema.js';
import { validateDataset, type Dataset } from '../src/engine/index.js';
import { formatProblem } from '../src/i18n/index.js';
import { PRODUCTS, customer, dataset, dpor, line, partner, passes, person, problemsOf, program } from './support/builders.js';

/** Every problem of `raw`, as the formatted line and as `record | field`. */
function report(raw: unknown): { lines: string[]; where: string[] } {
  const problems = problemsOf(raw);
  return { lines: problems.map(formatProblem), where: problems.map((p) => `${p.record} | ${p.field}`) };
}

function expectValid(raw: unknown): Dataset {
  const result = validateDataset(raw, program);
  if (!result.ok) throw new Error(`expected a valid dataset, got:\n${result.problems.map(formatProblem).join('\n')}`);
  return result.value;
}

/** A revenue line of customer C1 for D365-SALES in January 2017 unless said otherwise. */
function sale(id: string, fields: Partial<Parameters<typeof line>[0]> = {}) {
  return line({ id, customerId: 'C1', product: 'D365-SALES', date: '2017-01-15', amount: 100, ...fields });
}

const P1 = partner('P1');
const C1 = customer('C1');

describe('dataset: the top level', () => {
  it.each([
    ['a string', 'partners'],
    ['a number', 42],
    ['null', null],
    ['an array', [{ partners: [] }]],
    ['a boolean', true],
  ])('rejects %s instead of an object', (_kind, raw) => {
    expect(report(raw)).toEqual({
      lines: ['dataset: dataset must be a JSON object with a "partners" array'],
      where: ['dataset | '],
    });
  });

  it('reports a missing partners collection', () => {
    expect(report({})).toEqual({ lines: ['dataset: partners is missing'], where: ['dataset | partners'] });
    expect(report({ customers: [C1] })).toEqual({ lines: ['dataset: partners is missing'], where: ['dataset | partners'] });
  });

  it('accepts partners as the only collection, even when empty', () => {
    expect(report({ partners: [] }).lines).toEqual([]);
    expect(report(dataset({ partners: [P1] })).lines).toEqual([]);
  });

  it('reports an unknown top-level key and lists the expected ones', () => {
    expect(report({ partners: [], partner: [] })).toEqual({
      lines: ['dataset: unknown field "partner" (expected partners, customers, associations, revenue, people, examPasses, fxRates)'],
      where: ['dataset | partner'],
    });
  });

  it('reports a collection that is not an array, naming the collection and quoting the value', () => {
    expect(report({ partners: {}, customers: 'C1', fxRates: null })).toEqual({
      lines: [
        'dataset: partners must be an array of records, not {}',
        'dataset: customers must be an array of records, not "C1"',
        'dataset: fxRates must be an array of records, not null',
      ],
      where: ['dataset | partners', 'dataset | customers', 'dataset | fxRates'],
    });
  });

  it('reports a partners collection that is not an array once, without a "does not name a partner" cascade', () => {
    const raw = { partners: 'x', customers: [C1], associations: [dpor('C1', 'P1', '2017-01-01')], people: [person('A', 'P1')] };
    expect(report(raw)).toEqual({
      lines: ['dataset: partners must be an array of records, not "x"'],
      where: ['dataset | partners'],
    });
  });

  it('reports a customers collection that is not an array once, without a "does not name a customer" cascade', () => {
    const raw = { partners: [P1], customers: 5, associations: [dpor('C1', 'P1', '2017-01-01')], revenue: [sale('R-1')] };
    expect(report(raw)).toEqual({
      lines: ['dataset: customers must be an array of records, not 5'],
      where: ['dataset | customers'],
    });
  });

  it('reports every record that is not an object, by array and index, quoting the value', () => {
    expect(report({ partners: [5, null, [], 'P1', true, P1], revenue: [null] })).toEqual({
      lines: [
        'partners[0]: partners records must be objects, not 5',
        'partners[1]: partners records must be objects, not null',
        'partners[2]: partners records must be objects, not []',
        'partners[3]: partners records must be objects, not "P1"',
        'partners[4]: partners records must be objects, not true',
        'revenue[0]: revenue records must be objects, not null',
      ],
      where: ['partners[0] | ', 'partners[1] | ', 'partners[2] | ', 'partners[3] | ', 'partners[4] | ', 'revenue[0] | '],
    });
  });
});

describe('dataset: the shape of a record', () => {
  it('rejects an unknown field (records are strict)', () => {
    expect(report({ partners: [{ ...P1, market: 'developed' }] })).toEqual({
      lines: ['partners[0] (id P1): unknown field "market"'],
      where: ['partners[0] (id P1) | market'],
    });
  });

  it('rejects an unknown field in a revenue line, naming its id', () => {
    expect(report({ partners: [], customers: [C1], revenue: [sale('R-1'), { ...sale('R-2'), usd: 100 }] })).toEqual({
      lines: ['revenue[1] (id R-2): unknown field "usd"'],
      where: ['revenue[1] (id R-2) | usd'],
    });
  });

  it('rejects a number where a name is expected', () => {
    expect(report({ partners: [{ id: 'P1', name: 5, country: 'US' }] })).toEqual({
      lines: ['partners[0] (id P1): name must be a text, not a number'],
      where: ['partners[0] (id P1) | name'],
    });
  });

  it('rejects a string where netNew (true/false) is expected', () => {
    expect(report({ partners: [], customers: [C1], revenue: [sale('R-1'), { ...sale('R-2'), netNew: 'yes' }] })).toEqual({
      lines: ['revenue[1] (id R-2): netNew must be true or false, not a text'],
      where: ['revenue[1] (id R-2) | netNew'],
    });
  });

  it('rejects non-text type and start in an association', () => {
    expect(
      report({ partners: [P1], customers: [C1], associations: [{ ...dpor('C1', 'P1', '2017-01-01'), type: 5, start: 20170101 }] }),
    ).toEqual({
      lines: ['associations[0]: type must be a text, not a number', 'associations[0]: start must be a text, not a number'],
      where: ['associations[0] | type', 'associations[0] | start'],
    });
  });

  it('reports a missing required field', () => {
    expect(report({ partners: [{ id: 'P1', name: 'Partner P1' }] })).toEqual({
      lines: ['partners[0] (id P1): country is missing'],
      where: ['partners[0] (id P1) | country'],
    });
    const { date: _date, ...undated } = sale('R-1');
    expect(report({ partners: [], customers: [C1], revenue: [undated] })).toEqual({
      lines: ['revenue[0] (id R-1): date is missing'],
      where: ['revenue[0] (id R-1) | date'],
    });
  });

  it('rejects an empty id, and then labels the record by index only', () => {
    expect(report({ partners: [{ ...P1, id: '' }] })).toEqual({
      lines: ['partners[0]: id must not be empty'],
      where: ['partners[0] | id'],
    });
  });

  it('rejects a non-text id, and then labels the record by index only', () => {
    expect(report({ partners: [{ ...P1, id: 7 }] })).toEqual({
      lines: ['partners[0]: id must be a text, not a number'],
      where: ['partners[0] | id'],
    });
  });

  it('reports every problem of one record, not just the first', () => {
    expect(report({ partners: [{ id: 'P1', name: 5, extra: 1, other: 2 }] })).toEqual({
      lines: [
        'partners[0] (id P1): name must be a text, not a number',
        'partners[0] (id P1): country is missing',
        'partners[0] (id P1): unknown field "extra"',
        'partners[0] (id P1): unknown field "other"',
      ],
      where: ['partners[0] (id P1) | name', 'partners[0] (id P1) | country', 'partners[0] (id P1) | extra', 'partners[0] (id P1) | other'],
    });
  });

  it('shortens a long value in a message', () => {
    expect(report(dataset({ partners: [partner('P1', 'X'.repeat(100))] })).lines).toEqual([
      `partners[0] (id P1): country "${'X'.repeat(56)}... is not an ISO 3166-1 alpha-2 code of the market table`,
    ]);
  });
});

describe('dataset: duplicate ids', () => {
  it('partners: names the first index', () => {
    expect(report(dataset({ partners: [P1, partner('P2'), partner('P1')] }))).toEqual({
      lines: ['partners[2] (id P1): id "P1" is already used by partners[0]'],
      where: ['partners[2] (id P1) | id'],
    });
  });

  it('partners: a third copy still names the first index, not the second', () => {
    expect(report(dataset({ partners: [P1, partner('P1'), partner('P1')] })).lines).toEqual([
      'partners[1] (id P1): id "P1" is already used by partners[0]',
      'partners[2] (id P1): id "P1" is already used by partners[0]',
    ]);
  });

  it('customers', () => {
    expect(report(dataset({ partners: [], customers: [customer('C0'), C1, customer('C1')] }))).toEqual({
      lines: ['customers[2] (id C1): id "C1" is already used by customers[1]'],
      where: ['customers[2] (id C1) | id'],
    });
  });

  it('revenue', () => {
    expect(report(dataset({ partners: [], customers: [C1], revenue: [sale('R-1'), sale('R-2'), sale('R-1')] }))).toEqual({
      lines: ['revenue[2] (id R-1): id "R-1" is already used by revenue[0]'],
      where: ['revenue[2] (id R-1) | id'],
    });
  });

  it('people', () => {
    expect(report(dataset({ partners: [P1], people: [person('A', 'P1'), person('A', 'P1')] }))).toEqual({
      lines: ['people[1] (id A): id "A" is already used by people[0]'],
      where: ['people[1] (id A) | id'],
    });
  });

  it('is reported even when the earlier record has a shape error', () => {
    expect(report({ partners: [{ id: 'P1', name: 5, country: 'US' }, P1] })).toEqual({
      lines: ['partners[0] (id P1): name must be a text, not a number', 'partners[1] (id P1): id "P1" is already used by partners[0]'],
      where: ['partners[0] (id P1) | name', 'partners[1] (id P1) | id'],
    });
  });

  it('is reported even when the later record has a shape error', () => {
    // Both problems of partners[1] are pinned, not their order: the validator reports the duplicate id
    // (a cross-record problem) before the name type error (a shape problem) of the same record.
    const { lines } = report({ partners: [P1, { id: 'P1', name: 5, country: 'US' }] });
    expect([...lines].sort()).toEqual(
      ['partners[1] (id P1): id "P1" is already used by partners[0]', 'partners[1] (id P1): name must be a text, not a number'].sort(),
    );
  });

  it('the same id in different collections is fine', () => {
    expect(report(dataset({ partners: [partner('X')], customers: [customer('X')], people: [person('X', 'X')] })).lines).toEqual([]);
  });
});

describe('dataset: references', () => {
  it('associations.customerId must name a customer', () => {
    expect(report(dataset({ partners: [P1], customers: [C1], associations: [dpor('C9', 'P1', '2017-01-01')] }))).toEqual({
      lines: ['associations[0]: customerId "C9" does not name a customer of the dataset'],
      where: ['associations[0] | customerId'],
    });
  });

  it('associations.partnerId must name a partner', () => {
    expect(report(dataset({ partners: [P1], customers: [C1], associations: [dpor('C1', 'P9', '2017-01-01')] }))).toEqual({
      lines: ['associations[0]: partnerId "P9" does not name a partner of the dataset'],
      where: ['associations[0] | partnerId'],
    });
  });

  it('revenue.customerId must name a customer', () => {
    expect(report(dataset({ partners: [], customers: [C1], revenue: [sale('R-1'), sale('R-2', { customerId: 'C9' })] }))).toEqual({
      lines: ['revenue[1] (id R-2): customerId "C9" does not name a customer of the dataset'],
      where: ['revenue[1] (id R-2) | customerId'],
    });
  });

  it('people.partnerId must name a partner', () => {
    expect(report(dataset({ partners: [P1], people: [person('A', 'P9')] }))).toEqual({
      lines: ['people[0] (id A): partnerId "P9" does not name a partner of the dataset'],
      where: ['people[0] (id A) | partnerId'],
    });
  });

  it('examPasses.personId must name a person', () => {
    expect(report(dataset({ partners: [P1], people: [person('A', 'P1')], examPasses: passes('B', ['MB2-715'], '2017-01-01') }))).toEqual({
      lines: ['examPasses[0]: personId "B" does not name a person of the dataset'],
      where: ['examPasses[0] | personId'],
    });
  });

  it('a reference to a record that exists but is itself invalid yields no extra "does not name" problem', () => {
    const raw = {
      partners: [{ id: 'P1', name: 5, country: 'US' }],
      customers: [{ ...C1, extra: true }],
      associations: [dpor('C1', 'P1', '2017-01-01')],
      revenue: [sale('R-1')],
      people: [{ id: 'A', partnerId: 'P1' }],
      examPasses: passes('A', ['MB2-715'], '2017-01-01'),
    };
    expect(report(raw)).toEqual({
      lines: [
        'partners[0] (id P1): name must be a text, not a number',
        'customers[0] (id C1): unknown field "extra"',
        'people[0] (id A): name is missing',
      ],
      where: ['partners[0] (id P1) | name', 'customers[0] (id C1) | extra', 'people[0] (id A) | name'],
    });
  });

  it('a reference to a partner with an unknown country yields only the country problem', () => {
    expect(
      report(
        dataset({
          partners: [partner('P1', 'ZZ')],
          customers: [C1],
          associations: [dpor('C1', 'P1', '2017-01-01')],
          people: [person('A', 'P1')],
        }),
      ).lines,
    ).toEqual(['partners[0] (id P1): country "ZZ" is not an ISO 3166-1 alpha-2 code of the market table']);
  });
});

describe('dataset: dates', () => {
  it('rejects 30 February', () => {
    expect(report(dataset({ partners: [P1], customers: [C1], associations: [dpor('C1', 'P1', '2017-02-30')] }))).toEqual({
      lines: ['associations[0]: start "2017-02-30" is not a calendar date (YYYY-MM-DD)'],
      where: ['associations[0] | start'],
    });
  });

  it('rejects month 13', () => {
    expect(report(dataset({ partners: [P1], customers: [C1], associations: [dpor('C1', 'P1', '2017-01-01', '2017-13-01')] }))).toEqual({
      lines: ['associations[0]: end "2017-13-01" is not a calendar date (YYYY-MM-DD)'],
      where: ['associations[0] | end'],
    });
  });

  it('rejects a US-style date', () => {
    expect(report(dataset({ partners: [], customers: [C1], revenue: [sale('R-1', { date: '07/07/2017' })] }))).toEqual({
      lines: ['revenue[0] (id R-1): date "07/07/2017" is not a calendar date (YYYY-MM-DD)'],
      where: ['revenue[0] (id R-1) | date'],
    });
  });

  it('accepts 29 February in a leap year (2016) and rejects it otherwise (2017)', () => {
    expect(
      report(dataset({ partners: [P1], people: [person('A', 'P1')], examPasses: passes('A', ['MB2-715'], '2016-02-29') })).lines,
    ).toEqual([]);
    expect(report(dataset({ partners: [P1], people: [person('A', 'P1')], examPasses: passes('A', ['MB2-715'], '2017-02-29') }))).toEqual({
      lines: ['examPasses[0]: date "2017-02-29" is not a calendar date (YYYY-MM-DD)'],
      where: ['examPasses[0] | date'],
    });
  });

  it('rejects an association that ends before it starts', () => {
    expect(report(dataset({ partners: [P1], customers: [C1], associations: [dpor('C1', 'P1', '2017-03-01', '2017-02-28')] }))).toEqual({
      lines: ['associations[0]: end "2017-02-28" is before start "2017-03-01"'],
      where: ['associations[0] | end'],
    });
  });

  it('accepts an association that ends on the day it starts', () => {
    expect(
      report(dataset({ partners: [P1], customers: [C1], associations: [dpor('C1', 'P1', '2017-03-01', '2017-03-01')] })).lines,
    ).toEqual([]);
  });

  it('accepts an open association with end omitted or null, and reads both as null', () => {
    const value = expectValid(
      dataset({
        partners: [P1],
        customers: [C1, customer('C2')],
        associations: [{ customerId: 'C1', partnerId: 'P1', type: 'DPOR', start: '2017-01-01' }, dpor('C2', 'P1', '2017-01-01', null)],
      }),
    );
    expect(value.associations.map((a) => a.end)).toEqual([null, null]);
  });
});

describe('dataset: the program vocabularies', () => {
  it('rejects a product the program does not know', () => {
    expect(report(dataset({ partners: [], customers: [C1], revenue: [sale('R-1', { product: 'D365-MARKETING' })] }))).toEqual({
      lines: ['revenue[0] (id R-1): product "D365-MARKETING" is not a product of the program'],
      where: ['revenue[0] (id R-1) | product'],
    });
  });

  it('accepts every product of the program', () => {
    const products = PRODUCTS;
    const value = expectValid(
      dataset({ partners: [], customers: [C1], revenue: products.map((product, i) => sale(`R-${i}`, { product })) }),
    );
    expect(value.revenue.map((r) => r.product)).toEqual(products);
  });

  it('rejects an unknown country code and a lower-case or alpha-3 one', () => {
    expect(report(dataset({ partners: [partner('P1', 'ZZ'), partner('P2', 'usa')], customers: [customer('C1', 'us')] }))).toEqual({
      lines: [
        'partners[0] (id P1): country "ZZ" is not an ISO 3166-1 alpha-2 code of the market table',
        'partners[1] (id P2): country "usa" is not an ISO 3166-1 alpha-2 code of the market table',
        'customers[0] (id C1): country "us" is not an ISO 3166-1 alpha-2 code of the market table',
      ],
      where: ['partners[0] (id P1) | country', 'partners[1] (id P2) | country', 'customers[0] (id C1) | country'],
    });
  });

  it('gives each partner the market of its country', () => {
    const value = expectValid(dataset({ partners: [partner('P1', 'US'), partner('P2', 'IN')] }));
    expect(value.partners.map((p) => [p.id, p.market])).toEqual([
      ['P1', 'developed'],
      ['P2', 'developing'],
    ]);
  });

  it('rejects an association type the program does not know', () => {
    expect(
      report(dataset({ partners: [P1], customers: [C1], associations: [{ ...dpor('C1', 'P1', '2017-01-01'), type: 'CSP' }] })),
    ).toEqual({
      lines: ['associations[0]: type "CSP" is not an association type (DPOR)'],
      where: ['associations[0] | type'],
    });
  });
});

describe('dataset: currencies and fx rates', () => {
  it('rejects a currency that is not an ISO 4217 code (revenue[17] (id R-88))', () => {
    const revenue = [...Array.from({ length: 17 }, (_, i) => sale(`R-${i + 1}`)), sale('R-88', { currency: 'EURO' })];
    expect(report(dataset({ partners: [], customers: [C1], revenue }))).toEqual({
      lines: ['revenue[17] (id R-88): currency "EURO" is not an ISO 4217 code'],
      where: ['revenue[17] (id R-88) | currency'],
    });
  });

  it('rejects a non-ISO currency in an fx rate too', () => {
    expect(report(dataset({ partners: [], fxRates: [{ currency: 'EURO', month: '2017-01', usdPerUnit: 1.1 }] }))).toEqual({
      lines: ['fxRates[0]: currency "EURO" is not an ISO 4217 code'],
      where: ['fxRates[0] | currency'],
    });
  });

  it("reports a missing fx rate for the line's month, naming currency and month", () => {
    const raw = dataset({
      partners: [],
      customers: [C1],
      revenue: [sale('R-1', { currency: 'EUR', date: '2017-02-15' })],
      fxRates: [{ currency: 'EUR', month: '2017-01', usdPerUnit: 1.1 }],
    });
    expect(report(raw)).toEqual({
      lines: ['revenue[0] (id R-1): currency "EUR" has no fxRates entry for month 2017-02'],
      where: ['revenue[0] (id R-1) | currency'],
    });
  });

  it('needs no fx rate for USD', () => {
    const value = expectValid(dataset({ partners: [], customers: [C1], revenue: [sale('R-1', { amount: 12 })] }));
    expect(value.revenue[0]?.usdCents).toBe(1200);
  });

  it('rejects a second rate for the same currency and month, naming the first', () => {
    const raw = dataset({
      partners: [],
      fxRates: [
        { currency: 'EUR', month: '2017-01', usdPerUnit: 1.1 },
        { currency: 'EUR', month: '2017-02', usdPerUnit: 1.2 },
        { currency: 'GBP', month: '2017-01', usdPerUnit: 1.3 },
        { currency: 'EUR', month: '2017-01', usdPerUnit: 1.1 },
      ],
    });
    expect(report(raw)).toEqual({
      lines: ['fxRates[3]: rate for EUR in 2017-01 is already given by fxRates[0]'],
      where: ['fxRates[3] | month'],
    });
  });

  it.each([
    [0, 'usdPerUnit 0 must be a positive decimal number'],
    [-1.1, 'usdPerUnit -1.1 must be a positive decimal number'],
    ['-0.5', 'usdPerUnit "-0.5" must be a positive decimal number'],
    ['abc', 'usdPerUnit "abc" must be a positive decimal number'],
    ['1,1', 'usdPerUnit "1,1" must be a positive decimal number'],
  ])('rejects the rate %j', (usdPerUnit, message) => {
    expect(report(dataset({ partners: [], fxRates: [{ currency: 'EUR', month: '2017-01', usdPerUnit }] }))).toEqual({
      lines: [`fxRates[0]: ${message}`],
      where: ['fxRates[0] | usdPerUnit'],
    });
  });

  it('rejects a rate that is neither a number nor text', () => {
    expect(report({ partners: [], fxRates: [{ currency: 'EUR', month: '2017-01', usdPerUnit: true }] })).toEqual({
      lines: ['fxRates[0]: usdPerUnit true must be a number or decimal text'],
      where: ['fxRates[0] | usdPerUnit'],
    });
  });

  it('reports a missing rate', () => {
    expect(report({ partners: [], fxRates: [{ currency: 'EUR', month: '2017-01' }] })).toEqual({
      lines: ['fxRates[0]: usdPerUnit is missing'],
      where: ['fxRates[0] | usdPerUnit'],
    });
  });

  it('accepts a rate computed by division (1 / 145.23 as a JS number) and converts with it exactly', () => {
    const value = expectValid(
      dataset({
        partners: [],
        customers: [C1],
        revenue: [sale('R-1', { amount: 14523, currency: 'JPY' })],
        fxRates: [{ currency: 'JPY', month: '2017-01', usdPerUnit: 1 / 145.23 }],
      }),
    );
    expect(value.fxRates.map((r) => r.usdPerUnit)).toEqual([String(1 / 145.23)]);
    expect(value.revenue[0]?.usdCents).toBe(10000);
  });

  it('reports a missing fx rate even when the amount is bad too (both problems)', () => {
    expect(report(dataset({ partners: [], customers: [C1], revenue: [sale('R-1', { currency: 'EUR', amount: '12,5' })] }))).toEqual({
      lines: [
        'revenue[0] (id R-1): amount "12,5" is not a decimal number',
        'revenue[0] (id R-1): currency "EUR" has no fxRates entry for month 2017-01',
      ],
      where: ['revenue[0] (id R-1) | amount', 'revenue[0] (id R-1) | currency'],
    });
  });

  it('rejects a USD rate other than 1', () => {
    expect(report(dataset({ partners: [], fxRates: [{ currency: 'USD', month: '2017-01', usdPerUnit: 1.01 }] }))).toEqual({
      lines: ['fxRates[0]: usdPerUnit 1.01 must be 1 for USD, the base currency'],
      where: ['fxRates[0] | usdPerUnit'],
    });
  });

  it('accepts a USD rate of 1, written as a number or as "1.0"', () => {
    const value = expectValid(
      dataset({
        partners: [],
        fxRates: [
          { currency: 'USD', month: '2017-01', usdPerUnit: 1 },
          { currency: 'USD', month: '2017-02', usdPerUnit: '1.0' },
        ],
      }),
    );
    expect(value.fxRates.map((r) => r.usdPerUnit)).toEqual(['1', '1']);
  });

  it.each(['2017-13', '2017-1', '2017-00', '201701'])('rejects the month %j', (month) => {
    expect(report(dataset({ partners: [], fxRates: [{ currency: 'EUR', month, usdPerUnit: 1.1 }] }))).toEqual({
      lines: [`fxRates[0]: month "${month}" is not a month (YYYY-MM)`],
      where: ['fxRates[0] | month'],
    });
  });
});

describe('dataset: amounts', () => {
  it.each(['12,5', 'abc', '', '1.2.3', '$100'])('rejects the amount %j', (amount) => {
    expect(report(dataset({ partners: [], customers: [C1], revenue: [sale('R-1'), sale('R-2', { amount })] }))).toEqual({
      lines: [`revenue[1] (id R-2): amount ${JSON.stringify(amount)} is not a decimal number`],
      where: ['revenue[1] (id R-2) | amount'],
    });
  });

  it.each([
    [true, 'true'],
    [null, 'null'],
  ])('rejects the amount %j, which is neither a number nor text', (amount, shown) => {
    expect(report({ partners: [], customers: [C1], revenue: [{ ...sale('R-1'), amount }] })).toEqual({
      lines: [`revenue[0] (id R-1): amount ${shown} must be a number or decimal text`],
      where: ['revenue[0] (id R-1) | amount'],
    });
  });

  it('reports a missing amount', () => {
    const { amount: _amount, ...unpriced } = sale('R-1');
    expect(report({ partners: [], customers: [C1], revenue: [unpriced] })).toEqual({
      lines: ['revenue[0] (id R-1): amount is missing'],
      where: ['revenue[0] (id R-1) | amount'],
    });
  });

  it.each(['1e30', '1e31'])('rejects the amount %j as too large to count exactly in cents', (amount) => {
    expect(report(dataset({ partners: [], customers: [C1], revenue: [sale('R-1', { amount })] }))).toEqual({
      lines: [`revenue[0] (id R-1): amount "${amount}" is too large to count exactly`],
      where: ['revenue[0] (id R-1) | amount'],
    });
  });

  it('accepts a tiny amount (1e-13 as a JS number), which rounds to 0 cents', () => {
    const value = expectValid(dataset({ partners: [], customers: [C1], revenue: [sale('R-1', { amount: 1e-13 })] }));
    expect(value.revenue[0]).toMatchObject({ amount: '0.0000000000001', usdCents: 0 });
  });

  it('accepts up to 40 digits after the point, and not 41', () => {
    const forty = `0.${'0'.repeat(39)}5`;
    const fortyOne = `0.${'0'.repeat(40)}5`;
    expect(
      report(dataset({ partners: [], customers: [C1], revenue: [sale('R-1', { amount: forty }), sale('R-2', { amount: fortyOne })] })),
    ).toEqual({
      lines: [`revenue[1] (id R-2): amount "${fortyOne}" is not a decimal number`],
      where: ['revenue[1] (id R-2) | amount'],
    });
    const value = expectValid(dataset({ partners: [], customers: [C1], revenue: [sale('R-1', { amount: forty })] }));
    expect(value.revenue[0]).toMatchObject({ amount: forty, usdCents: 0 });
  });

  it('accepts an amount as decimal text and keeps it exact', () => {
    const value = expectValid(dataset({ partners: [], customers: [C1], revenue: [sale('R-1', { amount: '100.25' })] }));
    expect(value.revenue[0]).toMatchObject({ amount: '100.25', usdCents: 10025 });
  });

  it('accepts negative amounts (credits)', () => {
    const value = expectValid(
      dataset({
        partners: [],
        customers: [C1],
        revenue: [sale('R-1', { amount: -250 }), sale('R-2', { amount: '-99.99' }), sale('R-3', { amount: '-10', currency: 'EUR' })],
        fxRates: [{ currency: 'EUR', month: '2017-01', usdPerUnit: 1.1 }],
      }),
    );
    expect(value.revenue.map((r) => [r.amount, r.usdCents])).toEqual([
      ['-250', -25000],
      ['-99.99', -9999],
      ['-10', -1100],
    ]);
  });
});

describe('dataset: overlapping DPOR associations of one customer', () => {
  const base = { partners: [P1, partner('P2')], customers: [C1, customer('C2')] };

  it('rejects two associations that share their boundary day', () => {
    expect(
      report(dataset({ ...base, associations: [dpor('C1', 'P1', '2017-01-01', '2017-03-31'), dpor('C1', 'P2', '2017-03-31')] })),
    ).toEqual({
      lines: [
        'associations[1]: DPOR association of customer "C1" with partner "P2" (2017-03-31 to open) overlaps associations[0] (partner "P1", 2017-01-01 to 2017-03-31)',
      ],
      where: ['associations[1] | start'],
    });
  });

  it('accepts a hand-over: one ends 2017-03-31, the next starts 2017-04-01', () => {
    expect(
      report(dataset({ ...base, associations: [dpor('C1', 'P1', '2017-01-01', '2017-03-31'), dpor('C1', 'P2', '2017-04-01')] })).lines,
    ).toEqual([]);
  });

  it('rejects a later association after an open-ended one', () => {
    expect(
      report(dataset({ ...base, associations: [dpor('C1', 'P1', '2016-01-01'), dpor('C1', 'P2', '2017-01-01', '2017-02-01')] })),
    ).toEqual({
      lines: [
        'associations[1]: DPOR association of customer "C1" with partner "P2" (2017-01-01 to 2017-02-01) overlaps associations[0] (partner "P1", 2016-01-01 to open)',
      ],
      where: ['associations[1] | start'],
    });
  });

  it('reports the later-starting association whatever the input order', () => {
    expect(
      report(dataset({ ...base, associations: [dpor('C1', 'P2', '2017-03-01'), dpor('C1', 'P1', '2017-01-01', '2017-06-30')] })).lines,
    ).toEqual([
      'associations[0]: DPOR association of customer "C1" with partner "P2" (2017-03-01 to open) overlaps associations[1] (partner "P1", 2017-01-01 to 2017-06-30)',
    ]);
  });

  it('reports each association that overlaps a long one', () => {
    const associations = [
      dpor('C1', 'P1', '2017-01-01', '2017-12-31'),
      dpor('C1', 'P2', '2017-02-01', '2017-03-01'),
      dpor('C1', 'P2', '2017-06-01', '2017-07-01'),
    ];
    expect(report(dataset({ ...base, associations })).lines).toEqual([
      'associations[1]: DPOR association of customer "C1" with partner "P2" (2017-02-01 to 2017-03-01) overlaps associations[0] (partner "P1", 2017-01-01 to 2017-12-31)',
      'associations[2]: DPOR association of customer "C1" with partner "P2" (2017-06-01 to 2017-07-01) overlaps associations[0] (partner "P1", 2017-01-01 to 2017-12-31)',
    ]);
  });

  it('accepts the same periods for different customers, and successive non-overlapping ones', () => {
    const associations = [
      dpor('C1', 'P1', '2017-01-01'),
      dpor('C2', 'P2', '2017-01-01'),
      dpor('C2', 'P1', '2016-01-01', '2016-06-30'),
      dpor('C2', 'P2', '2016-07-01', '2016-12-31'),
    ];
    const value = expectValid(dataset({ ...base, associations }));
    expect(value.associations).toHaveLength(4);
  });
});

describe('dataset: exam passes', () => {
  it('keeps a pass of an exam outside the catalog (it counts for nothing later)', () => {
    const value = expectValid(dataset({ partners: [P1], people: [person('A', 'P1')], examPasses: passes('A', ['MB2-712'], '2017-01-01') }));
    expect(value.examPasses).toEqual([{ personId: 'A', exam: 'MB2-712', date: '2017-01-01' }]);
  });
});

describe('dataset: several problems at once', () => {
  const raw = {
    partners: [P1, partner('P1'), partner('P2', 'ZZ')],
    customers: [C1, { id: 'C2', name: 5, country: 'US' }],
    associations: [dpor('C1', 'P1', '2017-01-01', '2017-03-31'), dpor('C1', 'P2', '2017-03-31'), dpor('C9', 'P1', '2017-02-30')],
    revenue: [sale('R-1', { currency: 'EURO' }), sale('R-2', { product: 'D365-X', amount: '12,5' }), sale('R-3', { currency: 'EUR' })],
    people: [person('A', 'P9')],
    examPasses: passes('B', ['MB2-715'], '2017-01-01'),
    fxRates: [{ currency: 'EUR', month: '2017-13', usdPerUnit: 1.1 }],
    extra: [],
  };
  // In reading order: the dataset as a whole, then partners, customers, associations, revenue,
  // people, examPasses, fxRates, each record by record, whatever the order they were found in.
  const expected = [
    'dataset: unknown field "extra" (expected partners, customers, associations, revenue, people, examPasses, fxRates)',
    'partners[1] (id P1): id "P1" is already used by partners[0]',
    'partners[2] (id P2): country "ZZ" is not an ISO 3166-1 alpha-2 code of the market table',
    'customers[1] (id C2): name must be a text, not a number',
    'associations[1]: DPOR association of customer "C1" with partner "P2" (2017-03-31 to open) overlaps associations[0] (partner "P1", 2017-01-01 to 2017-03-31)',
    'associations[2]: start "2017-02-30" is not a calendar date (YYYY-MM-DD)',
    'revenue[0] (id R-1): currency "EURO" is not an ISO 4217 code',
    'revenue[1] (id R-2): product "D365-X" is not a product of the program',
    'revenue[1] (id R-2): amount "12,5" is not a decimal number',
    'revenue[2] (id R-3): currency "EUR" has no fxRates entry for month 2017-01',
    'people[0] (id A): partnerId "P9" does not name a partner of the dataset',
    'examPasses[0]: personId "B" does not name a person of the dataset',
    'fxRates[0]: month "2017-13" is not a month (YYYY-MM)',
  ];

  it('reports all of them, in reading order', () => {
    expect(report(raw).lines).toEqual(expected);
  });

  it('reports them identically on every run', () => {
    expect(report(raw)).toEqual(report(structuredClone(raw)));
  });

  it('puts problems of the dataset as a whole first, even one found after record problems', () => {
    expect(report({ partners: [{ id: 'P1', name: 5, country: 'US' }], customers: 'C1' }).lines).toEqual([
      'dataset: customers must be an array of records, not "C1"',
      'partners[0] (id P1): name must be a text, not a number',
    ]);
  });

  it('orders a collection by record index, whichever check found the problem first', () => {
    // The unknown partner of associations[1] is found before the overlap of associations[0].
    const associations = [dpor('C1', 'P2', '2017-03-01'), dpor('C1', 'P9', '2017-01-01', '2017-06-30')];
    expect(report(dataset({ partners: [P1, partner('P2')], customers: [C1], associations })).lines).toEqual([
      'associations[0]: DPOR association of customer "C1" with partner "P2" (2017-03-01 to open) overlaps associations[1] (partner "P9", 2017-01-01 to 2017-06-30)',
      'associations[1]: partnerId "P9" does not name a partner of the dataset',
    ]);
  });

  it('orders records numerically, not as text (revenue[2] before revenue[10])', () => {
    const revenue = Array.from({ length: 11 }, (_, i) =>
      sale(`R-${i}`, i === 2 ? { currency: 'EUR' } : i === 10 ? { amount: true as unknown as number } : {}),
    );
    expect(report({ partners: [], customers: [C1], revenue }).lines).toEqual([
      'revenue[2] (id R-2): currency "EUR" has no fxRates entry for month 2017-01',
      'revenue[10] (id R-10): amount true must be a number or decimal text',
    ]);
  });
});

describe('dataset: a valid dataset', () => {
  it('returns ok with every revenue line in exact US cents', () => {
    const value = expectValid(
      dataset({
        partners: [partner('P1', 'IN')],
        customers: [C1],
        associations: [dpor('C1', 'P1', '2017-01-01')],
        revenue: [
          sale('R-1', { amount: 100, currency: 'EUR' }),
          sale('R-2', { amount: '0.005' }),
          sale('R-3', { amount: '-0.005' }),
          sale('R-4', { amount: '33.333', currency: 'GBP' }),
          sale('R-5', { amount: '0.004' }),
          sale('R-6', { amount: 100, currency: 'EUR', date: '2017-02-01' }),
        ],
        people: [person('A', 'P1')],
        examPasses: passes('A', ['MB2-715', 'MB2-716'], '2017-01-01'),
        fxRates: [
          { currency: 'EUR', month: '2017-01', usdPerUnit: 1.1 },
          { currency: 'EUR', month: '2017-02', usdPerUnit: '1.05' },
          { currency: 'GBP', month: '2017-01', usdPerUnit: '1.5' },
        ],
      }),
    );
    expect(value.revenue.map((r) => [r.id, r.amount, r.currency, r.usdCents])).toEqual([
      ['R-1', '100', 'EUR', 11000], // 100 × 1.1
      ['R-2', '0.005', 'USD', 1], // half a cent rounds away from zero
      ['R-3', '-0.005', 'USD', -1],
      ['R-4', '33.333', 'GBP', 5000], // 49.9995 → 50.00
      ['R-5', '0.004', 'USD', 0],
      ['R-6', '100', 'EUR', 10500], // the rate of the line's own month
    ]);
    expect(value.partners).toEqual([{ id: 'P1', name: 'Partner P1', country: 'IN', market: 'developing' }]);
    expect(value.associations).toEqual([{ customerId: 'C1', partnerId: 'P1', type: 'DPOR', start: '2017-01-01', end: null }]);
    expect(value.fxRates.map((r) => r.usdPerUnit)).toEqual(['1.1', '1.05', '1.5']);
    expect(value.people).toHaveLength(1);
    expect(value.examPasses).toHaveLength(2);
  });
});

describe('dataset: the fast shape check and zod agree', () => {
  // The fast check accepts the common case without zod; it must never accept what zod rejects,
  // and should accept what zod accepts. Records start valid and get a few fields replaced or removed.
  const VALID: Record<keyof typeof collections, Record<string, unknown>> = {
    partners: { id: 'P1', name: 'n', country: 'US' },
    customers: { id: 'C1', name: 'n', country: 'US' },
    associations: { customerId: 'C1', partnerId: 'P1', type: 'DPOR', start: '2017-01-01', end: null },
    revenue: { id: 'R1', customerId: 'C1', product: 'D365-SALES', date: '2017-01-01', amount: 1, currency: 'USD', netNew: true },
    people: { id: 'E1', partnerId: 'P1', name: 'n' },
    examPasses: { personId: 'E1', exam: 'MB2-715', date: '2017-01-01' },
    fxRates: { currency: 'EUR', month: '2017-01', usdPerUnit: '1.1' },
  };
  const value = fc.oneof(
    fc.string({ maxLength: 4 }),
    fc.constantFrom(
      '',
      'P1',
      '2017-02-29',
      '2016-02-29',
      '2000-02-29',
      '1900-02-29',
      '2017-13-01',
      '2017-07',
      '2017-7-7',
      '2017-07-07 ',
      '12.5',
    ),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(fc.integer(), { maxLength: 1 }),
  );
  it('on numbers JSON cannot hold: Infinity and NaN are refused by both, wherever a number is taken', () => {
    for (const name of Object.keys(collections) as (keyof typeof collections)[]) {
      for (const field of Object.keys(VALID[name]))
        for (const bad of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN]) {
          const record = { ...VALID[name], [field]: bad };
          expect([name, field, WELL_FORMED[name](record)]).toEqual([name, field, collections[name].safeParse(record).success]);
        }
    }
    expect(WELL_FORMED.fxRates({ ...VALID.fxRates, usdPerUnit: Number.POSITIVE_INFINITY })).toBe(false);
  });
  for (const name of Object.keys(collections) as (keyof typeof collections)[]) {
    it(`on random ${name} records`, () => {
      const fields = [...Object.keys(VALID[name]), 'extra'];
      const mutation = fc.array(fc.tuple(fc.constantFrom(...fields), fc.option(value, { nil: undefined }), fc.boolean()), { maxLength: 2 });
      let accepted = 0;
      fc.assert(
        fc.property(mutation, (changes) => {
          const record: Record<string, unknown> = { ...VALID[name] };
          for (const [field, replacement, remove] of changes) {
            if (remove) delete record[field];
            else record[field] = replacement;
          }
          const zodAccepts = collections[name].safeParse(record).success;
          if (zodAccepts) accepted += 1;
          expect(WELL_FORMED[name](record)).toBe(zodAccepts);
        }),
        { numRuns: 2000 },
      );
      expect(accepted).toBeGreaterThan(100);
    });
  }
});
