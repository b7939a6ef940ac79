/**
 * Raw dataset → Dataset, or every problem in it. Nothing is evaluated from an
 * invalid dataset, so this is the one gate all input passes.
 */
import currencyCodes from 'currency-codes';
import { monthOf } from '../calendar.js';
import { decimalFromNumber, decimalToString, parseDecimal, toUsdCents, type Decimal } from '../money.js';
import { problemsFromZod, quote, recordLabel, type Problem } from '../problems.js';
import type { Program } from '../program/model.js';
import type { Result } from '../result.js';
import type { Association, Customer, Dataset, ExamPass, FxRate, Partner, Person, RevenueLine } from './model.js';
import { collections, type CollectionName } from './schema.js';
import type { z } from 'zod';

type RecordOf<C extends CollectionName> = z.infer<(typeof collections)[C]>;

/** A record that passed its own checks, with where it stood in the input. */
interface Checked<T> {
  readonly index: number;
  readonly label: string;
  readonly record: T;
}

const BASE_CURRENCY = 'USD';
const ISO_4217 = new Set(currencyCodes.codes());

function decimalOf(value: number | string): Decimal | undefined {
  return typeof value === 'number' ? decimalFromNumber(value) : parseDecimal(value);
}

export function validateDataset(raw: unknown, program: Program): Result<Dataset> {
  return new DatasetValidator(program).validate(raw);
}

class DatasetValidator {
  private readonly problems: Problem[] = [];
  /** Ids present in the input, valid records or not, so one bad record yields one problem, not a cascade. */
  private readonly knownIds = new Map<'partners' | 'customers' | 'people', Set<string>>();

  constructor(private readonly program: Program) {}

