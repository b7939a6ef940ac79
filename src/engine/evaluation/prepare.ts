/**
 * Indexes a valid dataset once so that evaluating every partner, as of any
 * date, is a single pass over contiguous arrays.
 *
 * Nothing here depends on the as-of date: which partner a revenue line is
 * attributed to depends only on the line's own date, and a person's earliest
 * pass of each exam only on their passes. So one preparation serves any
 * number of evaluations of one program version (a timeline, a forecast,
 * what-if).
 *
 * Revenue is stored as "entries": one per (line, scope it counts in, partner
 * it is attributed to), sorted by partner and then by date, so a partner's
 * entries are one slice and a window is a sub-slice.
 */
import { dayNumberOf, type DayNumber } from '../calendar.js';
import type { Dataset, Association } from '../dataset/model.js';
import type { ProgramVersion } from '../program/model.js';

/** A day later than any real one: "never". */
export const NEVER: DayNumber = 2 ** 31 - 1;

export interface PreparedData {
  readonly program: ProgramVersion;
  readonly dataset: Dataset;
  readonly partnerIndex: ReadonlyMap<string, number>;

  /** Entries of partner p are [partnerEntryStart[p], partnerEntryStart[p + 1]), by date. */
  readonly partnerEntryStart: Int32Array;
  readonly entryDay: Int32Array;
  readonly entryScope: Int32Array;
  /** Cents are safe integers; a Float64Array holds them exactly. */
  readonly entryCents: Float64Array;
  /** Index of the entry's line in `dataset.revenue`. */
  readonly entryLine: Int32Array;

  /** People of partner p are personOrder[partnerPersonStart[p] … partnerPersonStart[p + 1]). */
  readonly partnerPersonStart: Int32Array;
  /** Indexes into `dataset.people`, grouped by partner. */
  readonly personOrder: Int32Array;
  /** Exam ids of the program catalog, in the column order of `personExamDay`. */
  readonly examIds: readonly string[];
  /** Exam id → its column. */
  readonly examColumn: ReadonlyMap<string, number>;
  /** Earliest pass day of person i for catalog exam e at [i * examIds.length + e]; NEVER if none. */
  readonly personExamDay: Int32Array;
  /** Last evaluation day on which passes of catalog exam e count; NEVER when they always do. */
  readonly examAcceptedUntil: Int32Array;
  /** Retirement day of catalog exam e (the last day it can be taken); NEVER when it does not retire. */
  readonly examRetires: Int32Array;
  /** Per qualification, per exam set: the catalog columns of its exams and how many must be passed. */
  readonly qualificationSets: readonly (readonly { readonly columns: Int32Array; readonly minimum: number }[])[];
  /**
   * First day person i qualifies under qualification q, counting passes as if
   * they never stopped counting, at [i * qualifications + q]; NEVER if not
   * yet. Exact for qualifications without acceptance windows; a lower bound
   * for the others, which are checked pass by pass.
   */
  readonly qualifiedFrom: Int32Array;
  /** 1 when some exam of qualification q stops counting at some date. */
  readonly qualificationHasWindow: Uint8Array;
}

export function prepare(program: ProgramVersion, dataset: Dataset): PreparedData {
  const partnerIndex = new Map(dataset.partners.map((p, i) => [p.id, i] as const));
  const revenue = prepareRevenue(program, dataset, partnerIndex);
  const people = preparePeople(program, dataset, partnerIndex);
  return { program, dataset, partnerIndex, ...revenue, ...people };
}

