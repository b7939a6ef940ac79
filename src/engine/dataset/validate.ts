/**
 * Raw dataset → Dataset, or every problem in it. Nothing is evaluated from an
 * invalid dataset, so this is the one gate all input passes.
 */
import currencyCodes from 'currency-codes';
import { monthOf } from '../calendar.js';
import { memoizedDayNumber, NEVER } from '../evaluation/columns.js';
import { canonicalDecimalText, decimalFromNumber, decimalToString, parseDecimal, type Cents, type Decimal } from '../money.js';
import { problem, problemsFromZod, quote, recordLabel, type MessageValues, type Problem } from '../problems.js';
import type { Catalog } from '../program/model.js';
import type { Result } from '../result.js';
import { textToUsdCents } from '../rules/currency-conversion.js';
import { exclusiveOverlaps } from '../rules/exclusive-associations.js';
import { loneSurrogateAt } from '../text.js';
import type { Association, Customer, Dataset, ExamPass, FxRate, Partner, Person, RevenueLine } from './model.js';
import { collections, MAX_ID_LENGTH, type CollectionName } from './schema.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { z } from 'zod';
import { regexes } from 'zod/v4/core';

type RecordOf<C extends CollectionName> = z.infer<(typeof collections)[C]>;

/** A record that passed its own checks, with where it stood in the input. */
class Checked<T> {
  constructor(
    readonly collection: CollectionName,
    readonly index: number,
    readonly record: T,
  ) {}

  /** `revenue[17] (id R-88)`, built only when a problem needs it: millions of records never do. */
  get label(): string {
    return recordLabel(this.collection, this.index, (this.record as { id?: unknown }).id);
  }
}

/** Where a problem is: a label, or a record that knows its label. */
type At = string | { readonly label: string };

/**
 * The common case, a well-formed record, is accepted by a JSON Schema
 * validator compiled from the same zod schemas (fast, allocation-free); zod
 * parses only the records that fail, to explain exactly what is wrong.
 */
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: false });
export const WELL_FORMED = Object.fromEntries(
  Object.entries(collections).map(([name, schema]) => {
    const valid = ajv.compile(z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }));
    // JSON has no Infinity or NaN, so its Schema's `number` lets them through where zod refuses them: a record
    // handed in by a caller (not parsed from JSON) holding one goes to zod, which names the field.
    return [name, (record: unknown) => valid(record) && finiteNumbers(record)];
  }),
) as unknown as Record<CollectionName, (record: unknown) => boolean>;

/** Every number of a (flat) record is finite. */
function finiteNumbers(record: unknown): boolean {
  if (!isObject(record)) return true;
  for (const key in record) {
    const value = record[key];
    if (typeof value === 'number' && !Number.isFinite(value)) return false;
  }
  return true;
}

const BASE_CURRENCY = 'USD';

const ID_FIELDS: ReadonlySet<string> = new Set(['id', 'customerId', 'partnerId', 'personId']);
const DATE_FIELDS: ReadonlySet<string> = new Set(['start', 'end', 'date']);
/** The first day both stores accept; the schema's YYYY-MM-DD already ends at 9999-12-31. */
const FIRST_DATE = '0001-01-01';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function amountTextOf(record: RecordOf<'revenue'>): string {
  return typeof record.amount === 'number' ? String(record.amount) : record.amount;
}
const ISO_4217 = new Set(currencyCodes.codes());

function decimalOf(value: number | string): Decimal | undefined {
  return typeof value === 'number' ? decimalFromNumber(value) : parseDecimal(value);
}

const COLLECTION_RANK = new Map(Object.keys(collections).map((name, rank) => [name, rank + 1] as const));
const LABEL = /^(\w+)\[(\d+)\]/;

/** Problems sorted as a reader meets them: the dataset itself, then collection by collection, record by record. */
function inReadingOrder(problems: readonly Problem[]): Problem[] {
  const key = (p: Problem): [number, number] => {
    const m = LABEL.exec(p.record);
    return m ? [COLLECTION_RANK.get(m[1]!) ?? 0, Number(m[2])] : [0, 0];
  };
  return problems
    .map((problem, seq) => ({ problem, seq, key: key(problem) }))
    .sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.seq - b.seq)
    .map((entry) => entry.problem);
}

