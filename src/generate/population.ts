/**
 * A synthetic partner population at program scale, deterministic per seed:
 * what `attain generate` writes and what the benchmark measures. Everything
 * it names comes from the program definition (countries of both markets,
 * products of every version, the exam sets of every certified-people
 * requirement), so any definition gets data its rules can judge.
 *
 * The population is a stream of records in primitive fields (indexes, day
 * numbers, amount text), never held whole: consumers turn them into
 * columns, dataset objects or CSV rows as they come.
 */
import { NEVER, toDayNumber, type Program, type Requirement } from '../engine/index.js';

export interface GenerateOptions {
  readonly partners: number;
  readonly seed: number;
}

/** The days the revenue lines span: 2015-12-30 to 2017-12-28. */
export const FIRST_DAY = toDayNumber({ year: 2015, month: 12, day: 30 });
export const SPAN = 730;
/** Foreign currencies of the lines (the rest are in US dollars), with monthly rates. */
export const CURRENCIES = ['EUR', 'GBP'] as const;
const RATE_BASE = { EUR: 1.05, GBP: 1.2 } as const;
const RATE_YEARS = [2015, 2016, 2017, 2018];
/** Lines of the median partner, about: sizes follow a power law with a mean of about 50. */
const LINES_SCALE = 17;
/** Countries of each market taken from the definition: a dozen, both markets. */
const COUNTRIES_PER_MARKET = 6;

export type PopulationRecord =
  | { readonly kind: 'rate'; readonly currency: string; readonly month: string; readonly usdPerUnit: string }
  | { readonly kind: 'partner'; readonly partner: number; readonly country: string }
  | { readonly kind: 'customer'; readonly customer: number; readonly partner: number; readonly local: number; readonly country: string }
  | {
      readonly kind: 'association';
      readonly customer: number;
      /** The customer's own partner (it names the customer), and the partner associated. */
      readonly owner: number;
      readonly local: number;
      readonly partner: number;
      readonly first: number;
      readonly last: number;
    }
  | {
      readonly kind: 'revenue';
      readonly line: number;
      readonly customer: number;
      readonly partner: number;
      readonly local: number;
      readonly product: number;
      readonly day: number;
      readonly amount: string;
      /** Index into CURRENCIES; -1 for US dollars. */
      readonly currency: number;
      readonly netNew: boolean;
    }
  | { readonly kind: 'person'; readonly person: number; readonly partner: number; readonly local: number }
  | {
      readonly kind: 'pass';
      readonly person: number;
      readonly partner: number;
      readonly local: number;
      readonly exam: number;
      readonly day: number;
    };

/** Ids of the generated records. */
export const ids = {
  partner: (p: number): string => `P${p}`,
  customer: (p: number, c: number): string => `C${p}-${c}`,
  line: (l: number): string => `R${l}`,
  person: (p: number, i: number): string => `E${p}-${i}`,
};

/** A seeded PRNG (mulberry32): the same sequence for the same seed on every machine. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What the generator draws from: catalogs of the definition, in a stable order. */
export interface Catalogs {
  readonly countries: readonly string[];
  readonly products: readonly string[];
  readonly exams: readonly string[];
  /** Certification paths: the exam sets of each distinct certified-people requirement, as exam indexes. */
  readonly paths: readonly (readonly (readonly number[])[])[];
  /** Per exam, the first day it was offered (the first of its `availableFrom` month), or NEVER's opposite when always. */
  readonly examFirstDay: readonly number[];
}

