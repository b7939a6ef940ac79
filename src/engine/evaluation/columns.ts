/**
 * The dataset as columns: what `prepareColumns` reads. Typed arrays of dense
 * indexes, day numbers and cents, and small catalogs (products, association
 * types, exams), so that millions of revenue lines, people and passes are a
 * few flat arrays rather than millions of JavaScript objects. Ids are kept
 * for evidence only, packed, and turned into strings one at a time.
 *
 * Built from a validated `Dataset` by `columnsOf`, or read straight from the
 * store (src/store/columns.ts), which never builds an object per row.
 */
import { dayNumberOf, type DayNumber, type IsoDate } from '../calendar.js';
import type { Association, Dataset } from '../dataset/model.js';

/** A day later than any real one: "never". */
export const NEVER: DayNumber = 2 ** 31 - 1;

/** The ids of a column's rows, one at a time. */
export interface Ids {
  readonly length: number;
  get(index: number): string;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/**
 * Ids packed as UTF-8 in one byte array with the offset of each: millions
 * of ids cost two allocations, not a string each. `get(i)` decodes the
 * i-th id when it is asked for (evidence).
 */
export class IdColumn implements Ids {
  private readonly ascii: boolean;

  /** `offsets` has one more entry than there are ids: id i is bytes [offsets[i], offsets[i + 1]). */
  constructor(
    readonly bytes: Uint8Array,
    readonly offsets: Int32Array,
  ) {
    if (offsets.length === 0 || offsets[0] !== 0 || offsets[offsets.length - 1] !== bytes.length)
      throw new RangeError('id column offsets must start at 0 and end at the byte length');
    for (let i = 1; i < offsets.length; i++) {
      if (offsets[i]! < offsets[i - 1]!) throw new RangeError(`id column offsets decrease at ${i}`);
    }
    let ascii = true;
    for (let k = 0; k < bytes.length && ascii; k++) ascii = bytes[k]! < 0x80;
    this.ascii = ascii;
  }

  static from(ids: Iterable<string>): IdColumn {
    const builder = new IdColumnBuilder();
    for (const id of ids) builder.add(id);
    return builder.build();
  }

  get length(): number {
    return this.offsets.length - 1;
  }

  get(index: number): string {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) throw new RangeError(`no id at ${index}`);
    const start = this.offsets[index]!;
    const end = this.offsets[index + 1]!;
    // Ids are short and nearly always ASCII: one char per byte, without the decoder's call overhead.
    if (this.ascii && end - start <= 256) {
      return String.fromCharCode.apply(null, this.bytes.subarray(start, end) as unknown as number[]);
    }
    return decoder.decode(this.bytes.subarray(start, end));
  }
}

/** Appends ids (as strings or as UTF-8 bytes) to a growing IdColumn. */
export class IdColumnBuilder {
  private bytes: Uint8Array;
  private offsets: Int32Array;
  private count = 0;
  private size = 0;

  constructor(expectedIds = 1024, expectedBytes = expectedIds * 8) {
    this.bytes = new Uint8Array(Math.max(16, expectedBytes));
    this.offsets = new Int32Array(Math.max(16, expectedIds + 1));
  }

  add(id: string): void {
    this.reserve(1, id.length * 3);
    let at = this.size;
    const bytes = this.bytes;
    let ascii = true;
    for (let k = 0; k < id.length; k++) {
      const code = id.charCodeAt(k);
      if (code >= 0x80) {
        ascii = false;
        break;
      }
      bytes[at++] = code;
    }
    if (!ascii) at = this.size + encoder.encodeInto(id, bytes.subarray(this.size)).written;
    this.size = at;
    this.offsets[++this.count] = at;
  }

  /** Appends ids given as their UTF-8 bytes one after the other, with the byte length of each. */
  addBytes(bytes: Uint8Array, lengths: ArrayLike<number>): void {
    this.reserve(lengths.length, bytes.length);
    this.bytes.set(bytes, this.size);
    let at = this.size;
    for (let i = 0; i < lengths.length; i++) {
      at += lengths[i]!;
      this.offsets[++this.count] = at;
    }
    if (at !== this.size + bytes.length) throw new RangeError('id lengths do not add up to the bytes given');
    this.size = at;
  }

  /** Appends every id of another column. */
  addColumn(column: IdColumn): void {
    const lengths = new Int32Array(column.length);
    for (let i = 0; i < lengths.length; i++) lengths[i] = column.offsets[i + 1]! - column.offsets[i]!;
    this.addBytes(column.bytes, lengths);
  }

  get length(): number {
    return this.count;
  }

  build(): IdColumn {
    return new IdColumn(this.bytes.slice(0, this.size), this.offsets.slice(0, this.count + 1));
  }

  private reserve(ids: number, bytes: number): void {
    if (this.count + ids + 1 > this.offsets.length) {
      const grown = new Int32Array(Math.max(this.offsets.length * 2, this.count + ids + 1));
      grown.set(this.offsets);
      this.offsets = grown;
    }
    if (this.size + bytes > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.size + bytes));
      grown.set(this.bytes);
      this.bytes = grown;
    }
  }
}

/**
 * A valid dataset as columns. Rows are in the dataset's order; references are
 * dense indexes (partner p is `partners.ids[p]`, customer c is 0 ≤ c <
 * `customers.count`, person i is row i of `people`); dates are day numbers;
 * products, association types and exams are indexes into small catalogs.
 */
