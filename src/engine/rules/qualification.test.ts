import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NEVER } from '../evaluation/columns.js';
import {
  countedGroups,
  examSetColumns,
  missingExams,
  passDaysBuffer,
  qualifies,
  qualifyPerson,
  type PassTable,
  type QualificationSets,
} from './qualification.js';

/** Exams A, B, C, D: C's passes count until day 100; D retires on day 50 (its passes keep counting). */
const EXAMS = ['A', 'B', 'C', 'D'];
const ACCEPTED_UNTIL = Int32Array.from([NEVER, NEVER, 100, NEVER]);
const RETIRES = Int32Array.from([NEVER, NEVER, NEVER, 50]);
const set = (columns: number[], minimum = columns.length) => ({ columns: Int32Array.from(columns), minimum });
/** 0: all of A and B; 1: one of C or D; 2: A, and one of C or D (the same person both). */
const SETS: QualificationSets = [[set([0, 1])], [set([2, 3], 1)], [set([0]), set([2, 3], 1)]];

/** One person per row of pass days (NEVER: no pass). */
function passes(rows: readonly (readonly number[])[], sets: QualificationSets = SETS): PassTable {
  return {
    examIds: EXAMS,
    personExamDay: Int32Array.from(rows.flat()),
    examAcceptedUntil: ACCEPTED_UNTIL,
    examRetires: RETIRES,
    qualificationSets: sets,
  };
}

describe('qualification of people', () => {
  it('all of a set: from the later pass on', () => {
    const table = passes([[10, 20, NEVER, NEVER]]);
    expect([19, 20, 5000].map((day) => qualifies(table, 0, 0, day))).toEqual([false, true, true]);
  });

  it('one of a set: from the earlier pass on', () => {
    const table = passes([[NEVER, NEVER, 30, 15]]);
    expect([14, 15].map((day) => qualifies(table, 0, 1, day))).toEqual([false, true]);
  });

  it('every set of a qualification, by the same person', () => {
    expect(qualifies(passes([[5, NEVER, NEVER, 7]]), 0, 2, 10)).toBe(true);
    expect(qualifies(passes([[NEVER, NEVER, NEVER, 7]]), 0, 2, 10)).toBe(false);
  });

  it('a pass stops counting after its exam’s acceptance ends', () => {
    const table = passes([[NEVER, NEVER, 30, NEVER]]);
    expect([100, 101].map((day) => qualifies(table, 0, 1, day))).toEqual([true, false]);
  });

  it('leaves out passes dated after what is known, and on request passes of retiring exams', () => {
    const table = passes([[NEVER, NEVER, NEVER, 15]]);
    expect(qualifies(table, 0, 1, 60, { knownUntil: 14 })).toBe(false);
    expect(qualifies(table, 0, 1, 60, { knownUntil: 15 })).toBe(true);
    expect(qualifies(table, 0, 1, 60, { withoutRetiring: true })).toBe(false);
  });

  it('the first qualifying day is the first day a person qualifies when passes always count, and never later otherwise', () => {
    const passDay = fc.oneof(fc.integer({ min: 0, max: 150 }), fc.constant(NEVER));
    fc.assert(
      fc.property(fc.array(fc.array(passDay, { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 4 }), (rows) => {
        const table = passes(rows);
        const qualifiedFrom = new Int32Array(rows.length * SETS.length);
        const scratch = passDaysBuffer(SETS);
        rows.forEach((_, person) => qualifyPerson(table.personExamDay, EXAMS.length, SETS, qualifiedFrom, person, scratch));
        rows.forEach((_, person) =>
          SETS.forEach((_sets, q) => {
            const from = qualifiedFrom[person * SETS.length + q]!;
            const firstDay = Array.from({ length: 152 }, (_, day) => day).find((day) => qualifies(table, person, q, day));
            // Qualification 0 holds no exam whose passes stop counting: its first day is exact.
            if (q === 0) expect(from).toBe(firstDay ?? NEVER);
            else if (firstDay !== undefined) expect(from).toBeLessThanOrEqual(firstDay);
          }),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('the first qualifying day of sets of all, one, and some of their exams, exactly', () => {
    // Without C, whose passes stop counting: every first day is exact. Two of three, all, one, and two sets at once.
    const sets: QualificationSets = [[set([0, 1, 3], 2)], [set([0, 1, 3])], [set([0, 1, 3], 1)], [set([0, 1], 1), set([1, 3], 2)]];
    const passDay = fc.oneof(fc.integer({ min: 0, max: 150 }), fc.constant(NEVER));
    fc.assert(
      fc.property(fc.array(fc.array(passDay, { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 4 }), (rows) => {
        const table = passes(rows, sets);
        const qualifiedFrom = new Int32Array(rows.length * sets.length);
        const scratch = passDaysBuffer(sets);
        rows.forEach((_, person) => qualifyPerson(table.personExamDay, EXAMS.length, sets, qualifiedFrom, person, scratch));
        rows.forEach((_, person) =>
          sets.forEach((_sets, q) => {
            const firstDay = Array.from({ length: 152 }, (_, day) => day).find((day) => qualifies(table, person, q, day));
            expect(qualifiedFrom[person * sets.length + q]).toBe(firstDay ?? NEVER);
          }),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('what a person still needs: exams not held and still offered, in the set’s order', () => {
    const table = passes([[NEVER, NEVER, NEVER, NEVER]]);
    expect(missingExams(table, 0, set([0, 1]), 10)).toEqual([0, 1]);
    expect(missingExams(table, undefined, set([2, 3], 1), 10)).toEqual([2]);
    // D has retired by day 60: without a pass of it, a set of D alone can no longer be satisfied.
    expect(missingExams(table, 0, set([3]), 60)).toBeUndefined();
    expect(missingExams(passes([[NEVER, NEVER, 30, NEVER]]), 0, set([2, 3], 1), 40)).toEqual([]);
    // C's pass no longer counts on day 101: the one-of set needs an exam again, and only C is still offered.
    expect(missingExams(passes([[NEVER, NEVER, 30, NEVER]]), 0, set([2, 3], 1), 101)).toEqual([2]);
    // An exam outside the catalog (-1) is never held nor offered.
    expect(missingExams(table, 0, set([-1, 0], 1), 10)).toEqual([0]);
    expect(missingExams(table, 0, set([-1]), 10)).toBeUndefined();
    expect(examSetColumns(new Map([['A', 0]]), { exams: ['X', 'A'], minimum: 1 })).toEqual(set([-1, 0], 1));
  });

  it('counts the same people across sets, or each set on its own', () => {
    expect(countedGroups(true, ['s1', 's2'])).toEqual([['s1', 's2']]);
    expect(countedGroups(false, ['s1', 's2'])).toEqual([['s1'], ['s2']]);
  });
});