export function catalogsOf(program: Program): Catalogs {
  const byMarket = new Map<string, string[]>();
  for (const [country, market] of [...program.countries].sort(([a], [b]) => a.localeCompare(b))) {
    const list = byMarket.get(market) ?? [];
    if (list.length < COUNTRIES_PER_MARKET) list.push(country);
    byMarket.set(market, list);
  }
  const countries = [...byMarket.values()].flat();
  const products = [...program.products.keys()];
  const exams: string[] = [];
  const seen = new Set<string>();
  const paths: number[][][] = [];
  const visit = (requirement: Requirement): void => {
    if (requirement.kind === 'any-of') return requirement.alternatives.forEach(visit);
    if (requirement.kind !== 'certified-people') return;
    const key = JSON.stringify(requirement.examSets.map((s) => s.exams));
    if (seen.has(key)) return;
    seen.add(key);
    paths.push(
      requirement.examSets.map((set) =>
        set.exams.map((exam) => {
          let i = exams.indexOf(exam);
          if (i < 0) i = exams.push(exam) - 1;
          return i;
        }),
      ),
    );
  };
  for (const version of program.versions)
    for (const competency of version.competencies)
      for (const option of competency.options) for (const level of option.levels) level.requirements.forEach(visit);
  const examFirstDay = exams.map((exam) => {
    const month = program.examAvailableFrom.get(exam);
    if (month === undefined) return -NEVER;
    const [year, m] = month.split('-').map(Number) as [number, number];
    return toDayNumber({ year, month: m, day: 1 });
  });
  return { countries, products, exams, paths, examFirstDay };
}

/**
 * The population's records in order: fx rates, then each partner with its
 * customers, their DPOR associations (10% of customers handed over from
 * another partner during the span), its revenue lines and its people with
 * their exam passes. Partner sizes are long-tailed: most have a few lines,
 * a few have thousands; about 50 on average.
 */
export function* population(catalogs: Catalogs, options: GenerateOptions): Generator<PopulationRecord> {
  const { countries, products, paths, examFirstDay } = catalogs;
  const partnerCount = options.partners;
  const random = mulberry32(options.seed);
  const pick = (length: number): number => Math.floor(random() * length);
  for (const currency of CURRENCIES) {
    for (const year of RATE_YEARS) {
      for (let month = 1; month <= 12; month++) {
        const usdPerUnit = (RATE_BASE[currency] + random() * 0.15).toFixed(4);
        yield { kind: 'rate', currency, month: `${year}-${String(month).padStart(2, '0')}`, usdPerUnit };
      }
    }
  }
  let line = 0;
  let customer = 0;
  let person = 0;
  for (let p = 0; p < partnerCount; p++) {
    yield { kind: 'partner', partner: p, country: countries[pick(countries.length)]! };
    const lines = Math.min(3000, Math.floor(LINES_SCALE / Math.pow(random() + 0.002, 0.75)));
    const customers = 1 + Math.floor(lines / 15);
    const firstCustomer = customer;
    for (let c = 0; c < customers; c++) {
      yield { kind: 'customer', customer, partner: p, local: c, country: countries[pick(countries.length)]! };
      if (random() < 0.1 && partnerCount > 1) {
        const handOver = FIRST_DAY + pick(SPAN);
        const from = (p + 1) % partnerCount;
        yield { kind: 'association', customer, owner: p, local: c, partner: from, first: FIRST_DAY - 400, last: handOver };
        yield { kind: 'association', customer, owner: p, local: c, partner: p, first: handOver + 1, last: NEVER };
      } else {
        yield { kind: 'association', customer, owner: p, local: c, partner: p, first: FIRST_DAY - 400, last: NEVER };
      }
      customer += 1;
    }
    for (let l = 0; l < lines; l++) {
      const draw = random();
      const currency = draw < 0.12 ? 0 : draw < 0.2 ? 1 : -1;
      const local = pick(customers);
      yield {
        kind: 'revenue',
        line: line++,
        customer: firstCustomer + local,
        partner: p,
        local,
        product: pick(products.length),
        day: FIRST_DAY + pick(SPAN),
        amount: (Math.floor(random() * 1_500_000) / 100).toFixed(2),
        currency,
        netNew: random() < 0.6,
      };
    }
    // Most of a partner's people follow its own certification path; the others any path.
    const people = Math.floor(lines / 5);
    const focus = pick(paths.length);
    for (let i = 0; i < people; i++) {
      yield { kind: 'person', person, partner: p, local: i };
      const path = paths.length === 0 ? [] : paths[random() < 0.7 ? focus : pick(paths.length)]!;
      for (const set of path)
        for (const exam of set)
          if (random() < 0.9) {
            // Never before the exam was offered: such a pass is invalid data.
            const first = Math.max(FIRST_DAY - 200, examFirstDay[exam]!);
            yield { kind: 'pass', person, partner: p, local: i, exam, day: first + pick(FIRST_DAY + SPAN - first) };
          }
      person += 1;
    }
  }
}
