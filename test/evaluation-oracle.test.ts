/**
 * The engine against a reference written straight from the rules:
 * on random datasets, every partner, every requirement, every as-of date,
 * the indexed single-pass evaluation must agree with a naive scan that
 * re-reads everything for every requirement. The reference hard-codes the
 * rules, so it also checks the bundled definition data.
 */
import Big from 'big.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, prepare, validateDataset, type Dataset } from '../src/engine/index.js';
import { formatProblem } from '../src/i18n/index.js';
import { program, programHistory, revision, day } from './support/builders.js';
import { datasetArbitrary, datasetArbitraryFor, PLAN_1_FAMILY, REVISION_POPULATION } from './support/random-datasets.js';

/** Thresholds in cents: [silver, gold] per market. */
const THRESHOLDS = {
  ceNetNew: { developed: [100000_00, 300000_00], developing: [50000_00, 150000_00] },
  opsAll: { developed: [100000_00, 300000_00], developing: [50000_00, 150000_00] },
  opsNetNew: { developed: [25000_00, 75000_00], developing: [12000_00, 37000_00] },
} as const;
const PEOPLE = [5, 15];

function minusOneYear(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const day = m === 2 && d === 29 ? 28 : d;
  return `${String(y - 1).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * The naive reading of the rules every version shares: rescan everything for
 * every question. `stillCounts` says whether a pass of an exam counts on the
 * as-of date at all (the revision's retiring exams stop counting).
 */
function naiveReading(ds: Dataset, asOf: string, stillCounts: (exam: string) => boolean = () => true) {
  const from = minusOneYear(asOf);
  const rate = (currency: string, month: string): string =>
    currency === 'USD' ? '1' : ds.fxRates.find((r) => r.currency === currency && r.month === month)!.usdPerUnit;
  const usdCents = (amount: string, currency: string, date: string): number =>
    Number(
      new Big(amount)
        .times(rate(currency, date.slice(0, 7)))
        .times(100)
        .round(0, Big.roundHalfUp)
        .toFixed(0),
    );
  const owner = (customerId: string, date: string): string | undefined =>
    ds.associations.find((a) => a.type === 'DPOR' && a.customerId === customerId && a.start <= date && (a.end === null || date <= a.end))
      ?.partnerId;
  return {
    /** TTM revenue of the partner from these products, in cents. */
    sum: (partnerId: string, products: readonly string[], netNewOnly: boolean): number =>
      ds.revenue
        .filter((l) => l.date > from && l.date <= asOf && products.includes(l.product) && (!netNewOnly || l.netNew))
        .filter((l) => owner(l.customerId, l.date) === partnerId)
        .reduce((acc, l) => acc + usdCents(l.amount, l.currency, l.date), 0),
    passedBy: (personId: string, exam: string): boolean =>
      stillCounts(exam) && ds.examPasses.some((e) => e.personId === personId && e.exam === exam && e.date <= asOf),
  };
}

/** The seed version, read naively. */
function reference(ds: Dataset, asOf: string) {
  const { sum: sumOf, passedBy } = naiveReading(ds, asOf);

  return ds.partners.map((partner) => {
    const sum = (products: string[], netNewOnly: boolean): number => sumOf(partner.id, products, netNewOnly);
    const people = ds.people.filter((p) => p.partnerId === partner.id);
    const ceQualified = people.filter(
      (p) => passedBy(p.id, 'MB2-715') && passedBy(p.id, 'MB2-716') && (passedBy(p.id, 'MB2-717') || passedBy(p.id, 'MB2-718')),
    ).length;
    const opsQualified = people.filter((p) => ['MB6-893', 'MB6-892', 'MB6-890', '70-764'].every((e) => passedBy(p.id, e))).length;
    const market = partner.market as 'developed' | 'developing';
    const ceNetNew = sum([...PLAN_1_FAMILY, 'D365-ENTERPRISE-PLAN-2'], true);
    const opsAll = sum(['D365-ENTERPRISE-PLAN-2', 'D365-OPERATIONS', 'AX-2012-ON-PREMISE'], false);
    const opsNetNew = sum(['D365-ENTERPRISE-PLAN-2', 'D365-OPERATIONS'], true);
    const levels = [0, 1].map((l) => ({
      ce: ceNetNew >= THRESHOLDS.ceNetNew[market][l]! && ceQualified >= PEOPLE[l]!,
      ops: opsAll >= THRESHOLDS.opsAll[market][l]! && opsNetNew >= THRESHOLDS.opsNetNew[market][l]! && opsQualified >= PEOPLE[l]!,
    }));
    const levelOf = (key: 'ce' | 'ops') => (levels[1]![key] ? 'gold' : levels[0]![key] ? 'silver' : null);
    return { partnerId: partner.id, ceNetNew, opsAll, opsNetNew, ceQualified, opsQualified, ce: levelOf('ce'), ops: levelOf('ops') };
  });
}

/** The 2017-10-13 revision, read as naively: same-or-different counts, two paths, AX passes counting until 2018-12-31. */
function referenceRevision(ds: Dataset, asOf: string) {
  const AX = ['MB6-705', 'MB6-893', 'MB6-892', 'MB6-890', '70-764'];
  const { sum: sumOf, passedBy } = naiveReading(ds, asOf, (exam) => !AX.includes(exam) || asOf <= '2018-12-31');

  return ds.partners.map((partner) => {
    const sum = (products: string[], netNewOnly: boolean): number => sumOf(partner.id, products, netNewOnly);
    const people = ds.people.filter((p) => p.partnerId === partner.id);
    const count = (test: (id: string) => boolean) => people.filter((p) => test(p.id)).length;
    const ceCore = count((id) => passedBy(id, 'MB2-715') && passedBy(id, 'MB2-716'));
    const ceSpecialty = count((id) => ['MB2-717', 'MB2-718', 'MB2-877'].some((e) => passedBy(id, e)));
    const foCore = count((id) => passedBy(id, 'MB6-894') && passedBy(id, '70-534'));
    const foSpecialty = count((id) => ['MB6-895', 'MB6-896', 'MB6-897'].some((e) => passedBy(id, e)));
    const ax = count((id) => AX.every((e) => passedBy(id, e)));
    const market = partner.market as 'developed' | 'developing';
    const ceNetNew = sum(PLAN_1_FAMILY, true);
    const opsAll = sum(['D365-ENTERPRISE-PLAN-2', 'D365-OPERATIONS', 'AX-2012-ON-PREMISE', 'D365-OPERATIONS-ON-PREMISES'], false);
    const opsNetNew = sum(['D365-ENTERPRISE-PLAN-2', 'D365-OPERATIONS'], true);
    const levels = [0, 1].map((l) => {
      const n = PEOPLE[l]!;
      return {
        ce: ceNetNew >= THRESHOLDS.ceNetNew[market][l]! && ceCore >= n && ceSpecialty >= n,
        ops:
          opsAll >= THRESHOLDS.opsAll[market][l]! &&
          opsNetNew >= THRESHOLDS.opsNetNew[market][l]! &&
          ((foCore >= n && foSpecialty >= n) || ax >= n),
      };
    });
    const levelOf = (key: 'ce' | 'ops') => (levels[1]![key] ? 'gold' : levels[0]![key] ? 'silver' : null);
    return {
      partnerId: partner.id,
      ceNetNew,
      opsAll,
      opsNetNew,
      ceQualified: Math.min(ceCore, ceSpecialty),
      foQualified: Math.min(foCore, foSpecialty),
      axQualified: ax,
      ce: levelOf('ce'),
      ops: levelOf('ops'),
    };
  });
}

describe('evaluation agrees with a naive reading of the rules', () => {
  it('on random datasets under the 2017-10-13 revision: every sum, every count, every level', () => {
    let attained = 0;
    fc.assert(
      fc.property(datasetArbitraryFor(REVISION_POPULATION), ({ raw, asOf }) => {
        const validated = validateDataset(raw, programHistory);
        if (!validated.ok) throw new Error(validated.problems.map((p) => formatProblem(p)).join('\n'));
        const report = evaluate(prepare(revision, validated.value), { asOf: day(asOf) });
        const actual = report.partners.map((p) => {
          const [ce, ops] = p.competencies[0]!.options;
          const silver = (o: typeof ce) => o!.levels[0]!.requirements;
          const byId = (o: typeof ce, id: string) => silver(o).find((r) => r.id === id)!;
          const opsPeople = byId(ops, 'certified-people');
          if (opsPeople.kind !== 'any-of') throw new Error('any-of expected');
          const path = (id: string) => opsPeople.alternatives.find((a) => a.id === id)!.actual;
          if (ce!.level || ops!.level) attained += 1;
          return {
            partnerId: p.partnerId,
            ceNetNew: Math.round(byId(ce, 'net-new-revenue').actual * 100),
            opsAll: Math.round(byId(ops, 'revenue').actual * 100),
            opsNetNew: Math.round(byId(ops, 'net-new-revenue').actual * 100),
            ceQualified: byId(ce, 'certified-people').actual,
            foQualified: path('finance-and-operations'),
            axQualified: path('ax-2012'),
            ce: ce!.level,
            ops: ops!.level,
          };
        });
        expect(actual).toEqual(referenceRevision(validated.value, asOf));
      }),
      { numRuns: 300 },
    );
    // The property must see partners attain levels, or it checks little.
    expect(attained).toBeGreaterThan(0);
  });

  it('on random datasets under the seed version: every sum, every count, every level', () => {
    let attained = 0;
    fc.assert(
      fc.property(datasetArbitrary, ({ raw, asOf }) => {
        const validated = validateDataset(raw, program);
        if (!validated.ok) throw new Error(validated.problems.map((p) => formatProblem(p)).join('\n'));
        const report = evaluate(prepare(program, validated.value), { asOf: day(asOf) });
        const expected = reference(validated.value, asOf);
        const actual = report.partners.map((p) => {
          const [ce, ops] = p.competencies[0]!.options;
          const silver = (o: typeof ce) => o!.levels[0]!.requirements;
          const byId = (o: typeof ce, id: string) => silver(o).find((r) => r.id === id)!.actual;
          return {
            partnerId: p.partnerId,
            ceNetNew: Math.round(byId(ce, 'net-new-revenue') * 100),
            opsAll: Math.round(byId(ops, 'revenue') * 100),
            opsNetNew: Math.round(byId(ops, 'net-new-revenue') * 100),
            ceQualified: byId(ce, 'certified-people'),
            opsQualified: byId(ops, 'certified-people'),
            ce: ce!.level,
            ops: ops!.level,
          };
        });
        attained += actual.filter((a) => a.ce || a.ops).length;
        expect(actual).toEqual(expected);
      }),
      { numRuns: 300 },
    );
    expect(attained).toBeGreaterThan(0);
  });

  it('evaluating some partners gives exactly their part of evaluating all', () => {
    fc.assert(
      fc.property(datasetArbitrary, fc.integer({ min: 0, max: 15 }), ({ raw, asOf }, mask) => {
        const validated = validateDataset(raw, program);
        if (!validated.ok) throw new Error('invalid');
        const prepared = prepare(program, validated.value);
        const all = evaluate(prepared, { asOf: day(asOf) });
        const chosen = validated.value.partners
          .filter((_, i) => mask & (1 << i))
          .map((p) => p.id)
          .reverse();
        const some = evaluate(prepared, { asOf: day(asOf), partnerIds: chosen });
        expect(some.partners).toEqual(chosen.map((id) => all.partners.find((p) => p.partnerId === id)));
      }),
      { numRuns: 100 },
    );
  });
});