function prepareRevenue(program: ProgramVersion, dataset: Dataset, partnerIndex: ReadonlyMap<string, number>) {
  // Scopes a line of this product counts in: [all lines, net new lines].
  const scopesByProduct = new Map<string, [number[], number[]]>();
  for (const product of program.products.keys()) {
    const all: number[] = [];
    const netNew: number[] = [];
    for (const scope of program.revenueScopes) {
      if (!scope.products.has(product)) continue;
      netNew.push(scope.index);
      if (!scope.netNewOnly) all.push(scope.index);
    }
    scopesByProduct.set(product, [all, netNew]);
  }

  // Usually every scope attributes through DPOR; attribution is computed once per line and type.
  const types = [...new Set(program.revenueScopes.map((s) => s.attribution))];
  const typeOfScope = program.revenueScopes.map((s) => types.indexOf(s.attribution));
  const dayOf = memoizedDayNumber();
  const tenures = types.map((type) => tenuresByCustomer(dataset.associations, type, partnerIndex, dayOf));
  const owners: number[][] = types.map(() => []);
  const ownersKnown: boolean[] = types.map(() => false);

  // Exclusive attribution gives at most one entry per line and scope: size for that, grow if ever needed.
  const entries = new EntryBuffer(dataset.revenue.length * Math.max(1, ...[...scopesByProduct.values()].map(([, n]) => n.length)));

  const revenue = dataset.revenue;
  for (let lineIndex = 0; lineIndex < revenue.length; lineIndex++) {
    const line = revenue[lineIndex]!;
    const inScopes = scopesByProduct.get(line.product)?.[line.netNew ? 1 : 0];
    if (!inScopes || inScopes.length === 0) continue;
    const day = dayOf(line.date);
    ownersKnown.fill(false);
    for (const scopeIndex of inScopes) {
      const type = typeOfScope[scopeIndex]!;
      const lineOwners = owners[type]!;
      if (!ownersKnown[type]) {
        ownersOn(tenures[type]!.get(line.customerId), day, lineOwners);
        ownersKnown[type] = true;
      }
      for (const partner of lineOwners) entries.push(partner, day, scopeIndex, line.usdCents, lineIndex);
    }
  }

  const { partner: partners, day: days, scope: scopes, cents, line: lines } = entries.trimmed();
  const order = orderByPartnerThenDay(partners, days, dataset.partners.length);
  const size = order.length;
  const entryDay = new Int32Array(size);
  const entryScope = new Int32Array(size);
  const entryCents = new Float64Array(size);
  const entryLine = new Int32Array(size);
  for (let k = 0; k < size; k++) {
    const from = order[k]!;
    entryDay[k] = days[from]!;
    entryScope[k] = scopes[from]!;
    entryCents[k] = cents[from]!;
    entryLine[k] = lines[from]!;
  }
  return {
    partnerEntryStart: startsOf(partners, dataset.partners.length),
    entryDay,
    entryScope,
    entryCents,
    entryLine,
  };
}

/** Columns of entries in typed arrays: millions of them, without a JS object or a GC-scanned array each. */
class EntryBuffer {
  private size = 0;
  private partner: Int32Array;
  private day: Int32Array;
  private scope: Int32Array;
  private cents: Float64Array;
  private line: Int32Array;

  constructor(capacity: number) {
    this.partner = new Int32Array(capacity);
    this.day = new Int32Array(capacity);
    this.scope = new Int32Array(capacity);
    this.cents = new Float64Array(capacity);
    this.line = new Int32Array(capacity);
  }

  push(partner: number, day: number, scope: number, cents: number, line: number): void {
    if (this.size === this.partner.length) this.grow();
    const k = this.size++;
    this.partner[k] = partner;
    this.day[k] = day;
    this.scope[k] = scope;
    this.cents[k] = cents;
    this.line[k] = line;
  }

  trimmed() {
    const n = this.size;
    return {
      partner: this.partner.subarray(0, n),
      day: this.day.subarray(0, n),
      scope: this.scope.subarray(0, n),
      cents: this.cents.subarray(0, n),
      line: this.line.subarray(0, n),
    };
  }

  private grow(): void {
    const capacity = Math.max(16, this.partner.length * 2);
    const copy = <T extends Int32Array | Float64Array>(from: T, to: T): T => (to.set(from), to);
    this.partner = copy(this.partner, new Int32Array(capacity));
    this.day = copy(this.day, new Int32Array(capacity));
    this.scope = copy(this.scope, new Int32Array(capacity));
    this.cents = copy(this.cents, new Float64Array(capacity));
    this.line = copy(this.line, new Int32Array(capacity));
  }
}

/** One association as day numbers: the partner holds the customer from `first` to `last`, both included. */
interface Tenure {
  readonly first: DayNumber;
  readonly last: DayNumber;
  readonly partner: number;
}

function tenuresByCustomer(
  associations: readonly Association[],
  type: string,
  partnerIndex: ReadonlyMap<string, number>,
  dayOf: (date: string) => DayNumber,
): Map<string, Tenure[]> {
  const byCustomer = new Map<string, Tenure[]>();
  for (const a of associations) {
    const partner = partnerIndex.get(a.partnerId);
    if (a.type !== type || partner === undefined) continue;
    const tenure = { first: dayOf(a.start), last: a.end === null ? NEVER : dayOf(a.end), partner };
    const list = byCustomer.get(a.customerId);
    if (list) list.push(tenure);
    else byCustomer.set(a.customerId, [tenure]);
  }
  return byCustomer;
}

/** Fills `out` with the partners a customer was associated with on the day (an exclusive type gives at most one). */
function ownersOn(tenures: readonly Tenure[] | undefined, day: DayNumber, out: number[]): void {
  out.length = 0;
  if (!tenures) return;
  for (const t of tenures) {
    if (t.first <= day && day <= t.last && !out.includes(t.partner)) out.push(t.partner);
  }
}

