/**
 * The fewest exam passes that bring a certified-people requirement to N
 * qualifying people: who among the partner's people takes which exams, and
 * how many new people must be enrolled.
 *
 * Exam sets of a requirement are disjoint (the compiler checks it), so what a
 * person still needs is a sum over sets, independent of everyone else. For
 * each counted group of sets (one group when the same people must pass
 * every set, one per set otherwise) the cheapest people are therefore simply
 * the ones who need the fewest passes; a new person needs the most, so new
 * people are enrolled only when the partner has too few people.
 */
import type { DayNumber } from '../calendar.js';
import type { PreparedData } from '../evaluation/prepare.js';
import type { CertifiedPeopleRequirement, ExamSet } from '../program/model.js';
import { countedGroups, examSetColumns, missingExams } from '../rules/qualification.js';

export interface ExamAssignment {
  /** An existing person's id, or `new-1`, `new-2`… for people to enroll. */
  readonly personId: string;
  readonly exams: readonly string[];
}

export interface PeoplePlan {
  readonly requirement: string;
  /** For an alternative between requirements: the one planned. */
  readonly alternative?: string | undefined;
  readonly required: number;
  readonly qualified: number;
  /** False when no plan can reach N: the exams needed have retired. */
  readonly feasible: boolean;
  readonly additionalPasses: number;
  readonly newPeople: number;
  readonly assignments: readonly ExamAssignment[];
}

/** Exams a person would still take for a set, or undefined when the set cannot be completed. */
type Missing = readonly string[] | undefined;

export function planPeople(prepared: PreparedData, partner: number, day: DayNumber, requirement: CertifiedPeopleRequirement): PeoplePlan {
  const { personOrder, partnerPersonStart, examIds } = prepared;
  const people: number[] = [];
  for (let k = partnerPersonStart[partner]!; k < partnerPersonStart[partner + 1]!; k++) people.push(personOrder[k]!);

  const setColumns = new Map(requirement.examSets.map((set) => [set, examSetColumns(prepared.examColumn, set)] as const));
  const missingFor = (person: number | undefined, set: ExamSet): Missing =>
    missingExams(prepared, person, setColumns.get(set)!, day)?.map((column) => examIds[column]!);

  // One group of sets per count that must reach N.
  const groups = countedGroups(requirement.samePeople, requirement.examSets);
  const extra = new Map<number, string[]>();
  let newPeople = 0;
  const newExams: string[][] = [];
  let feasible = true;
  let qualifiedAtLeast = Number.POSITIVE_INFINITY;

  for (const group of groups) {
    const needs = people.map((person) => {
      const missing = group.map((set) => missingFor(person, set));
      return { person, missing, cost: missing.every((m) => m !== undefined) ? missing.reduce((a, m) => a + m!.length, 0) : Infinity };
    });
    const qualified = needs.filter((n) => n.cost === 0).length;
    qualifiedAtLeast = Math.min(qualifiedAtLeast, qualified);
    let short = Math.max(0, requirement.people - qualified);
    const candidates = needs.filter((n) => n.cost > 0 && n.cost < Infinity).sort((a, b) => a.cost - b.cost);
    for (const candidate of candidates.slice(0, short)) {
      const exams = extra.get(candidate.person) ?? [];
      exams.push(...candidate.missing.flatMap((m) => m ?? []));
      extra.set(candidate.person, exams);
      short -= 1;
    }
    if (short === 0) continue;
    const fresh = group.map((set) => missingFor(undefined, set));
    if (fresh.some((m) => m === undefined)) {
      feasible = false;
      continue;
    }
    // New people are shared between groups: the first ones enrolled take every group's exams.
    for (let i = 0; i < short; i++) {
      newExams[i] = [...(newExams[i] ?? []), ...fresh.flatMap((m) => m ?? [])];
    }
    newPeople = Math.max(newPeople, short);
  }

  const assignments: ExamAssignment[] = [
    ...people.filter((p) => extra.has(p)).map((p) => ({ personId: prepared.personId(p), exams: extra.get(p)! })),
    ...newExams.map((exams, i) => ({ personId: `new-${i + 1}`, exams })),
  ];
  return {
    requirement: requirement.id,
    required: requirement.people,
    qualified: qualifiedAtLeast,
    feasible,
    additionalPasses: feasible ? assignments.reduce((a, x) => a + x.exams.length, 0) : 0,
    newPeople: feasible ? newPeople : 0,
    assignments: feasible ? assignments : [],
  };
}
