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
 *
 * The input is the dataset as columns (columns.ts): `prepareColumns` is the
 * one implementation; `prepare` turns a Dataset into columns first and keeps
 * the Dataset alongside for the commands that read its records (plan).
 */
import { dayNumberOf } from '../calendar.js';
import type { Dataset } from '../dataset/model.js';
import type { ProgramVersion } from '../program/model.js';
import { ownersOn, tenuresByCustomer } from '../rules/dpor-attribution.js';
import { hasAcceptanceEnd, passDaysBuffer, qualifyPerson, type PassTable } from '../rules/qualification.js';
import type { TtmWindow } from '../rules/ttm-window.js';
import { columnsOf, NEVER, type DatasetColumns } from './columns.js';

export { NEVER } from './columns.js';

/** As the qualification rule reads it (PassTable): each person's earliest pass of each catalog exam, the exams' dates, the sets. */
export interface PreparedData extends PassTable {
  readonly program: ProgramVersion;
  /** Partner p's id, country and market (as validated) are at index p. */
  readonly partnerIds: readonly string[];
  readonly partnerCountries: readonly string[];
  readonly partnerMarkets: readonly string[];
  readonly partnerIndex: ReadonlyMap<string, number>;
  /** The id of revenue line i (the `entryLine` of an entry). */
  lineId(line: number): string;
  /** The id of person i (an entry of `personOrder`). */
  personId(person: number): string;

  /**
   * The days whose revenue was prepared when the preparation was made for one window (`PrepareOptions.window`);
   * undefined when every line was. Measuring a window beyond them is refused (measurePartner).
   */
  readonly revenueDays: TtmWindow | undefined;

  /** Entries of partner p are [partnerEntryStart[p], partnerEntryStart[p + 1]), by date. */
  readonly partnerEntryStart: Int32Array;
  readonly entryDay: Int32Array;
  readonly entryScope: Int32Array;
  /** Cents are safe integers; a Float64Array holds them exactly. */
  readonly entryCents: Float64Array;
  /** Index of the entry's revenue line (its row in the dataset). */
  readonly entryLine: Int32Array;

