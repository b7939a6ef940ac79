/**
 * Definition file → ProgramVersion. Checks what a schema cannot: that every id a
 * requirement names exists, that thresholds cover every market, that ids are
 * unique where they must be. Reports every problem, not the first.
 */
import { decimalFromNumber, parseDecimal, type Cents } from '../money.js';
import { exactCents } from '../rules/currency-conversion.js';
import { countedGroups } from '../rules/qualification.js';
import { problem, problemsFromZod, recordLabel, type MessageValues, type Problem, type ZodIssue } from '../problems.js';
import type { Result } from '../result.js';
import type {
  AssociationType,
  CertifiedPeopleRequirement,
  Competency,
  Exam,
  ExamSet,
  Level,
  Option,
  Product,
  ProgramVersion,
  Qualification,
  Requirement,
  RevenueScope,
  SingleRequirement,
} from './model.js';
import { programDefinition, type ProgramDefinition, type RequirementDefinition, type SingleRequirementDefinition } from './schema.js';

export function compileProgramVersion(raw: unknown): Result<ProgramVersion> {
  const parsed = programDefinition.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    return { ok: false, problems: problemsFromDefinitionZod(parsed.error.issues, raw) };
  }
  return new Compiler(parsed.data).compile();
}

/** Zod reports paths; name the record by its collection, index and id like everywhere else. */
function problemsFromDefinitionZod(issues: readonly ZodIssue[], raw: unknown): Problem[] {
  return issues.flatMap((issue) => {
    const [head, index, ...rest] = issue.path;
    if (typeof head === 'string' && typeof index === 'number') {
      const collection = (raw as Record<string, unknown> | null)?.[head];
      const item: unknown = Array.isArray(collection) ? collection[index] : undefined;
      const id = typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined;
      return problemsFromZod([{ ...issue, path: rest }], recordLabel(head, index, id));
    }
    return problemsFromZod([issue], 'definition');
  });
}

class Compiler {
  private readonly problems: Problem[] = [];
  private readonly scopes = new Map<string, RevenueScope>();
  private readonly qualifications = new Map<string, Qualification>();
  private products = new Map<string, Product>();
  private exams = new Map<string, Exam>();
  private associationTypes = new Map<string, AssociationType>();
  private marketIds = new Set<string>();

  constructor(private readonly def: ProgramDefinition) {}

  compile(): Result<ProgramVersion> {
    const def = this.def;
    this.marketIds = this.uniqueIds('markets', def.markets);
    this.associationTypes = new Map(this.unique('associationTypes', def.associationTypes).map((t) => [t.id, { ...t }] as const));
    this.exams = new Map(this.unique('exams', def.exams).map((e) => [e.id, { ...e }] as const));
    def.exams.forEach((exam, i) => {
      if (exam.retires && exam.acceptedUntil && exam.acceptedUntil < exam.retires) {
        this.problem(recordLabel('exams', i, exam.id), 'acceptedUntil', 'dateBefore', {
          field: 'acceptedUntil',
          date: exam.acceptedUntil,
          otherField: 'retires',
          otherDate: exam.retires,
        });
      }
    });
    this.products = new Map(this.unique('products', def.products).map((p) => [p.id, { ...p }] as const));
    def.products.forEach((product, i) => {
      for (const component of product.components) {
        if (!this.products.has(component)) {
          this.problem(recordLabel('products', i, product.id), 'components', 'namesUnknown', {
            field: 'components',
            kind: 'product',
            id: component,
          });
        }
      }
    });
    this.checkComponentCycles();

    const countries = new Map<string, string>();
    for (const [country, market] of Object.entries(def.countries)) {
      if (!this.marketIds.has(market)) {
        this.problem('countries', country, 'namesUnknown', { field: `countries.${country}`, kind: 'market', id: market });
      }
      countries.set(country, market);
    }

    const competencies = this.unique('competencies', def.competencies).map((c, ci) =>
      this.competency(c, recordLabel('competencies', ci, c.id)),
    );

    if (this.problems.length > 0) return { ok: false, problems: this.problems };
    return {
      ok: true,
      value: {
        id: def.id,
        name: def.name,
        effectiveFrom: def.effectiveFrom,
        source: def.source,
        notes: def.notes,
        publicationEnded: def.publicationEnded,
        markets: def.markets,
        countries,
        associationTypes: this.associationTypes,
        products: this.products,
        exams: this.exams,
        passCountsFor: this.passCountsFor(),
        examAvailableFrom: new Map(def.exams.flatMap((e) => (e.availableFrom ? [[e.id, e.availableFrom] as const] : []))),
        competencies,
        revenueScopes: [...this.scopes.values()],
        qualifications: [...this.qualifications.values()],
      },
    };
  }

