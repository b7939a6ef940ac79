/**
 * Qualification of people (docs/rules.md, section 6): a person qualifies
 * under a qualification on day D when, for every exam set of it, at least
 * `minimum` of the set's exams (all of them, or one of them…) have a pass
 * that counts on D. A pass counts from its date until the last day its exam
 * is accepted (`acceptedUntil`; for ever without one), so a person's
 * earliest pass of an exam is the only one that matters. An exam that
 * retires (`retires`) can no longer be taken after that day: plans never
 * propose it.
 *
 * A certified-people requirement counts groups of sets: one group holding
 * every set when the same people must pass them all, one group per set when
 * different people may (`countedGroups`, which the compiler turns into
 * qualifications). Each group's count must reach the requirement's N.
 *
 * On day numbers and typed arrays: a person's passes are one row of
 * `personExamDay` (their earliest pass day of each catalog exam, NEVER if
 * none), read for every person of every partner.
 */
import type { DayNumber } from '../calendar.js';
import { NEVER } from '../evaluation/columns.js';
import type { ExamSet } from '../program/model.js';

/** The catalog columns of a set's exams (in the set's order), and how many must count. */
export interface ExamSetColumns {
  readonly columns: Int32Array;
  readonly minimum: number;
}

/** A set's exams as catalog columns, in the set's order (-1 for an exam outside the catalog: never held nor offered). */
export function examSetColumns(examColumn: ReadonlyMap<string, number>, set: ExamSet): ExamSetColumns {
  return { columns: Int32Array.from(set.exams, (exam) => examColumn.get(exam) ?? -1), minimum: set.minimum };
}

/** Per qualification, its exam sets. */
export type QualificationSets = readonly (readonly ExamSetColumns[])[];

/** What the rule reads of prepared data (PreparedData is one). */
export interface PassTable {
  /** Exam ids of the program catalog, in the column order of `personExamDay`. */
  readonly examIds: readonly string[];
  /** Earliest pass day of person i for catalog exam e at [i * examIds.length + e]; NEVER if none. */
  readonly personExamDay: Int32Array;
  /** Last evaluation day on which passes of catalog exam e count; NEVER when they always do. */
  readonly examAcceptedUntil: Int32Array;
  /** Retirement day of catalog exam e (the last day it can be taken); NEVER when it does not retire. */
  readonly examRetires: Int32Array;
  /** Per qualification, per exam set: the catalog columns of its exams and how many must be passed. */
  readonly qualificationSets: QualificationSets;
}

/**
 * The groups of sets a certified-people requirement counts: all its sets as
 * one group when the same people must pass every set, each set on its own
 * otherwise.
 */
export function countedGroups<T>(samePeople: boolean, examSets: readonly T[]): T[][] {
  return samePeople ? [[...examSets]] : examSets.map((set) => [set]);
}

/**
 * Whether a pass dated `passDay` counts on `day` for an exam accepted until
 * `acceptedUntil`, when passes dated after `passedBy` are not known yet.
 */
export function passCounts(passDay: DayNumber, acceptedUntil: DayNumber, day: DayNumber, passedBy: DayNumber = day): boolean {
  return passDay <= passedBy && day <= acceptedUntil;
}

/** Whether `person` holds catalog exam `column` on `day` (-1, an exam outside the catalog: never). */
export function holdsExam(passes: PassTable, person: number, column: number, day: DayNumber): boolean {
  return column >= 0 && passCounts(passes.personExamDay[person * passes.examIds.length + column]!, passes.examAcceptedUntil[column]!, day);
}

/** Whether catalog exam `column` can still be taken on `day` (-1: never). */
export function isOffered(passes: PassTable, column: number, day: DayNumber): boolean {
  return column >= 0 && day <= passes.examRetires[column]!;
}

/**
 * Whether a person satisfies every exam set of a qualification on a day.
 * With `withoutRetiring`, passes of retiring exams are left out (to tell who
 * relies on them); with `knownUntil`, passes dated after it.
 */
export function qualifies(
  passes: PassTable,
  person: number,
  qualification: number,
  day: DayNumber,
  options: { readonly withoutRetiring?: boolean; readonly knownUntil?: DayNumber } = {},
): boolean {
  const { personExamDay, examAcceptedUntil, examRetires, examIds } = passes;
  const row = person * examIds.length;
  const passedBy = Math.min(options.knownUntil ?? day, day);
  for (const set of passes.qualificationSets[qualification]!) {
    let passed = 0;
    for (const column of set.columns) {
      if (
        passCounts(personExamDay[row + column]!, examAcceptedUntil[column]!, day, passedBy) &&
        !(options.withoutRetiring && examRetires[column] !== NEVER)
      )
        passed += 1;
    }
    if (passed < set.minimum) return false;
  }
  return true;
}

/** Whether some exam of the qualification's sets stops counting on some day: only those need `qualifies` day by day. */
export function hasAcceptanceEnd(sets: readonly ExamSetColumns[], examAcceptedUntil: Int32Array): boolean {
  return sets.some((set) => set.columns.some((c) => examAcceptedUntil[c] !== NEVER));
}

/** Room for the pass days of the largest exam set (scratch for `qualifyPerson`). */
export function passDaysBuffer(qualificationSets: QualificationSets): Int32Array {
  return new Int32Array(Math.max(1, ...qualificationSets.flatMap((sets) => sets.map((set) => set.columns.length))));
}

/**
 * The first day a person qualifies under each qualification, counting passes
 * as if they never stopped counting, into `qualifiedFrom[person *
 * qualifications + q]` (NEVER if not yet): exact for qualifications whose
 * exams are always accepted, a lower bound for the others, which `qualifies`
 * checks on the day. `passDays`: scratch room from `passDaysBuffer`.
 */
export function qualifyPerson(
  personExamDay: Int32Array,
  examCount: number,
  qualificationSets: QualificationSets,
  qualifiedFrom: Int32Array,
  person: number,
  passDays: Int32Array,
): void {
  const row = person * examCount;
  const qualificationCount = qualificationSets.length;
  for (let q = 0; q < qualificationCount; q++) {
    let from = 0;
    for (const set of qualificationSets[q]!) {
      // The day the set is satisfied: the minimum-th earliest pass among its exams (an insertion sort of a handful).
      const { columns: setColumns, minimum } = set;
      for (let i = 0; i < setColumns.length; i++) {
        const day = personExamDay[row + setColumns[i]!]!;
        let j = i;
        for (; j > 0 && passDays[j - 1]! > day; j--) passDays[j] = passDays[j - 1]!;
        passDays[j] = day;
      }
      from = Math.max(from, passDays[minimum - 1]!);
    }
    qualifiedFrom[person * qualificationCount + q] = from;
  }
}

/**
 * The catalog columns of the exams `person` still has to pass to satisfy a
 * set on `day` (`person` undefined: someone new, holding none): the first of
 * the set's exams they do not hold that are still offered. Undefined when
 * too few are still offered: the set can no longer be satisfied.
 */
export function missingExams(passes: PassTable, person: number | undefined, set: ExamSetColumns, day: DayNumber): number[] | undefined {
  const held = (column: number) => person !== undefined && holdsExam(passes, person, column, day);
  let holding = 0;
  const candidates: number[] = [];
  for (const column of set.columns) {
    if (held(column)) holding += 1;
    else if (isOffered(passes, column, day)) candidates.push(column);
  }
  const need = Math.max(0, set.minimum - holding);
  return candidates.length >= need ? candidates.slice(0, need) : undefined;
}
