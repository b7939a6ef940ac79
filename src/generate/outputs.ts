/**
 * The generated population in the forms its consumers take: columns for the
 * engine (typed arrays, no object per row), a raw dataset (objects, as a
 * JSON file gives them; small sizes only) and CSV files, one per entity,
 * written as a stream so that any size fits in bounded memory.
 */
import { once } from 'node:events';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import {
  IdColumnBuilder,
  isoDateOf,
  NEVER,
  parseDecimal,
  textToUsdCents,
  type Decimal,
  type DatasetColumns,
  type Program,
} from '../engine/index.js';
import { catalogsOf, CURRENCIES, ids, population, type GenerateOptions, type PopulationRecord } from './population.js';

/** Growable typed array. */
class Column<T extends Int32Array | Float64Array | Uint8Array> {
  private size = 0;
  constructor(private data: T) {}
  push(value: number): void {
    if (this.size === this.data.length) {
      const grown = new (this.data.constructor as new (n: number) => T)(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.size++] = value;
  }
  done(): T {
    return this.data.slice(0, this.size) as T;
  }
}

const int32 = (): Column<Int32Array> => new Column(new Int32Array(1 << 16));

/** The population straight into DatasetColumns, as `Store.columns` would give it: never an object per row. */
export function generateColumns(program: Program, options: GenerateOptions): DatasetColumns {
  const catalogs = catalogsOf(program);
  const partners = { ids: [] as string[], names: [] as string[], countries: [] as string[], markets: [] as string[] };
  const rates = new Map<string, Decimal>();
  let customers = 0;
  const a = { customer: int32(), partner: int32(), first: int32(), last: int32() };
  const r = {
    customer: int32(),
    day: int32(),
    product: int32(),
    netNew: new Column(new Uint8Array(1 << 16)),
    cents: new Column(new Float64Array(1 << 16)),
  };
  const lineIds = new IdColumnBuilder(1 << 20);
  const people = int32();
  const personIds = new IdColumnBuilder(1 << 18);
  const x = { person: int32(), exam: int32(), day: int32() };
  for (const e of population(catalogs, options)) {
    switch (e.kind) {
      case 'rate':
        rates.set(`${e.currency} ${e.month}`, parseDecimal(e.usdPerUnit)!);
        break;
      case 'partner':
        partners.ids.push(ids.partner(e.partner));
        partners.names.push(`Partner ${e.partner}`);
        partners.countries.push(e.country);
        partners.markets.push(program.countries.get(e.country)!);
        break;
      case 'customer':
        customers += 1;
        break;
      case 'association':
        a.customer.push(e.customer);
        a.partner.push(e.partner);
        a.first.push(e.first);
        a.last.push(e.last);
        break;
      case 'revenue': {
        r.customer.push(e.customer);
        r.day.push(e.day);
        r.product.push(e.product);
        r.netNew.push(e.netNew ? 1 : 0);
        const rate = e.currency < 0 ? undefined : rates.get(`${CURRENCIES[e.currency]} ${isoDateOf(e.day).slice(0, 7)}`);
        r.cents.push(textToUsdCents(e.amount, rate)!);
        lineIds.add(ids.line(e.line));
        break;
      }
      case 'person':
        people.push(e.partner);
        personIds.add(ids.person(e.partner, e.local));
        break;
      case 'pass':
        x.person.push(e.person);
        x.exam.push(e.exam);
        x.day.push(e.day);
        break;
    }
  }
  const associationCustomer = a.customer.done();
  return {
    partners,
    customers: { count: customers },
    associations: {
      types: ['DPOR'],
      customer: associationCustomer,
      partner: a.partner.done(),
      type: new Int32Array(associationCustomer.length),
      first: a.first.done(),
      last: a.last.done(),
    },
    revenue: {
      products: catalogs.products,
      customer: r.customer.done(),
      day: r.day.done(),
      product: r.product.done(),
      netNew: r.netNew.done(),
      cents: r.cents.done(),
      ids: lineIds.build(),
    },
    people: { partner: people.done(), ids: personIds.build() },
    examPasses: { exams: catalogs.exams, person: x.person.done(), exam: x.exam.done(), day: x.day.done() },
  };
}

/** The records of each entity as the dataset format (and its CSV files) names their fields. */
export type Entity = 'partners' | 'customers' | 'associations' | 'revenue' | 'people' | 'examPasses' | 'fxRates';

export const FIELDS: Readonly<Record<Entity, readonly string[]>> = {
  partners: ['id', 'name', 'country'],
  customers: ['id', 'name', 'country'],
  associations: ['customerId', 'partnerId', 'type', 'start', 'end'],
  revenue: ['id', 'customerId', 'product', 'date', 'amount', 'currency', 'netNew'],
  people: ['id', 'partnerId', 'name'],
  examPasses: ['personId', 'exam', 'date'],
  fxRates: ['currency', 'month', 'usdPerUnit'],
};

/** The file each entity is written to: names `attain import` recognises. */
export const FILES: Readonly<Record<Entity, string>> = {
  partners: 'partners.csv',
  customers: 'customers.csv',
  associations: 'associations.csv',
  revenue: 'revenue.csv',
  people: 'people.csv',
  examPasses: 'exam-passes.csv',
  fxRates: 'fx-rates.csv',
};

/** Each record of the population as one row of its entity: field values in FIELDS order (null for an open end). */
export function* rows(program: Program, options: GenerateOptions): Generator<[Entity, (string | boolean | null)[]]> {
  const catalogs = catalogsOf(program);
  for (const e of population(catalogs, options)) yield rowOf(e, catalogs.products, catalogs.exams);
}

function rowOf(e: PopulationRecord, products: readonly string[], exams: readonly string[]): [Entity, (string | boolean | null)[]] {
  switch (e.kind) {
    case 'rate':
      return ['fxRates', [e.currency, e.month, e.usdPerUnit]];
    case 'partner':
      return ['partners', [ids.partner(e.partner), `Partner ${e.partner}`, e.country]];
    case 'customer': {
      const id = ids.customer(e.partner, e.local);
      return ['customers', [id, `Customer ${id}`, e.country]];
    }
    case 'association':
      return [
        'associations',
        [ids.customer(e.owner, e.local), ids.partner(e.partner), 'DPOR', isoDateOf(e.first), e.last === NEVER ? null : isoDateOf(e.last)],
      ];
    case 'revenue':
      return [
        'revenue',
        [
          ids.line(e.line),
          ids.customer(e.partner, e.local),
          products[e.product]!,
          isoDateOf(e.day),
          e.amount,
          e.currency < 0 ? 'USD' : CURRENCIES[e.currency]!,
          e.netNew,
        ],
      ];
    case 'person': {
      const id = ids.person(e.partner, e.local);
      return ['people', [id, ids.partner(e.partner), `Person ${id}`]];
    }
    case 'pass':
      return ['examPasses', [ids.person(e.partner, e.local), exams[e.exam]!, isoDateOf(e.day)]];
  }
}

/** The population as a raw dataset (what a dataset JSON file holds): for small sizes, tests and the objects stage. */
export function generateDataset(program: Program, options: GenerateOptions): Record<Entity, Record<string, unknown>[]> {
  const raw: Record<Entity, Record<string, unknown>[]> = {
    partners: [],
    customers: [],
    associations: [],
    revenue: [],
    people: [],
    examPasses: [],
    fxRates: [],
  };
  for (const [entity, values] of rows(program, options)) {
    const fields = FIELDS[entity];
    const record: Record<string, unknown> = {};
    fields.forEach((f, i) => (record[f] = values[i]));
    raw[entity].push(record);
  }
  return raw;
}

export type Counts = Record<Entity, number>;

/** Buffered text output with backpressure: one write call per 256 KiB. */
class Output {
  private buffer = '';
  constructor(private readonly stream: WriteStream) {}
  async line(text: string): Promise<void> {
    this.buffer += text;
    if (this.buffer.length >= 1 << 18) {
      const ok = this.stream.write(this.buffer);
      this.buffer = '';
      if (!ok) await once(this.stream, 'drain');
    }
  }
  async close(): Promise<void> {
    if (this.buffer) this.stream.write(this.buffer);
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

/** Generated values never hold a comma, quote or line break: cells are written as they are. */
const cell = (value: string | boolean | null): string => (value === null ? '' : String(value));

/**
 * Writes the population as CSV files, one per entity (FILES), into `dir`:
 * rows stream out as they are generated. `onProgress` is called every
 * 100,000 rows with the partners written so far.
 */
export async function writeCsv(
  program: Program,
  options: GenerateOptions,
  dir: string,
  onProgress?: (partners: number) => void,
): Promise<Counts> {
  mkdirSync(dir, { recursive: true });
  const entities = Object.keys(FILES) as Entity[];
  const outputs = Object.fromEntries(entities.map((e) => [e, new Output(createWriteStream(join(dir, FILES[e])))])) as Record<
    Entity,
    Output
  >;
  const counts = Object.fromEntries(entities.map((e) => [e, 0])) as Counts;
  for (const e of entities) await outputs[e].line(`${FIELDS[e].join(',')}\n`);
  let total = 0;
  for (const [entity, values] of rows(program, options)) {
    await outputs[entity].line(`${values.map(cell).join(',')}\n`);
    counts[entity] += 1;
    if (++total % 100_000 === 0) onProgress?.(counts.partners);
  }
  for (const e of entities) await outputs[e].close();
  onProgress?.(counts.partners);
  return counts;
}