  validate(raw: unknown): Result<Dataset> {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      return { ok: false, problems: [{ record: 'dataset', field: '', message: 'dataset must be a JSON object with a "partners" array' }] };
    }
    const input = raw as Record<string, unknown>;
    for (const key of Object.keys(input)) {
      if (!Object.hasOwn(collections, key)) {
        this.problem('dataset', key, `unknown field "${key}" (expected ${Object.keys(collections).join(', ')})`);
      }
    }
    if (!Object.hasOwn(input, 'partners')) this.problem('dataset', 'partners', 'partners is missing');

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
    return this.problems.length > 0 ? { ok: false, problems: this.problems } : { ok: true, value: result };
  }

  /** Runs each record of a collection through its schema; keeps the good ones. */
  private check<C extends CollectionName>(input: Record<string, unknown>, name: C): Checked<RecordOf<C>>[] {
    const value = input[name];
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.problem('dataset', name, `${name} must be an array of records`);
      return [];
    }
    const schema = collections[name];
    const idSet = name === 'partners' || name === 'customers' || name === 'people' ? new Set<string>() : undefined;
    if (idSet) this.knownIds.set(name as 'partners' | 'customers' | 'people', idSet);
    const checked: Checked<RecordOf<C>>[] = [];
    value.forEach((record: unknown, index) => {
      const id = typeof record === 'object' && record !== null ? (record as { id?: unknown }).id : undefined;
      if (idSet && typeof id === 'string') idSet.add(id);
      const label = recordLabel(name, index, id);
      if (typeof record !== 'object' || record === null || Array.isArray(record)) {
        this.problem(label, '', `${name} records must be objects`);
        return;
      }
      const parsed = schema.safeParse(record, { reportInput: true });
      if (parsed.success) checked.push({ index, label, record: parsed.data as RecordOf<C> });
      else this.problems.push(...problemsFromZod(parsed.error.issues, label));
    });
    return checked;
  }

  private partners(records: Checked<RecordOf<'partners'>>[]): Partner[] {
    const out: Partner[] = [];
    this.rejectDuplicateIds('partners', records);
    for (const { label, record } of records) {
      const market = this.marketOf(label, record.country);
      if (market !== undefined) out.push({ ...record, market });
    }
    return out;
  }

  private customers(records: Checked<RecordOf<'customers'>>[]): Customer[] {
    this.rejectDuplicateIds('customers', records);
    for (const { label, record } of records) this.marketOf(label, record.country);
    return records.map((c) => c.record);
  }

  private associations(records: Checked<RecordOf<'associations'>>[]): Association[] {
    const out: Association[] = [];
    for (const { label, record } of records) {
      this.reference(label, 'customerId', record.customerId, 'customers', 'customer');
      this.reference(label, 'partnerId', record.partnerId, 'partners', 'partner');
      if (!this.program.associationTypes.has(record.type)) {
        this.problem(label, 'type', `type ${quote(record.type)} is not an association type (${[...this.program.associationTypes.keys()].join(', ')})`);
      }
      const end = record.end ?? null;
      if (end !== null && end < record.start) {
        this.problem(label, 'end', `end "${end}" is before start "${record.start}"`);
      }
      out.push({ customerId: record.customerId, partnerId: record.partnerId, type: record.type, start: record.start, end });
    }
    this.rejectOverlaps(records);
    return out;
  }

  /** Two associations of an exclusive type (DPOR) for one customer may not share a day. */
  private rejectOverlaps(records: Checked<RecordOf<'associations'>>[]): void {
    const groups = new Map<string, Checked<RecordOf<'associations'>>[]>();
    for (const checked of records) {
      if (!this.program.associationTypes.get(checked.record.type)?.exclusive) continue;
      const key = `${checked.record.type}\u0000${checked.record.customerId}`;
      const group = groups.get(key);
      if (group) group.push(checked);
      else groups.set(key, [checked]);
    }
    for (const group of groups.values()) {
      group.sort((a, b) => (a.record.start < b.record.start ? -1 : a.record.start > b.record.start ? 1 : a.index - b.index));
      // Track the association reaching furthest so far; any later start on or before its end overlaps it.
      let reach = group[0];
      for (const current of group.slice(1)) {
        if (!reach) break;
        const reachEnd = reach.record.end ?? null;
        if (reachEnd === null || current.record.start <= reachEnd) {
          const { type, customerId, partnerId, start, end } = current.record;
          const other = reach.record;
          this.problem(
            current.label,
            'start',
            `${type} association of customer "${customerId}" with partner "${partnerId}" (${start} to ${end ?? 'open'}) overlaps ${reach.label} (partner "${other.partnerId}", ${other.start} to ${other.end ?? 'open'})`,
          );
        }
        const currentEnd = current.record.end ?? null;
        if (reachEnd !== null && (currentEnd === null || currentEnd > reachEnd)) reach = current;
      }
    }
  }

  private fxRates(records: Checked<RecordOf<'fxRates'>>[]): { list: FxRate[]; byKey: Map<string, Decimal> } {
    const byKey = new Map<string, Decimal>();
    const firstAt = new Map<string, string>();
    const list: FxRate[] = [];
    for (const { label, record } of records) {
      const currencyOk = this.currency(label, record.currency);
      const rate = decimalOf(record.usdPerUnit);
      if (!rate || rate.units <= 0n) {
        this.problem(label, 'usdPerUnit', `usdPerUnit ${quote(record.usdPerUnit)} must be a positive decimal number`);
        continue;
      }
      if (record.currency === BASE_CURRENCY && !(rate.units === 1n && rate.scale === 0)) {
        this.problem(label, 'usdPerUnit', `usdPerUnit ${quote(record.usdPerUnit)} must be 1 for USD, the base currency`);
        continue;
      }
      const key = `${record.currency}\u0000${record.month}`;
      const earlier = firstAt.get(key);
      if (earlier !== undefined) {
        this.problem(label, 'month', `rate for ${record.currency} in ${record.month} is already given by ${earlier}`);
        continue;
      }
      firstAt.set(key, label);
      if (currencyOk) byKey.set(key, rate);
      list.push({ currency: record.currency, month: record.month, usdPerUnit: decimalToString(rate) });
    }
    return { list, byKey };
  }

  private revenue(records: Checked<RecordOf<'revenue'>>[], rates: Map<string, Decimal>): RevenueLine[] {
    this.rejectDuplicateIds('revenue', records);
    const out: RevenueLine[] = [];
    for (const { label, record } of records) {
      this.reference(label, 'customerId', record.customerId, 'customers', 'customer');
      if (!this.program.products.has(record.product)) {
        this.problem(label, 'product', `product ${quote(record.product)} is not a product of the program`);
      }
      const amount = decimalOf(record.amount);
      if (!amount) {
        this.problem(label, 'amount', `amount ${quote(record.amount)} is not a decimal number`);
      }
      if (!this.currency(label, record.currency) || !amount) continue;
      let rate: Decimal | undefined;
      if (record.currency !== BASE_CURRENCY) {
        rate = rates.get(`${record.currency}\u0000${monthOf(record.date)}`);
        if (!rate) {
          this.problem(label, 'currency', `currency "${record.currency}" has no fxRates entry for month ${monthOf(record.date)}`);
          continue;
        }
      }
      let usdCents: number;
      try {
        usdCents = toUsdCents(amount, rate);
      } catch {
        this.problem(label, 'amount', `amount ${quote(record.amount)} is too large to count exactly`);
        continue;
      }
      out.push({ ...record, amount: decimalToString(amount), usdCents });
    }
    return out;
  }

  private people(records: Checked<RecordOf<'people'>>[]): Person[] {
    this.rejectDuplicateIds('people', records);
    for (const { label, record } of records) this.reference(label, 'partnerId', record.partnerId, 'partners', 'partner');
    return records.map((p) => p.record);
  }

  private examPasses(records: Checked<RecordOf<'examPasses'>>[]): ExamPass[] {
    for (const { label, record } of records) this.reference(label, 'personId', record.personId, 'people', 'person');
    return records.map((e) => e.record);
  }

  private currency(label: string, code: string): boolean {
    if (ISO_4217.has(code)) return true;
    this.problem(label, 'currency', `currency ${quote(code)} is not an ISO 4217 code`);
    return false;
  }

  private marketOf(label: string, country: string): string | undefined {
    const market = this.program.countries.get(country);
    if (market === undefined) {
      this.problem(label, 'country', `country ${quote(country)} is not an ISO 3166-1 alpha-2 code of the market table`);
    }
    return market;
  }

  private reference(
    label: string,
    field: string,
    id: string,
    collection: 'partners' | 'customers' | 'people',
    noun: string,
  ): void {
    if (!this.knownIds.get(collection)?.has(id)) {
      this.problem(label, field, `${field} ${quote(id)} does not name a ${noun} of the dataset`);
    }
  }

  private rejectDuplicateIds(collection: string, records: readonly Checked<{ id: string }>[]): void {
    const first = new Map<string, number>();
    for (const { index, label, record } of records) {
      const earlier = first.get(record.id);
      if (earlier === undefined) first.set(record.id, index);
      else this.problem(label, 'id', `id ${quote(record.id)} is already used by ${collection}[${earlier}]`);
    }
  }

  private problem(record: string, field: string, message: string): void {
    this.problems.push({ record, field, message });
  }
}