export function validateDataset(raw: unknown, program: Catalog): Result<Dataset> {
  return new DatasetValidator(program).validate(raw);
}

/**
 * One record's checks that need no other record: its shape, then the
 * program's catalogs (country, association type, product, currency, amount,
 * rate). What a streaming import runs on each row as it arrives; references,
 * missing rates, overlaps and converted amounts are checked against the
 * whole store afterwards. The same code as `validateDataset`, so a record
 * gets the same words either way.
 */
export class RowChecker {
  private readonly validator: DatasetValidator;

  constructor(program: Catalog) {
    this.validator = new DatasetValidator(program);
  }

  /** The record if well-formed (undefined if not), and its problems in the order `validateDataset` gives them. */
  check<C extends CollectionName>(
    collection: C,
    record: unknown,
    label: () => string,
  ): { readonly record: RecordOf<C> | undefined; readonly problems: Problem[] } {
    const shaped = WELL_FORMED[collection](record) ? (record as RecordOf<C>) : this.validator.shape(collection, record, label);
    const wellFormed = shaped && this.validator.limits(shaped, label) ? shaped : undefined;
    if (wellFormed)
      this.validator.row(
        {
          get label() {
            return label();
          },
        },
        collection,
        wellFormed,
      );
    return { record: wellFormed, problems: this.validator.take() };
  }
}

/** What `z.iso.date()` accepts (zod's own pattern): a calendar date as YYYY-MM-DD, leap days included. */
const ISO_DATE = regexes.date;
/** Plain decimal text that is its own canonical form, parses, and converts to cents in range at any rate up to 1 (|amount| < 10^13). */
const PLAIN_AMOUNT = /^-?\d{1,13}(?:\.\d{1,40})?$/;

/**
 * The common case of a CSV row, decided on its cells without building a
 * record: a predicate that is true only when `RowChecker.check` would find
 * no problem in the record the row makes (`csvRecord`: the header's fields,
 * `netNew` read as true or false, an empty `end` as none) and the record's
 * values are the cells as they are (an amount in canonical form). False
 * means "not sure": the row is then checked by `RowChecker`, which words its
 * problems. Undefined when the header is not exactly the collection's
 * fields (every row then goes through `RowChecker`). Held to `RowChecker`
 * by test/store-import-csv.test.ts.
 */
export function plainRowCheck(
  program: Catalog,
  collection: CollectionName,
  columns: readonly string[],
): ((cells: readonly string[]) => boolean) | undefined {
  const shape = collections[collection].shape as Record<string, z.ZodType>;
  const fields = Object.keys(shape);
  const optional = collection === 'associations' ? ['end'] : [];
  if (collection === 'fxRates') return undefined; // a few rows at most: RowChecker decides each
  if (columns.some((c) => !fields.includes(c)) || fields.some((f) => !optional.includes(f) && !columns.includes(f))) return undefined;
  const at = (field: string): number => columns.indexOf(field);
  const checks: ((cells: readonly string[]) => boolean)[] = [];
  for (const field of fields) {
    const i = at(field);
    if (i < 0) continue;
    if (field === 'end') {
      const start = at('start');
      checks.push((c) => c[i] === '' || (ISO_DATE.test(c[i]!) && c[i]! >= FIRST_DATE && c[i]! >= c[start]!));
    } else if (DATE_FIELDS.has(field)) checks.push((c) => ISO_DATE.test(c[i]!) && c[i]! >= FIRST_DATE);
    else if (field === 'amount') checks.push((c) => PLAIN_AMOUNT.test(c[i]!));
    else if (field === 'netNew')
      checks.push((c) => {
        const value = c[i]!.trim().toLowerCase();
        return value === 'true' || value === 'false';
      });
    else if (field === 'country') checks.push((c) => program.countries.has(c[i]!));
    else if (field === 'currency') checks.push((c) => ISO_4217.has(c[i]!));
    else if (field === 'product') checks.push((c) => program.products.has(c[i]!));
    else if (field === 'type') checks.push((c) => program.associationTypes.has(c[i]!));
    else if (ID_FIELDS.has(field)) checks.push((c) => c[i]!.length > 0 && c[i]!.length <= MAX_ID_LENGTH);
    else checks.push((c) => c[i]!.length > 0);
  }
  if (collection === 'examPasses') {
    const exam = at('exam');
    const date = at('date');
    checks.push((c) => {
      const month = program.examAvailableFrom.get(c[exam]!);
      return month === undefined || c[date]!.slice(0, 7) >= month;
    });
  }
  return (cells) => {
    for (const check of checks) if (!check(cells)) return false;
    return true;
  };
}