export interface DatasetColumns {
  readonly partners: {
    readonly ids: readonly string[];
    readonly names: readonly string[];
    readonly countries: readonly string[];
    /** The market of each partner's country under the catalog the data was validated against. */
    readonly markets: readonly string[];
  };
  readonly customers: { readonly count: number };
  readonly associations: {
    readonly types: readonly string[];
    readonly customer: Int32Array;
    readonly partner: Int32Array;
    /** Index into `types`. */
    readonly type: Int32Array;
    /** First and last day the association holds; `last` is NEVER while it is open. */
    readonly first: Int32Array;
    readonly last: Int32Array;
  };
  readonly revenue: {
    readonly products: readonly string[];
    readonly customer: Int32Array;
    readonly day: Int32Array;
    /** Index into `products`. */
    readonly product: Int32Array;
    /** 1 for net new revenue, else 0. */
    readonly netNew: Uint8Array;
    /** US cents at the line month's rate, rounded half away from zero: safe integers, exact in a Float64Array. */
    readonly cents: Float64Array;
    readonly ids: Ids;
  };
  readonly people: {
    /** The partner of each person. */
    readonly partner: Int32Array;
    readonly ids: Ids;
  };
  readonly examPasses: {
    readonly exams: readonly string[];
    readonly person: Int32Array;
    /** Index into `exams`; exams outside a version's catalog count for nothing. */
    readonly exam: Int32Array;
    readonly day: Int32Array;
  };
}

/** Millions of lines share a few thousand dates: parse each date once. */
export function memoizedDayNumber(): (date: IsoDate) => DayNumber {
  const days = new Map<IsoDate, DayNumber>();
  return (date) => {
    let day = days.get(date);
    if (day === undefined) {
      day = dayNumberOf(date);
      days.set(date, day);
    }
    return day;
  };
}

/** Index of each distinct value, in order of first appearance: a catalog column. */
class Catalog {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();

  of(value: string): number {
    let i = this.index.get(value);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(value);
      this.index.set(value, i);
    }
    return i;
  }
}

function indexById(records: readonly { readonly id: string }[]): Map<string, number> {
  const index = new Map<string, number>();
  records.forEach((r, i) => index.set(r.id, i));
  return index;
}

function lookup(index: ReadonlyMap<string, number>, id: string, what: string): number {
  const i = index.get(id);
  if (i === undefined) throw new RangeError(`${what} "${id}" is not in the dataset`);
  return i;
}

/** Associations as columns, customers and partners numbered by the indexes given (every reference must be in them). */
export function associationColumnsOf(
  associations: readonly Association[],
  customerIndex: ReadonlyMap<string, number>,
  partnerIndex: ReadonlyMap<string, number>,
  dayOf: (date: IsoDate) => DayNumber,
): DatasetColumns['associations'] {
  const types = new Catalog();
  const columns = {
    customer: new Int32Array(associations.length),
    partner: new Int32Array(associations.length),
    type: new Int32Array(associations.length),
    first: new Int32Array(associations.length),
    last: new Int32Array(associations.length),
  };
  associations.forEach((a, i) => {
    columns.customer[i] = lookup(customerIndex, a.customerId, 'customer');
    columns.partner[i] = lookup(partnerIndex, a.partnerId, 'partner');
    columns.type[i] = types.of(a.type);
    columns.first[i] = dayOf(a.start);
    columns.last[i] = a.end === null ? NEVER : dayOf(a.end);
  });
  return { types: types.values, ...columns };
}

/** A validated dataset as columns. Ids are read from the dataset's records when asked for, not copied. */
export function columnsOf(dataset: Dataset): DatasetColumns {
  const partnerIndex = indexById(dataset.partners);
  const customerIndex = indexById(dataset.customers);
  const personIndex = indexById(dataset.people);
  const dayOf = memoizedDayNumber();

  const associations = associationColumnsOf(dataset.associations, customerIndex, partnerIndex, dayOf);
  const { revenue, people, examPasses } = dataset;

  const products = new Catalog();
  const lines = {
    customer: new Int32Array(revenue.length),
    day: new Int32Array(revenue.length),
    product: new Int32Array(revenue.length),
    netNew: new Uint8Array(revenue.length),
    cents: new Float64Array(revenue.length),
  };
  for (let i = 0; i < revenue.length; i++) {
    const line = revenue[i]!;
    lines.customer[i] = lookup(customerIndex, line.customerId, 'customer');
    lines.day[i] = dayOf(line.date);
    lines.product[i] = products.of(line.product);
    lines.netNew[i] = line.netNew ? 1 : 0;
    lines.cents[i] = line.usdCents;
  }

  const exams = new Catalog();
  const passes = {
    person: new Int32Array(examPasses.length),
    exam: new Int32Array(examPasses.length),
    day: new Int32Array(examPasses.length),
  };
  examPasses.forEach((pass, i) => {
    passes.person[i] = lookup(personIndex, pass.personId, 'person');
    passes.exam[i] = exams.of(pass.exam);
    passes.day[i] = dayOf(pass.date);
  });

  return {
    partners: {
      ids: dataset.partners.map((p) => p.id),
      names: dataset.partners.map((p) => p.name),
      countries: dataset.partners.map((p) => p.country),
      markets: dataset.partners.map((p) => p.market),
    },
    customers: { count: dataset.customers.length },
    associations,
    revenue: { products: products.values, ...lines, ids: { length: revenue.length, get: (i) => revenue[i]!.id } },
    people: {
      partner: Int32Array.from(people, (p) => lookup(partnerIndex, p.partnerId, 'partner')),
      ids: { length: people.length, get: (i) => people[i]!.id },
    },
    examPasses: { exams: exams.values, ...passes },
  };
}
