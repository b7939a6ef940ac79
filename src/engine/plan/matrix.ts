/**
 * The people × exams matrix of a partner on a date: for every people
 * requirement of every level (alternatives included), which of the
 * partner's people count for it, and how many exam passes each of the
 * others still needs — "one exam away" is a person who needs one. A pass
 * counts as the evaluation counts it (passed by the date, still accepted);
 * what a person still needs is counted over exams still offered, so a
 * person whose missing exams have retired can never qualify (null).
 */
import type { IsoDate } from '../calendar.js';
import type { PreparedDataset } from '../evaluation/prepare.js';
import type { CertifiedPeopleRequirement, ExamSet } from '../program/model.js';
import { countedGroups, examSetColumns, holdsExam, missingExams } from '../rules/qualification.js';
import { ttmWindow } from '../rules/ttm-window.js';

export interface MatrixPerson {
  readonly id: string;
  readonly name: string;
  /** Exams of the program this person holds on the date (passes that count). */
  readonly exams: readonly string[];
}

export interface MatrixRequirement {
  readonly competency: string;
  readonly option: string;
  readonly level: string;
  readonly requirement: string;
  /** For an alternative of an any-of requirement: its id. */
  readonly alternative?: string | undefined;
  readonly required: number;
  readonly samePeople: boolean;
  readonly sets: readonly { readonly exams: readonly string[]; readonly minimum: number }[];
  /**
   * Per person of the partner: the passes still needed to count (0: counts;
   * null: cannot, the exams needed have retired), and which exams those
   * would be.
   */
  readonly people: readonly { readonly personId: string; readonly missing: number | null; readonly exams: readonly string[] }[];
}

export interface QualificationMatrix {
  readonly partnerId: string;
  readonly asOf: IsoDate;
  readonly programVersion: IsoDate;
  /** Every exam of the partner's people requirements, in definition order. */
  readonly exams: readonly string[];
  readonly people: readonly MatrixPerson[];
  readonly requirements: readonly MatrixRequirement[];
}

export function qualificationMatrix(prepared: PreparedDataset, partnerId: string, asOf: IsoDate): QualificationMatrix {
  const partner = prepared.partnerIndex.get(partnerId);
  if (partner === undefined) throw new RangeError(`partner "${partnerId}" is not in the dataset`);
  const day = ttmWindow(asOf).last;
  const { personOrder, partnerPersonStart, examColumn, examIds } = prepared;
  const people: number[] = [];
  for (let k = partnerPersonStart[partner]!; k < partnerPersonStart[partner + 1]!; k++) people.push(personOrder[k]!);
  const names = new Map(prepared.dataset.people.map((p) => [p.id, p.name] as const));

  const counts = (person: number, exam: string): boolean => holdsExam(prepared, person, examColumn.get(exam) ?? -1, day);
  const missingFor = (person: number, set: ExamSet): string[] | undefined =>
    missingExams(prepared, person, examSetColumns(examColumn, set), day)?.map((column) => examIds[column]!);

  const exams: string[] = [];
  const requirements: MatrixRequirement[] = [];
  const add = (
    where: { competency: string; option: string; level: string; requirement: string },
    requirement: CertifiedPeopleRequirement,
    alternative: string | undefined,
  ) => {
    for (const set of requirement.examSets) for (const exam of set.exams) if (!exams.includes(exam)) exams.push(exam);
    const groups = countedGroups(requirement.samePeople, requirement.examSets);
    requirements.push({
      ...where,
      ...(alternative === undefined ? {} : { alternative }),
      required: requirement.people,
      samePeople: requirement.samePeople,
      sets: requirement.examSets.map((s) => ({ exams: [...s.exams], minimum: s.minimum })),
      people: people.map((person) => {
        // The cheapest group this person could count in.
        let best: string[] | undefined;
        for (const group of groups) {
          const missing = group.map((set) => missingFor(person, set));
          if (missing.some((m) => m === undefined)) continue;
          const all = missing.flatMap((m) => m!);
          if (best === undefined || all.length < best.length) best = all;
        }
        return { personId: prepared.personId(person), missing: best === undefined ? null : best.length, exams: best ?? [] };
      }),
    });
  };
  for (const competency of prepared.program.competencies) {
    for (const option of competency.options) {
      for (const level of option.levels) {
        for (const requirement of level.requirements) {
          const where = { competency: competency.id, option: option.id, level: level.id, requirement: requirement.id };
          if (requirement.kind === 'certified-people') add(where, requirement, undefined);
          else if (requirement.kind === 'any-of') {
            for (const alternative of requirement.alternatives) {
              if (alternative.kind === 'certified-people') add(where, alternative, alternative.id);
            }
          }
        }
      }
    }
  }
  return {
    partnerId,
    asOf,
    programVersion: prepared.program.effectiveFrom,
    exams,
    people: people.map((person) => {
      const id = prepared.personId(person);
      return { id, name: names.get(id) ?? id, exams: exams.filter((e) => counts(person, e)) };
    }),
    requirements,
  };
}