class DatasetValidator {
  private readonly problems: Problem[] = [];
  /** Ids present in the input (first index of each), valid records or not, so one bad record yields one problem, not a cascade. */
  private readonly knownIds = new Map<CollectionName, Map<string, number>>();
  /** Collections that are not even arrays: references into them cannot be checked, and are not reported. */
  private readonly unreadable = new Set<CollectionName>();

  constructor(private readonly program: Catalog) {}

  validate(raw: unknown): Result<Dataset> {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      return { ok: false, problems: [problem('dataset', '', 'datasetNotObject', { collection: 'partners' })] };
    }
    const input = raw as Record<string, unknown>;
    for (const key of Object.keys(input)) {
      if (!Object.hasOwn(collections, key)) {
        this.problem('dataset', key, 'unknownCollection', { field: key, expected: Object.keys(collections).join(', ') });
      }
    }
    if (!Object.hasOwn(input, 'partners')) this.problem('dataset', 'partners', 'missing', { subject: 'partners' });

    const partners = this.check(input, 'partners');
    const customers = this.check(input, 'customers');
    const associations = this.check(input, 'associations');
    const revenue = this.check(input, 'revenue');
    const people = this.check(input, 'people');
    const examPasses = this.check(input, 'examPasses');
    const fxRates = this.check(input, 'fxRates');