  /** People of partner p are personOrder[partnerPersonStart[p] … partnerPersonStart[p + 1]). */
  readonly partnerPersonStart: Int32Array;
  /** Indexes of people (rows of the dataset), grouped by partner. */
  readonly personOrder: Int32Array;
  /** Exam id → its column (of `examIds`, `personExamDay`…). */
  readonly examColumn: ReadonlyMap<string, number>;
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

/** Prepared from a Dataset, which stays at hand for what reads its records (plan, the renderers). */
export interface PreparedDataset extends PreparedData {
  readonly dataset: Dataset;
}

export interface PrepareOptions {
  /**
   * Only the revenue dated within this window: a preparation for the evaluations of one date (a batch, `attain
   * evaluate` of the whole store), which attributes and sorts only the lines it reads instead of every line of
   * every year. People and their passes are prepared whole (a qualification reads passes of any date).
   */
  readonly window?: TtmWindow | undefined;
}

export function prepare(program: ProgramVersion, dataset: Dataset): PreparedDataset {
  return { ...prepareColumns(program, columnsOf(dataset)), dataset };
}

export function prepareColumns(program: ProgramVersion, columns: DatasetColumns, options: PrepareOptions = {}): PreparedData {
  const { partners, revenue, people } = columns;
  let partnerIndex: Map<string, number> | undefined;
  return {
    program,
    partnerIds: partners.ids,
    partnerCountries: partners.countries,
    partnerMarkets: partners.markets,
    // Made when first asked for: a batch of every partner never looks one up by id (100,000 ids hashed: 50 ms).
    get partnerIndex() {
      return (partnerIndex ??= new Map(partners.ids.map((id, i) => [id, i] as const)));
    },
    lineId: (line) => revenue.ids.get(line),
    personId: (person) => people.ids.get(person),
    revenueDays: options.window,
    ...prepareRevenue(program, columns, options.window),
    ...preparePeople(program, columns),
  };
}

function prepareRevenue(program: ProgramVersion, columns: DatasetColumns, window: TtmWindow | undefined) {
  const { revenue, associations } = columns;
  const partnerCount = columns.partners.ids.length;
  // Scopes a line of each product counts in: [all lines, net new lines]; none for products outside this version.
  const scopesByProduct = revenue.products.map((product): [number[], number[]] | undefined => {
    if (!program.products.has(product)) return undefined;
    const all: number[] = [];
    const netNew: number[] = [];
    for (const scope of program.revenueScopes) {
      if (!scope.products.has(product)) continue;
      netNew.push(scope.index);
      if (!scope.netNewOnly) all.push(scope.index);
    }
    return [all, netNew];
  });

  // Usually every scope attributes through DPOR; attribution is computed once per line and type.
  const types = [...new Set(program.revenueScopes.map((s) => s.attribution))];
  const typeOfScope = program.revenueScopes.map((s) => types.indexOf(s.attribution));
  const tenures = types.map((type) => tenuresByCustomer(associations, associations.types.indexOf(type), columns.customers.count));
  const owners: number[][] = types.map(() => []);
  // Per type: how many owners `owners` holds, and the line they were found for.
  const ownerCount = new Int32Array(types.length);
  const ownersOfLine = new Int32Array(types.length).fill(-1);

  // Exclusive attribution gives at most one entry per line and scope: size for that, grow if ever needed.
  const lineCount = revenue.day.length;
  const widest = Math.max(1, ...scopesByProduct.map((s) => s?.[1].length ?? 0));
  const entries = new EntryBuffer(lineCount * widest);

  const { customer, day: lineDay, product, netNew, cents } = revenue;
  const first = window?.first ?? -NEVER;
  const last = window?.last ?? NEVER;
  for (let lineIndex = 0; lineIndex < lineCount; lineIndex++) {
    const day = lineDay[lineIndex]!;
    if (day < first || day > last) continue;
    const inScopes = scopesByProduct[product[lineIndex]!]?.[netNew[lineIndex] ? 1 : 0];
    if (!inScopes || inScopes.length === 0) continue;
    for (const scopeIndex of inScopes) {
      const type = typeOfScope[scopeIndex]!;
      const lineOwners = owners[type]!;
      if (ownersOfLine[type] !== lineIndex) {
        ownerCount[type] = ownersOn(tenures[type]!, customer[lineIndex]!, day, lineOwners);
        ownersOfLine[type] = lineIndex;
      }
      for (let i = 0, n = ownerCount[type]!; i < n; i++) entries.push(lineOwners[i]!, day, scopeIndex, cents[lineIndex]!, lineIndex);
    }
  }

  const { partner: partnersOfEntries, day: days, scope: scopes, cents: entryCentsUnsorted, line: lines } = entries.trimmed();
  const order = orderByPartnerThenDay(partnersOfEntries, days, partnerCount);
  const size = order.length;
  const entryDay = new Int32Array(size);
  const entryScope = new Int32Array(size);
  const entryCents = new Float64Array(size);
  const entryLine = new Int32Array(size);
  for (let k = 0; k < size; k++) {
    const from = order[k]!;
    entryDay[k] = days[from]!;
    entryScope[k] = scopes[from]!;
    entryCents[k] = entryCentsUnsorted[from]!;
    entryLine[k] = lines[from]!;
  }
  return {
    partnerEntryStart: startsOf(partnersOfEntries, partnerCount),
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

/** Start offsets of each partner's slice, from the partner of every item. */
function startsOf(partnerOfItem: ArrayLike<number> & Iterable<number>, partnerCount: number): Int32Array {
  const starts = new Int32Array(partnerCount + 1);
  for (const p of partnerOfItem) starts[p + 1]! += 1;
  for (let p = 0; p < partnerCount; p++) starts[p + 1]! += starts[p]!;
  return starts;
}

/**
 * Entries ordered by partner, then day, then entry: two stable counting sorts
 * (by day, then by partner), linear in the entries. Days span a few thousand
 * values; should they ever span more than there are entries many times
 * over, each partner's slice is sorted by comparison instead.
 */
function orderByPartnerThenDay(partners: Int32Array, days: Int32Array, partnerCount: number): Int32Array {
  const size = partners.length;
  let first = NEVER;
  let last = -NEVER;
  for (let k = 0; k < size; k++) {
    const day = days[k]!;
    if (day < first) first = day;
    if (day > last) last = day;
  }
  const span = size === 0 ? 0 : last - first + 1;
  let byDay: Int32Array | undefined;
  if (span <= Math.max(1 << 16, size * 4)) {
    const dayStarts = new Int32Array(span + 1);
    for (let k = 0; k < size; k++) dayStarts[days[k]! - first + 1]! += 1;
    for (let d = 0; d < span; d++) dayStarts[d + 1]! += dayStarts[d]!;
    byDay = new Int32Array(size);
    for (let k = 0; k < size; k++) byDay[dayStarts[days[k]! - first]!++] = k;
  }
  const starts = startsOf(partners, partnerCount);
  const cursor = starts.slice(0, partnerCount);
  const order = new Int32Array(size);
  for (let j = 0; j < size; j++) {
    const k = byDay ? byDay[j]! : j;
    order[cursor[partners[k]!]!++] = k;
  }
  if (!byDay) {
    for (let p = 0; p < partnerCount; p++) {
      const slice = order.subarray(starts[p]!, starts[p + 1]!);
      if (slice.length > 1) slice.sort((a, b) => days[a]! - days[b]! || a - b);
    }
  }
  return order;
}

function preparePeople(program: ProgramVersion, columns: DatasetColumns) {
  const { people, examPasses } = columns;
  const partnerCount = columns.partners.ids.length;
  const personCount = people.partner.length;
  const examIds = [...program.exams.keys()];
  const examColumn = new Map(examIds.map((id, i) => [id, i] as const));
  const examCount = examIds.length;
  // The catalog columns each exam of the passes counts for: its own, and those of exams accepting its passes
  // (a successor listed where it was); none for exams outside the catalog, which count for nothing.
  // Exam e's columns are columnList[columnStart[e] … columnStart[e + 1]): millions of passes read them.
  const columnsOfExam = examPasses.exams.map((exam) => (program.passCountsFor.get(exam) ?? []).map((id) => examColumn.get(id)!));
  const columnStart = new Int32Array(columnsOfExam.length + 1);
  columnsOfExam.forEach((list, e) => (columnStart[e + 1] = columnStart[e]! + list.length));
  const columnList = Int32Array.from(columnsOfExam.flat());

  const personExamDay = new Int32Array(personCount * examCount).fill(NEVER);
  const passCount = examPasses.person.length;
  const { day: passDay, exam: passExam, person: passPerson } = examPasses;
  for (let i = 0; i < passCount; i++) {
    const day = passDay[i]!;
    const exam = passExam[i]!;
    const row = passPerson[i]! * examCount;
    for (let c = columnStart[exam]!, end = columnStart[exam + 1]!; c < end; c++) {
      const cell = row + columnList[c]!;
      if (day < personExamDay[cell]!) personExamDay[cell] = day;
    }
  }

  const catalogExams = [...program.exams.values()];
  const examAcceptedUntil = Int32Array.from(catalogExams, (e) => (e.acceptedUntil ? dayNumberOf(e.acceptedUntil) : NEVER));
  const examRetires = Int32Array.from(catalogExams, (e) => (e.retires ? dayNumberOf(e.retires) : NEVER));
  const qualificationSets = program.qualifications.map((q) =>
    q.examSets.map((set) => ({ columns: Int32Array.from(set.exams, (e) => examColumn.get(e)!), minimum: set.minimum })),
  );
  const qualificationHasWindow = Uint8Array.from(qualificationSets, (sets) => (hasAcceptanceEnd(sets, examAcceptedUntil) ? 1 : 0));

  const qualificationCount = program.qualifications.length;
  const qualifiedFrom = new Int32Array(personCount * qualificationCount);
  const passDays = passDaysBuffer(qualificationSets);
  for (let person = 0; person < personCount; person++) {
    qualifyPerson(personExamDay, examCount, qualificationSets, qualifiedFrom, person, passDays);
  }

  const partnerOfPerson = people.partner;
  const partnerPersonStart = startsOf(partnerOfPerson, partnerCount);
  const cursor = partnerPersonStart.slice(0, partnerCount);
  const personOrder = new Int32Array(personCount);
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
