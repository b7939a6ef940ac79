/**
 * The batch's preparation (issue 16): the revenue index `prepareColumns`
 * builds, against the same index built the plain way — every entry listed
 * line by line, scope by scope, owner by owner, then sorted by comparison on
 * (partner, day, order listed) — on random datasets. Whatever shortcut the
 * preparation takes to order its entries, the arrays must be these.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { columnsOf, prepareColumns, validateDataset, type DatasetColumns, type ProgramVersion } from '../src/engine/index.js';
import { ownersOn, tenuresByCustomer } from '../src/engine/rules/dpor-attribution.js';
import { formatProblem } from '../src/i18n/index.js';
import { program, programHistory, revision } from './support/builders.js';
import { datasetArbitraryFor, REVISION_POPULATION, SEED_POPULATION } from './support/random-datasets.js';

interface Entry {
  partner: number;
  day: number;
  scope: number;
  cents: number;
  line: number;
  listed: number;
}

function entriesThePlainWay(version: ProgramVersion, columns: DatasetColumns) {
  const { revenue, associations } = columns;
  const entries: Entry[] = [];
  const owners: number[] = [];
  for (let line = 0; line < revenue.day.length; line++) {
    const product = revenue.products[revenue.product[line]!]!;
    if (!version.products.has(product)) continue;
    for (const scope of version.revenueScopes) {
      if (!scope.products.has(product) || (scope.netNewOnly && !revenue.netNew[line])) continue;
      const tenures = tenuresByCustomer(associations, associations.types.indexOf(scope.attribution), columns.customers.count);
      ownersOn(tenures, revenue.customer[line]!, revenue.day[line]!, owners);
      for (const partner of owners) {
        entries.push({ partner, day: revenue.day[line]!, scope: scope.index, cents: revenue.cents[line]!, line, listed: entries.length });
      }
    }
  }
  entries.sort((a, b) => a.partner - b.partner || a.day - b.day || a.listed - b.listed);
  const starts = new Array<number>(columns.partners.ids.length + 1).fill(0);
  for (const e of entries) starts[e.partner + 1]! += 1;
  for (let p = 0; p < columns.partners.ids.length; p++) starts[p + 1]! += starts[p]!;
  return {
    partnerEntryStart: starts,
    entryDay: entries.map((e) => e.day),
    entryScope: entries.map((e) => e.scope),
    entryCents: entries.map((e) => e.cents),
    entryLine: entries.map((e) => e.line),
  };
}

describe('the prepared revenue index', () => {
  const cases: [string, ProgramVersion, typeof SEED_POPULATION][] = [
    ['the seed version', program, SEED_POPULATION],
    ['the revision', revision, REVISION_POPULATION],
  ];
  for (const [name, version, population] of cases) {
    it(`equals the index built by sorting every entry, under ${name}`, () => {
      fc.assert(
        fc.property(datasetArbitraryFor(population), ({ raw }) => {
          const validated = validateDataset(raw, programHistory);
          if (!validated.ok) throw new Error(validated.problems.map((p) => formatProblem(p)).join('\n'));
          const columns = columnsOf(validated.value);
          const prepared = prepareColumns(version, columns);
          expect({
            partnerEntryStart: [...prepared.partnerEntryStart],
            entryDay: [...prepared.entryDay],
            entryScope: [...prepared.entryScope],
            entryCents: [...prepared.entryCents],
            entryLine: [...prepared.entryLine],
          }).toEqual(entriesThePlainWay(version, columns));
        }),
        { numRuns: 200 },
      );
    });
  }
});