    const dataset: Dataset = {
      partners: this.partners(partners),
      customers: this.customers(customers),
      associations: this.associations(associations),
      fxRates: [],
      revenue: [],
      people: this.people(people),
      examPasses: this.examPasses(examPasses),
    };
    const rates = this.fxRates(fxRates);
    const result: Dataset = { ...dataset, fxRates: rates.list, revenue: this.revenue(revenue, rates.byKey) };
    return this.problems.length > 0 ? { ok: false, problems: inReadingOrder(this.problems) } : { ok: true, value: result };
  }

  /** Runs each record of a collection through its schema; keeps the good ones. */
  private check<C extends CollectionName>(input: Record<string, unknown>, name: C): Checked<RecordOf<C>>[] {
    const value = input[name];
    if (value === undefined) {
      // Without partners nothing can be checked against them; "partners is missing" says it all.
      if (name === 'partners') this.unreadable.add(name);
      return [];
    }
    if (!Array.isArray(value)) {
      this.unreadable.add(name);
      this.problem('dataset', name, 'collectionNotArray', { collection: name, value: quote(value) });
      return [];
    }
    const firstIndex = new Map<string, number>();
    this.knownIds.set(name, firstIndex);
    const wellFormed = WELL_FORMED[name];
    const checked: Checked<RecordOf<C>>[] = [];
    for (let index = 0; index < value.length; index++) {
      const record: unknown = value[index];
      const id = isObject(record) ? record.id : undefined;
      const label = () => recordLabel(name, index, id);
      const shaped = wellFormed(record) ? (record as RecordOf<C>) : this.shape(name, record, label);
      const accepted = shaped && this.limits(shaped, label) ? shaped : undefined;
      // Duplicates are judged on the raw ids, so a record with another defect still reports its repeated id.
      if (typeof id === 'string') {
        const earlier = firstIndex.get(id);
        if (earlier === undefined) firstIndex.set(id, index);
        else
          this.problem(recordLabel(name, index, id), 'id', 'duplicateId', { field: 'id', value: quote(id), other: `${name}[${earlier}]` });
      }
      if (accepted) checked.push(new Checked(name, index, accepted));
    }
    return checked;
  }

  /** The problems found so far, leaving none behind. */
  take(): Problem[] {
    return this.problems.splice(0);
  }

  /** A record the fast check rejected: zod explains why, or accepts what the fast check was too strict about. */
  shape<C extends CollectionName>(name: C, record: unknown, label: () => string): RecordOf<C> | undefined {
    if (!isObject(record)) {
      this.problem(label(), '', 'recordNotObject', { collection: name, value: quote(record) });
      return undefined;
    }
    const parsed = collections[name].safeParse(record, { reportInput: true });
    if (parsed.success) return parsed.data as RecordOf<C>;
    this.problems.push(...problemsFromZod(parsed.error.issues, label()));
    return undefined;
  }

  /**
   * What a store can keep, checked with the shape (a record failing it is not
   * checked further): text that is Unicode (no lone surrogate, which UTF-8
   * cannot carry and the stores would change into U+FFFD), ids no longer than
   * the API's path parameters take, dates in the years both stores accept
   * (0001 to 9999: PostgreSQL has no year 0). True when the record passes.
   */
  limits(record: object, label: () => string): boolean {
    let ok = true;
    for (const field in record) {
      const value = (record as Record<string, unknown>)[field];
      if (typeof value !== 'string') continue;
      const lone = loneSurrogateAt(value);
      if (lone >= 0) {
        this.problem(label(), field, 'textNotWellFormed', { field, position: lone + 1 });
        ok = false;
      } else if (ID_FIELDS.has(field) && value.length > MAX_ID_LENGTH) {
        this.problem(label(), field, 'idTooLong', { field, length: value.length, maximum: MAX_ID_LENGTH });
        ok = false;
      } else if (DATE_FIELDS.has(field) && value < FIRST_DATE) {
        this.problem(label(), field, 'dateOutOfRange', { field, value });
        ok = false;
      }
    }
    return ok;
  }

  /**
   * The checks a well-formed record needs on its own, against the program's
   * catalogs (no other record): what the store checks row by row as a file
   * streams in, the rest being set queries.
   */
  row<C extends CollectionName>(at: At, name: C, record: RecordOf<C>): void {
    switch (name) {
      case 'partners':
      case 'customers':
        this.marketOf(at, (record as RecordOf<'partners'>).country);
        return;
      case 'associations':
        this.associationRow(at, record as RecordOf<'associations'>);
        return;
      case 'revenue':
        this.revenueRow(at, record as RecordOf<'revenue'>, 'unknown');
        return;
      case 'fxRates':
        this.rateRow(at, record as RecordOf<'fxRates'>);
        return;
      case 'examPasses':
        this.passRow(at, record as RecordOf<'examPasses'>);
        return;
      default:
        return;
    }
  }

  private partners(records: Checked<RecordOf<'partners'>>[]): Partner[] {
    const out: Partner[] = [];
    for (const at of records) {
      const { record } = at;
      const market = this.marketOf(at, record.country);
      if (market !== undefined) out.push({ ...record, market });
    }
    return out;
  }

  private customers(records: Checked<RecordOf<'customers'>>[]): Customer[] {
    for (const at of records) this.marketOf(at, at.record.country);
    return records.map((c) => c.record);
  }

  private associations(records: Checked<RecordOf<'associations'>>[]): Association[] {
    const out: Association[] = [];
    for (const at of records) {
      const { record } = at;
      this.reference(at, 'customerId', record.customerId, 'customers', 'customer');
      this.reference(at, 'partnerId', record.partnerId, 'partners', 'partner');
      this.associationRow(at, record);
      out.push({
        customerId: record.customerId,
        partnerId: record.partnerId,
        type: record.type,
        start: record.start,
        end: record.end ?? null,
      });
    }
    this.rejectOverlaps(records);
    return out;
  }

  private associationRow(at: At, record: RecordOf<'associations'>): void {
    if (!this.program.associationTypes.has(record.type)) {
      this.problem(at, 'type', 'notAssociationType', {
        field: 'type',
        value: quote(record.type),
        types: [...this.program.associationTypes.keys()].join(', '),
      });
    }
    const end = record.end ?? null;
    if (end !== null && end < record.start) {
      this.problem(at, 'end', 'dateBefore', { field: 'end', date: end, otherField: 'start', otherDate: record.start });
    }
  }

  /** Two associations of an exclusive type (DPOR) for one customer may not share a day (rules/exclusive-associations.ts). */
  private rejectOverlaps(records: Checked<RecordOf<'associations'>>[]): void {
    const customers = new Map<string, number>();
    const types = new Map<string, number>();
    const numbered = (numbers: Map<string, number>, key: string): number => {
      let n = numbers.get(key);
      if (n === undefined) numbers.set(key, (n = numbers.size));
      return n;
    };
    const dayOf = memoizedDayNumber();
    const overlapped = exclusiveOverlaps(
      {
        customer: Int32Array.from(records, ({ record }) => numbered(customers, record.customerId)),
        type: Int32Array.from(records, ({ record }) => numbered(types, record.type)),
        first: Int32Array.from(records, ({ record }) => dayOf(record.start)),
        last: Int32Array.from(records, ({ record }) => (record.end ? dayOf(record.end) : NEVER)),
      },
      [...types.keys()].map((type) => this.program.associationTypes.get(type)?.exclusive === true),
    );
    overlapped.forEach((reaching, i) => {
      if (reaching < 0) return;
      const current = records[i]!;
      const reach = records[reaching]!;
      const { type, customerId, partnerId, start, end } = current.record;
      const other = reach.record;
      // `open` (a select option of the catalog) for an association without an end.
      this.problem(current.label, 'start', 'associationOverlap', {
        type,
        customer: customerId,
        partner: partnerId,
        start,
        end: end ?? 'open',
        other: reach.label,
        otherPartner: other.partnerId,
        otherStart: other.start,
        otherEnd: other.end ?? 'open',
      });
    });
  }

  private fxRates(records: Checked<RecordOf<'fxRates'>>[]): { list: FxRate[]; byKey: Map<string, Decimal> } {
    const byKey = new Map<string, Decimal>();
    const firstAt = new Map<string, string>();
    const list: FxRate[] = [];
    for (const at of records) {
      const { record } = at;
      const { currencyOk, rate } = this.rateRow(at, record);
      if (!rate) continue;
      const key = `${record.currency}\u0000${record.month}`;
      const earlier = firstAt.get(key);
      if (earlier !== undefined) {
        this.problem(at, 'month', 'duplicateRate', { currency: record.currency, month: record.month, other: earlier });
        continue;
      }
      firstAt.set(key, at.label);
      if (currencyOk) byKey.set(key, rate);
      list.push({ currency: record.currency, month: record.month, usdPerUnit: decimalToString(rate) });
    }
    return { list, byKey };
  }

  /** The rate, when it is a valid one (positive, exactly 1 for the base currency). */
  private rateRow(at: At, record: RecordOf<'fxRates'>): { currencyOk: boolean; rate: Decimal | undefined } {
    const currencyOk = this.currency(at, record.currency);
    const rate = decimalOf(record.usdPerUnit);
    if (!rate || rate.units <= 0n) {
      this.problem(at, 'usdPerUnit', 'notPositiveDecimal', { field: 'usdPerUnit', value: quote(record.usdPerUnit) });
      return { currencyOk, rate: undefined };
    }
    if (record.currency === BASE_CURRENCY && !(rate.units === 1n && rate.scale === 0)) {
      this.problem(at, 'usdPerUnit', 'baseRateNotOne', { field: 'usdPerUnit', value: quote(record.usdPerUnit), currency: BASE_CURRENCY });
      return { currencyOk, rate: undefined };
    }
    return { currencyOk, rate };
  }

  private revenue(records: Checked<RecordOf<'revenue'>>[], rates: Map<string, Decimal>): RevenueLine[] {
    const out: RevenueLine[] = [];
    for (const at of records) {
      const { record } = at;
      this.reference(at, 'customerId', record.customerId, 'customers', 'customer');
      const rate =
        record.currency !== BASE_CURRENCY && ISO_4217.has(record.currency)
          ? rates.get(`${record.currency}\u0000${monthOf(record.date)}`)
          : undefined;
      const { usdCents, currencyOk } = this.revenueRow(at, record, rate);
      if (currencyOk && record.currency !== BASE_CURRENCY && !rate) {
        this.problem(at, 'currency', 'noFxRate', {
          field: 'currency',
          currency: record.currency,
          collection: 'fxRates',
          month: monthOf(record.date),
        });
      }
      // Once anything is wrong no dataset is returned: stop building lines, keep finding problems.
      if (usdCents === undefined || this.problems.length > 0) continue;
      out.push({
        id: record.id,
        customerId: record.customerId,
        product: record.product,
        date: record.date,
        amount: canonicalDecimalText(amountTextOf(record)),
        currency: record.currency,
        netNew: record.netNew,
        usdCents,
      });
    }
    return out;
  }

  /**
   * Product, amount and currency of a line. `rate`: the line month's rate;
   * undefined for US dollars or when there is none (the amount is then
   * checked as dollars); `unknown` when it is not known here (the store
   * checks the size of converted amounts in SQL).
   */
  private revenueRow(
    at: At,
    record: RecordOf<'revenue'>,
    rate: Decimal | undefined | 'unknown',
  ): { usdCents: Cents | undefined; currencyOk: boolean } {
    if (!this.program.products.has(record.product)) {
      this.problem(at, 'product', 'notProgramProduct', { field: 'product', value: quote(record.product) });
    }
    const amountText = amountTextOf(record);
    let usdCents: Cents | undefined;
    if (rate === 'unknown' && record.currency !== BASE_CURRENCY && ISO_4217.has(record.currency)) {
      if (!parseDecimal(amountText)) this.problem(at, 'amount', 'notDecimalNumber', { field: 'amount', value: quote(record.amount) });
    } else {
      try {
        usdCents = textToUsdCents(amountText, rate === 'unknown' ? undefined : rate);
        if (usdCents === undefined) this.problem(at, 'amount', 'notDecimalNumber', { field: 'amount', value: quote(record.amount) });
      } catch {
        this.problem(at, 'amount', 'amountTooLarge', { field: 'amount', value: quote(record.amount) });
      }
    }
    return { usdCents, currencyOk: this.currency(at, record.currency) };
  }

  private people(records: Checked<RecordOf<'people'>>[]): Person[] {
    for (const at of records) this.reference(at, 'partnerId', at.record.partnerId, 'partners', 'partner');
    return records.map((p) => p.record);
  }

  private examPasses(records: Checked<RecordOf<'examPasses'>>[]): ExamPass[] {
    for (const at of records) {
      this.reference(at, 'personId', at.record.personId, 'people', 'person');
      this.passRow(at, at.record);
    }
    return records.map((e) => e.record);
  }

  /** No one passes an exam before it is offered: such a date is a typing slip or another exam. */
  private passRow(at: At, record: RecordOf<'examPasses'>): void {
    const month = this.program.examAvailableFrom.get(record.exam);
    if (month !== undefined && record.date.slice(0, 7) < month) {
      this.problem(at, 'date', 'passBeforeExamAvailable', { field: 'date', date: record.date, exam: quote(record.exam), month });
    }
  }

  private currency(at: At, code: string): boolean {
    if (ISO_4217.has(code)) return true;
    this.problem(at, 'currency', 'notCurrencyCode', { field: 'currency', value: quote(code) });
    return false;
  }

  private marketOf(at: At, country: string): string | undefined {
    const market = this.program.countries.get(country);
    if (market === undefined) {
      this.problem(at, 'country', 'notMarketCountry', { field: 'country', value: quote(country) });
    }
    return market;
  }

  /** `noun` is a select option of the catalog: customer, partner or person. */
  private reference(
    at: At,
    field: string,
    id: string,
    collection: 'partners' | 'customers' | 'people',
    noun: 'customer' | 'partner' | 'person',
  ): void {
    if (this.unreadable.has(collection)) return;
    if (!this.knownIds.get(collection)?.has(id)) {
      this.problem(at, field, 'unknownReference', { field, value: quote(id), noun });
    }
  }

  private problem(at: At, field: string, code: string, values: MessageValues = {}): void {
    this.problems.push(problem(typeof at === 'string' ? at : at.label, field, code, values));
  }
}