/** Millions of lines share a few thousand dates: parse each date once. */
function memoizedDayNumber(): (date: string) => DayNumber {
  const days = new Map<string, DayNumber>();
  return (date) => {
    let day = days.get(date);
    if (day === undefined) {
      day = dayNumberOf(date);
      days.set(date, day);
    }
    return day;
  };
}

/** Start offsets of each partner's slice, from the partner of every item. */
function startsOf(partnerOfItem: ArrayLike<number> & Iterable<number>, partnerCount: number): Int32Array {
  const starts = new Int32Array(partnerCount + 1);
  for (const p of partnerOfItem) starts[p + 1]! += 1;
  for (let p = 0; p < partnerCount; p++) starts[p + 1]! += starts[p]!;
  return starts;
}

/** Counting sort by partner (stable), then each partner's slice by day. */
function orderByPartnerThenDay(partners: Int32Array, days: Int32Array, partnerCount: number): Int32Array {
  const starts = startsOf(partners, partnerCount);
  const cursor = starts.slice(0, partnerCount);
  const order = new Int32Array(partners.length);
  partners.forEach((p, i) => {
    order[cursor[p]!++] = i;
  });
  for (let p = 0; p < partnerCount; p++) {
    const slice = order.subarray(starts[p]!, starts[p + 1]!);
    if (slice.length > 1) slice.sort((a, b) => days[a]! - days[b]! || a - b);
  }
  return order;
}

function preparePeople(program: ProgramVersion, dataset: Dataset, partnerIndex: ReadonlyMap<string, number>) {
  const examIds = [...program.exams.keys()];
  const examColumn = new Map(examIds.map((id, i) => [id, i] as const));
  const personIndex = new Map(dataset.people.map((p, i) => [p.id, i] as const));
  const examCount = examIds.length;

  const personExamDay = new Int32Array(dataset.people.length * examCount).fill(NEVER);
  const dayOf = memoizedDayNumber();
  for (const pass of dataset.examPasses) {
    const column = examColumn.get(pass.exam);
    const person = personIndex.get(pass.personId);
    if (column === undefined || person === undefined) continue; // exams outside the catalog count for nothing
    const cell = person * examCount + column;
    personExamDay[cell] = Math.min(personExamDay[cell]!, dayOf(pass.date));
  }

  const catalogExams = [...program.exams.values()];
  const examAcceptedUntil = Int32Array.from(catalogExams, (e) => (e.acceptedUntil ? dayNumberOf(e.acceptedUntil) : NEVER));
  const examRetires = Int32Array.from(catalogExams, (e) => (e.retires ? dayNumberOf(e.retires) : NEVER));
  const qualificationSets = program.qualifications.map((q) =>
    q.examSets.map((set) => ({ columns: Int32Array.from(set.exams, (e) => examColumn.get(e)!), minimum: set.minimum })),
  );
  const qualificationHasWindow = Uint8Array.from(qualificationSets, (sets) =>
    sets.some((set) => set.columns.some((c) => examAcceptedUntil[c] !== NEVER)) ? 1 : 0,
  );

  const qualificationCount = program.qualifications.length;
  const qualifiedFrom = new Int32Array(dataset.people.length * qualificationCount);
  const passDays: number[] = [];
  for (let person = 0; person < dataset.people.length; person++) {
    for (let q = 0; q < qualificationCount; q++) {
      let from = 0;
      for (const set of qualificationSets[q]!) {
        // The day the set is satisfied: the minimum-th earliest pass among its exams.
        passDays.length = 0;
        for (const c of set.columns) passDays.push(personExamDay[person * examCount + c]!);
        passDays.sort((a, b) => a - b);
        from = Math.max(from, passDays[set.minimum - 1]!);
      }
      qualifiedFrom[person * qualificationCount + q] = from;
    }
  }

  const partnerOfPerson = dataset.people.map((p) => partnerIndex.get(p.partnerId)!);
  const partnerPersonStart = startsOf(partnerOfPerson, dataset.partners.length);
  const cursor = partnerPersonStart.slice(0, dataset.partners.length);
  const personOrder = new Int32Array(dataset.people.length);
  partnerOfPerson.forEach((p, i) => {
    personOrder[cursor[p]!++] = i;
  });

  return {
    partnerPersonStart,
    personOrder,
    examIds,
    examColumn,
    personExamDay,
    examAcceptedUntil,
    examRetires,
    qualificationSets,
    qualifiedFrom,
    qualificationHasWindow,
  };
}
