/**
 * Incremental evaluation: prepared data kept in memory, new exam passes and
 * revenue lines applied one at a time, and one partner re-evaluated at
 * once, without preparing the whole dataset again.
 *
 * An exam pass changes one person's earliest pass of its exam and their
 * qualifying days (one row of `personExamDay` and `qualifiedFrom`). A
 * revenue line is attributed as `prepareColumns` attributes it (the
 * partners associated with its customer on its date, per scope) and joins
 * the entries of those partners: each such partner gets its own copy of its
 * slice of entries with the line in date order, after the lines of its day
 * already there, as a line appended to the dataset would come in a full
 * preparation. The result is the same as preparing the dataset with the
 * records added at its end (test/incremental.test.ts checks it).
 */
import type { DayNumber, IsoDate } from '../calendar.js';
import type { Cents } from '../money.js';
import { ownersOn, tenuresByCustomer, type Tenures } from '../rules/dpor-attribution.js';
import { passDaysBuffer, qualifyPerson } from '../rules/qualification.js';
import { ttmWindow } from '../rules/ttm-window.js';
import type { DatasetColumns } from './columns.js';
import { judgePartner, measurePartner } from './evaluate.js';
import type { PreparedData } from './prepare.js';
import type { PartnerEvaluation } from './report.js';

/** One partner's entries once a line has been added to them: the slice of PreparedData, copied. */
interface Slice {
  day: Int32Array;
  scope: Int32Array;
  cents: Float64Array;
  line: Int32Array;
}

export interface NewRevenueLine {
  readonly id: string;
  /** The customer's index in the dataset's columns. */
  readonly customer: number;
  readonly day: DayNumber;
  readonly product: string;
  readonly netNew: boolean;
  /** US cents, converted as an import converts them. */
  readonly cents: Cents;
}

export class IncrementalEvaluation {
  private readonly personExamDay: Int32Array;
  private readonly qualifiedFrom: Int32Array;
  private readonly passDays: Int32Array;
  private readonly tenures: Map<string, Tenures>;
  private readonly slices = new Map<number, Slice>();
  private readonly lineIds: string[] = [];
  private readonly firstNewLine: number;

  /** `prepared` is left as it is: what changes is copied. `columns` are those it was prepared from. */
  constructor(
    private readonly prepared: PreparedData,
    private readonly columns: DatasetColumns,
  ) {
    this.personExamDay = prepared.personExamDay.slice();
    this.qualifiedFrom = prepared.qualifiedFrom.slice();
    this.passDays = passDaysBuffer(prepared.qualificationSets);
    const types = new Set(prepared.program.revenueScopes.map((s) => s.attribution));
    this.tenures = new Map(
      [...types].map((type) => [
        type,
        tenuresByCustomer(columns.associations, columns.associations.types.indexOf(type), columns.customers.count),
      ]),
    );
    this.firstNewLine = columns.revenue.day.length;
  }

  /** A new exam pass of person `person` (index in the columns); returns the partner to re-evaluate. */
  addExamPass(person: number, exam: string, day: DayNumber): number {
    const partner = this.columns.people.partner[person]!;
    const examCount = this.prepared.examIds.length;
    // An exam outside this version's catalog counts for nothing, unless a catalog exam accepts its passes.
    for (const counted of this.prepared.program.passCountsFor.get(exam) ?? []) {
      const cell = person * examCount + this.prepared.examColumn.get(counted)!;
      if (day < this.personExamDay[cell]!) {
        this.personExamDay[cell] = day;
        qualifyPerson(this.personExamDay, examCount, this.prepared.qualificationSets, this.qualifiedFrom, person, this.passDays);
      }
    }
    return partner;
  }

  /** A new revenue line; returns the partners it is attributed to (in any scope), to re-evaluate. */
  addRevenueLine(line: NewRevenueLine): number[] {
    const { program } = this.prepared;
    const lineIndex = this.firstNewLine + this.lineIds.length;
    this.lineIds.push(line.id);
    const affected: number[] = [];
    if (!program.products.has(line.product)) return affected;
    const owners: number[] = [];
    for (const scope of program.revenueScopes) {
      if (!scope.products.has(line.product) || (scope.netNewOnly && !line.netNew)) continue;
      const n = ownersOn(this.tenures.get(scope.attribution)!, line.customer, line.day, owners);
      for (let i = 0; i < n; i++) {
        const partner = owners[i]!;
        this.insert(partner, line.day, scope.index, line.cents, lineIndex);
        if (!affected.includes(partner)) affected.push(partner);
      }
    }
    return affected;
  }

  /** One partner's evaluation as of a date, with what has been added so far. */
  evaluatePartner(partner: number, asOf: IsoDate, options: { readonly evidence?: boolean } = {}): PartnerEvaluation {
    const view = this.view(partner);
    return judgePartner(view, measurePartner(view, partner, ttmWindow(asOf), { evidence: options.evidence ?? true }));
  }

  /** The prepared data as it is now, for one partner: its own slice of entries when lines were added to it. */
  private view(partner: number): PreparedData {
    const slice = this.slices.get(partner);
    const base = this.prepared;
    const view: PreparedData = {
      ...base,
      personExamDay: this.personExamDay,
      qualifiedFrom: this.qualifiedFrom,
      lineId: (line) => (line < this.firstNewLine ? base.lineId(line) : this.lineIds[line - this.firstNewLine]!),
    };
    if (!slice) return view;
    // measurePartner reads partnerEntryStart[partner] and [partner + 1] only.
    const starts = { [partner]: 0, [partner + 1]: slice.day.length } as unknown as Int32Array;
    return {
      ...view,
      partnerEntryStart: starts,
      entryDay: slice.day,
      entryScope: slice.scope,
      entryCents: slice.cents,
      entryLine: slice.line,
    };
  }

  private insert(partner: number, day: DayNumber, scope: number, cents: Cents, line: number): void {
    const old = this.slices.get(partner) ?? this.sliceOf(partner);
    const n = old.day.length;
    // After every entry of the same day or earlier: where a line appended to the dataset would go.
    let at = n;
    while (at > 0 && old.day[at - 1]! > day) at -= 1;
    const grown: Slice = {
      day: new Int32Array(n + 1),
      scope: new Int32Array(n + 1),
      cents: new Float64Array(n + 1),
      line: new Int32Array(n + 1),
    };
    for (const key of ['day', 'scope', 'cents', 'line'] as const) {
      const from = old[key];
      const to = grown[key];
      to.set(from.subarray(0, at));
      to.set(from.subarray(at), at + 1);
    }
    grown.day[at] = day;
    grown.scope[at] = scope;
    grown.cents[at] = cents;
    grown.line[at] = line;
    this.slices.set(partner, grown);
  }

  private sliceOf(partner: number): Slice {
    const { partnerEntryStart, entryDay, entryScope, entryCents, entryLine } = this.prepared;
    const start = partnerEntryStart[partner]!;
    const end = partnerEntryStart[partner + 1]!;
    return {
      day: entryDay.slice(start, end),
      scope: entryScope.slice(start, end),
      cents: entryCents.slice(start, end),
      line: entryLine.slice(start, end),
    };
  }
}