  private competency(def: ProgramDefinition['competencies'][number], where: string): Competency {
    const options: Option[] = this.uniqueWithin(where, 'options', def.options).map((o, oi) => {
      const optionWhere = `${where}.${recordLabel('options', oi, o.id)}`;
      const levels: Level[] = this.uniqueWithin(optionWhere, 'levels', o.levels).map((l, li) => {
        const levelWhere = `${optionWhere}.${recordLabel('levels', li, l.id)}`;
        const requirements = this.uniqueWithin(levelWhere, 'requirements', l.requirements).map((r, ri) =>
          this.requirement(r, `${levelWhere}.${recordLabel('requirements', ri, r.id)}`),
        );
        return { id: l.id, name: l.name, rank: li, requirements };
      });
      return { id: o.id, name: o.name, description: o.description, levels };
    });
    return { id: def.id, name: def.name, description: def.description, options };
  }

  private requirement(def: RequirementDefinition, where: string): Requirement {
    if (def.kind === 'any-of') {
      const alternatives = this.uniqueWithin(where, 'alternatives', def.alternatives).map((alternative, ai) =>
        this.singleRequirement(alternative, `${where}.${recordLabel('alternatives', ai, alternative.id)}`),
      );
      return { kind: 'any-of', id: def.id, name: def.name, alternatives };
    }
    return this.singleRequirement(def, where);
  }

  private singleRequirement(def: SingleRequirementDefinition, where: string): SingleRequirement {
    if (def.kind === 'certified-people') return this.peopleRequirement(def, where);
    for (const product of def.products) {
      if (!this.products.has(product)) this.problem(where, 'products', 'namesUnknown', { field: 'products', kind: 'product', id: product });
    }
    if (!this.associationTypes.has(def.attribution)) {
      this.problem(where, 'attribution', 'namesUnknown', { field: 'attribution', kind: 'associationType', id: def.attribution });
    }
    const minimumCents = new Map<string, Cents>();
    for (const [market, amount] of Object.entries(def.minimumUsd)) {
      if (!this.marketIds.has(market)) {
        this.problem(where, `minimumUsd.${market}`, 'namesUnknown', { field: 'minimumUsd', kind: 'market', id: market });
        continue;
      }
      // Written as null: no threshold was published for the market (unlike a market left out, which is a slip).
      if (amount === null) continue;
      const decimal = typeof amount === 'number' ? decimalFromNumber(amount) : parseDecimal(amount);
      const cents = decimal ? exactCents(decimal) : undefined;
      if (cents === undefined || cents < 0) {
        this.problem(where, `minimumUsd.${market}`, 'notCents', { field: `minimumUsd.${market}`, value: JSON.stringify(amount) });
        continue;
      }
      minimumCents.set(market, cents);
    }
    for (const market of this.marketIds) {
      if (!Object.hasOwn(def.minimumUsd, market)) {
        this.problem(where, 'minimumUsd', 'noThreshold', { field: 'minimumUsd', market });
      }
    }
    return {
      kind: 'revenue',
      id: def.id,
      name: def.name,
      products: def.products,
      netNewOnly: def.netNewOnly,
      attribution: def.attribution,
      scope: this.scope(def.products, def.netNewOnly, def.attribution),
      minimumCents,
      cloud: def.cloud,
    };
  }

