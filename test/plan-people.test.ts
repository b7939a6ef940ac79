/**
 * The people plan is optimal: on small random cases, its number of exam
 * passes equals a brute force over every set of exams each person could
 * add, and applying it makes the requirement met.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileProgramVersion,
  evaluate,
  prepare,
  validateDataset,
  type CertifiedPeopleRequirement,
  type DatasetFile,
  type ProgramVersion,
} from '../src/engine/index.js';
import { problemMessage } from '../src/i18n/index.js';
import { planPeople } from '../src/engine/plan/people.js';
import { dayNumberOf } from '../src/engine/calendar.js';
import { day } from './support/builders.js';

const EXAMS = ['E1', 'E2', 'E3', 'E4'];
const AS_OF = '2018-01-01';

function versionWith(sets: { exams: string[]; minimum: number }[], samePeople: boolean, people: number): ProgramVersion {
  const compiled = compileProgramVersion({
    id: 'p',
    name: { en: 'P' },
    effectiveFrom: '2017-01-01',
    markets: [{ id: 'm', name: { en: 'M' } }],
    countries: { US: 'm' },
    associationTypes: [{ id: 'DPOR', name: { en: 'DPOR' }, exclusive: true }],
    products: [{ id: 'X', name: { en: 'X' } }],
    exams: EXAMS.map((id) => ({ id, title: { en: id } })),
    competencies: [
      {
        id: 'c',
        name: { en: 'C' },
        options: [
          {
            id: 'o',
            name: { en: 'O' },
            levels: [
              { id: 'l', name: { en: 'L' }, requirements: [{ id: 'r', kind: 'certified-people', people, samePeople, examSets: sets }] },
            ],
          },
        ],
      },
    ],
  });
  if (!compiled.ok) throw new Error(compiled.problems.map((p) => problemMessage(p)).join('; '));
  return compiled.value;
}

/** Random disjoint exam sets, a minimum each, people with random passes. */
const scenario = fc
  .record({
    split: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }), // exam → set number, 2 = unused
    minimums: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 2 }),
    samePeople: fc.boolean(),
    required: fc.integer({ min: 1, max: 3 }),
    people: fc.array(fc.subarray(EXAMS), { maxLength: 3 }),
  })
  .filter(({ split }) => split.includes(0))
  .map(({ split, minimums, samePeople, required, people }) => {
    const sets = [0, 1]
      .map((s) => EXAMS.filter((_, e) => split[e] === s))
      .filter((exams) => exams.length > 0)
      .map((exams, s) => ({ exams, minimum: Math.min(minimums[s]!, exams.length) }));
    return { sets, samePeople, required, people };
  });

function datasetOf(people: string[][], extra: { personId: string; exam: string }[] = []): DatasetFile {
  return {
    partners: [{ id: 'P', name: 'P', country: 'US' }],
    people: people.map((_, i) => ({ id: `p${i}`, partnerId: 'P', name: `p${i}` })),
    examPasses: [
      ...people.flatMap((exams, i) => exams.map((exam) => ({ personId: `p${i}`, exam, date: '2017-06-01' }))),
      ...extra.map((e) => ({ ...e, date: AS_OF })),
    ],
  };
}

/** Fewest passes by brute force: every subset of exams for every person; new people at their full cost. */
function bruteForce(sets: { exams: string[]; minimum: number }[], samePeople: boolean, required: number, people: string[][]): number {
  const groups = samePeople ? [sets] : sets.map((s) => [s]);
  const relevant = sets.flatMap((s) => s.exams);
  const qualifies = (held: string[], group: typeof sets) => group.every((s) => s.exams.filter((e) => held.includes(e)).length >= s.minimum);
  let best = Infinity;
  const added: string[][] = people.map(() => []);
  const visit = (i: number, cost: number): void => {
    if (i === people.length) {
      const newCost = groups.reduce((acc, group) => {
        const count = people.filter((held, p) => qualifies([...held, ...added[p]!], group)).length;
        return acc + Math.max(0, required - count) * group.reduce((a, s) => a + s.minimum, 0);
      }, 0);
      best = Math.min(best, cost + newCost);
      return;
    }
    const missing = relevant.filter((e) => !people[i]!.includes(e));
    for (let mask = 0; mask < 1 << missing.length; mask++) {
      added[i] = missing.filter((_, b) => mask & (1 << b));
      visit(i + 1, cost + added[i]!.length);
    }
  };
  visit(0, 0);
  return best;
}

describe('people plan', () => {
  it('is optimal against brute force, and applying it meets the requirement', () => {
    fc.assert(
      fc.property(scenario, ({ sets, samePeople, required, people }) => {
        const version = versionWith(sets, samePeople, required);
        const requirement = version.competencies[0]!.options[0]!.levels[0]!.requirements[0] as CertifiedPeopleRequirement;
        const validated = validateDataset(datasetOf(people), version);
        if (!validated.ok) throw new Error('invalid');
        const plan = planPeople(prepare(version, validated.value), 0, dayNumberOf(day(AS_OF)), requirement);
        expect(plan.feasible).toBe(true);
        expect(plan.additionalPasses).toBe(bruteForce(sets, samePeople, required, people));

        // Apply the plan: existing people pass their exams, new people are enrolled with theirs.
        const newcomers = plan.assignments.filter((a) => a.personId.startsWith('new-')).map((a) => a.exams as string[]);
        const after = datasetOf(
          [...people, ...newcomers.map(() => [])],
          plan.assignments.flatMap((a) => {
            const personId = a.personId.startsWith('new-') ? `p${people.length + Number(a.personId.slice(4)) - 1}` : a.personId;
            return a.exams.map((exam) => ({ personId, exam }));
          }),
        );
        const revalidated = validateDataset(after, version);
        if (!revalidated.ok) throw new Error(revalidated.problems.map((p) => problemMessage(p)).join('; '));
        const report = evaluate(prepare(version, revalidated.value), { asOf: day(AS_OF) });
        expect(report.partners[0]!.competencies[0]!.options[0]!.levels[0]!.requirements[0]!.met).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
