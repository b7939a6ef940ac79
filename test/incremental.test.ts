/** Incremental evaluation: records added one at a time give what preparing the dataset with them gives. */
import { describe, expect, it } from 'vitest';
import {
  evaluate,
  IdColumnBuilder,
  IncrementalEvaluation,
  prepareColumns,
  versionInEffect,
  type DatasetColumns,
} from '../src/engine/index.js';
import { loadProgram } from '../src/files/program-files.js';
import { generateColumns, mulberry32 } from '../src/generate/index.js';
import { day } from './support/builders.js';

const program = loadProgram();

/** The columns with exam passes and revenue lines appended at their end, as a store would give them after importing them. */
function appended(
  columns: DatasetColumns,
  passes: { person: number; exam: string; day: number }[],
  lines: { id: string; customer: number; day: number; product: string; netNew: boolean; cents: number }[],
): DatasetColumns {
  const exams = [...columns.examPasses.exams];
  const examIndex = (exam: string) => (exams.includes(exam) ? exams.indexOf(exam) : exams.push(exam) - 1);
  const products = [...columns.revenue.products];
  const productIndex = (product: string) => (products.includes(product) ? products.indexOf(product) : products.push(product) - 1);
  const ids = new IdColumnBuilder();
  for (let i = 0; i < columns.revenue.ids.length; i++) ids.add(columns.revenue.ids.get(i));
  lines.forEach((l) => ids.add(l.id));
  const cat = <T extends Int32Array | Float64Array | Uint8Array>(a: T, more: number[]): T => {
    const out = new (a.constructor as new (n: number) => T)(a.length + more.length);
    out.set(a);
    out.set(more, a.length);
    return out;
  };
  return {
    ...columns,
    revenue: {
      products,
      customer: cat(
        columns.revenue.customer,
        lines.map((l) => l.customer),
      ),
      day: cat(
        columns.revenue.day,
        lines.map((l) => l.day),
      ),
      product: cat(
        columns.revenue.product,
        lines.map((l) => productIndex(l.product)),
      ),
      netNew: cat(
        columns.revenue.netNew,
        lines.map((l) => (l.netNew ? 1 : 0)),
      ),
      cents: cat(
        columns.revenue.cents,
        lines.map((l) => l.cents),
      ),
      ids: ids.build(),
    },
    examPasses: {
      exams,
      person: cat(
        columns.examPasses.person,
        passes.map((p) => p.person),
      ),
      exam: cat(
        columns.examPasses.exam,
        passes.map((p) => examIndex(p.exam)),
      ),
      day: cat(
        columns.examPasses.day,
        passes.map((p) => p.day),
      ),
    },
  };
}

describe('incremental evaluation', () => {
  for (const asOf of ['2017-07-07', '2017-12-31']) {
    it(`gives, after each new exam pass or revenue line, what a full preparation gives (as of ${asOf})`, () => {
      const version = versionInEffect(program, day(asOf))!;
      const columns = generateColumns(program, { partners: 300, seed: 11 });
      const incremental = new IncrementalEvaluation(prepareColumns(version, columns), columns);
      const random = mulberry32(42);
      const pick = (n: number) => Math.floor(random() * n);
      const exams = [...program.versions.flatMap((v) => [...v.exams.keys()]), 'NOT-AN-EXAM'];
      const products = [...program.products.keys()];
      const passes: Parameters<typeof appended>[1] = [];
      const lines: Parameters<typeof appended>[2] = [];
      for (let step = 0; step < 60; step++) {
        let partners: number[];
        if (step % 2 === 0) {
          const pass = { person: pick(columns.people.partner.length), exam: exams[pick(exams.length)]!, day: 16_700 + pick(800) };
          passes.push(pass);
          partners = [incremental.addExamPass(pass.person, pass.exam, pass.day)];
        } else {
          // Lines land on existing days too (ties keep the order of a full preparation), sometimes on a handed-over customer.
          const line = {
            id: `NEW-${step}`,
            customer: pick(columns.customers.count),
            day: columns.revenue.day[pick(columns.revenue.day.length)]!,
            product: products[pick(products.length)]!,
            netNew: random() < 0.7,
            cents: 100 + pick(50_000_000),
          };
          lines.push(line);
          partners = incremental.addRevenueLine(line);
        }
        if (step % 10 !== 9 && partners.length === 0) continue;
        const full = evaluate(prepareColumns(version, appended(columns, passes, lines)), { asOf: day(asOf) });
        for (const partner of partners) expect(incremental.evaluatePartner(partner, day(asOf))).toEqual(full.partners[partner]);
        // Partners untouched stay as they were.
        const other = pick(columns.partners.ids.length);
        expect(incremental.evaluatePartner(other, day(asOf))).toEqual(full.partners[other]);
      }
    });
  }
});