  private peopleRequirement(
    def: Extract<SingleRequirementDefinition, { kind: 'certified-people' }>,
    where: string,
  ): CertifiedPeopleRequirement {
    const seen = new Map<string, number>();
    const examSets: ExamSet[] = def.examSets.map((set, si) => {
      const field = `examSets[${si}].exams`;
      for (const exam of set.exams) {
        if (!this.exams.has(exam)) this.problem(where, field, 'namesUnknown', { field, kind: 'exam', id: exam });
        const earlier = seen.get(exam);
        if (earlier !== undefined) {
          // Disjoint sets keep "how many exams does this person still need" a simple sum.
          this.problem(where, field, 'repeatsExam', { field, exam, other: `examSets[${earlier}]` });
        }
        seen.set(exam, si);
      }
      const minimum = set.minimum ?? set.exams.length;
      if (minimum > set.exams.length) {
        const minimumField = `examSets[${si}].minimum`;
        this.problem(where, minimumField, 'minimumExceedsExams', {
          field: minimumField,
          minimum: String(minimum),
          count: set.exams.length,
        });
      }
      return { exams: set.exams, minimum };
    });
    const groups = countedGroups(def.samePeople, examSets).map((sets) => this.qualification(sets));
    const retiringExams = examSets.flatMap((set) => set.exams).filter((exam) => this.exams.get(exam)?.retires !== undefined);
    return {
      kind: 'certified-people',
      id: def.id,
      name: def.name,
      people: def.people,
      examSets,
      samePeople: def.samePeople,
      groups,
      retiringExams,
    };
  }

  private passCountsFor(): Map<string, string[]> {
    const counts = new Map<string, string[]>();
    for (const exam of this.exams.values()) {
      for (const passed of new Set([exam.id, ...exam.acceptsPassesOf])) counts.set(passed, [...(counts.get(passed) ?? []), exam.id]);
    }
    return counts;
  }

  private scope(products: readonly string[], netNewOnly: boolean, attribution: string): RevenueScope {
    const expanded = new Set<string>();
    const visit = (id: string): void => {
      if (expanded.has(id)) return;
      expanded.add(id);
      for (const component of this.products.get(id)?.components ?? []) visit(component);
    };
    products.forEach(visit);
    const key = JSON.stringify([[...expanded].sort(), netNewOnly, attribution]);
    let scope = this.scopes.get(key);
    if (!scope) {
      scope = { index: this.scopes.size, products: expanded, netNewOnly, attribution };
      this.scopes.set(key, scope);
    }
    return scope;
  }

  private qualification(examSets: readonly ExamSet[]): Qualification {
    const key = JSON.stringify(examSets.map((s) => [[...s.exams].sort(), s.minimum]));
    let qualification = this.qualifications.get(key);
    if (!qualification) {
      qualification = { index: this.qualifications.size, examSets };
      this.qualifications.set(key, qualification);
    }
    return qualification;
  }

  private checkComponentCycles(): void {
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (id: string, trail: string[]): void => {
      if (state.get(id) === 'done') return;
      if (state.get(id) === 'visiting') {
        this.problem('products', 'components', 'componentCycle', { collection: 'products', cycle: [...trail, id].join(' → ') });
        return;
      }
      state.set(id, 'visiting');
      for (const component of this.products.get(id)?.components ?? []) visit(component, [...trail, id]);
      state.set(id, 'done');
    };
    for (const id of this.products.keys()) visit(id, []);
  }

  private unique<T extends { id: string }>(collection: string, items: readonly T[]): T[] {
    return this.uniqueWithin('', collection, items);
  }

  private uniqueIds(collection: string, items: readonly { id: string }[]): Set<string> {
    return new Set(this.unique(collection, items).map((i) => i.id));
  }

  /** Reports repeated ids and keeps every item, so later checks still see them all. */
  private uniqueWithin<T extends { id: string }>(parent: string, collection: string, items: readonly T[]): T[] {
    const first = new Map<string, number>();
    items.forEach((item, i) => {
      const earlier = first.get(item.id);
      const label = `${parent === '' ? '' : `${parent}.`}${recordLabel(collection, i, item.id)}`;
      if (earlier !== undefined) {
        this.problem(label, 'id', 'repeatsId', { field: 'id', id: item.id, other: `${collection}[${earlier}]` });
      } else {
        first.set(item.id, i);
      }
    });
    return [...items];
  }

  private problem(record: string, field: string, code: string, values: MessageValues = {}): void {
    this.problems.push(problem(record, field, code, values));
  }
}
