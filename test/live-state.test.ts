/**
 * The live state (src/app/evaluations.ts) against a fresh load of the store
 * after every import: random sequences of adds, updates, hand-overs, people
 * moving, rate changes and program loads, on PGlite and on the PostgreSQL
 * server. After each step every partner's summary and outlook, evaluation
 * (with its evidence), forecast, timeline and qualification matrix must
 * equal what a server started just then would answer.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Evaluations, type StateChange } from '../src/app/evaluations.js';
import { importData } from '../src/app/imports.js';
import { evaluation, forecast, qualifications, timeline, timelineRange, type InputNames, type RulesChoice } from '../src/app/reports.js';
import { InvalidInputError, type IsoDate } from '../src/engine/index.js';
import { readJsonFile } from '../src/files/dataset-file.js';
import { definitionsOnDisk } from '../src/files/program-files.js';
import { Store, type StoreOptions } from '../src/store/store.js';
import { day } from './support/builders.js';
import { ALL_PRODUCTS, EXAMS } from './support/random-datasets.js';
import { storeEngines } from './support/stores.js';

const EXAMPLE = 'examples/cloud-business-applications.json';
const NAMES: InputNames = { asOf: 'asOf', programVersion: 'programVersion', partner: 'partner', target: 'target', from: 'from', to: 'to' };
const DATES: readonly IsoDate[] = [day('2017-06-30'), day('2017-11-16'), day('2018-03-31')];

type Row = Record<string, unknown>;

interface Example {
  partners: Row[];
  customers: Row[];
  associations: Row[];
  revenue: Row[];
  people: Row[];
  examPasses: Row[];
  fxRates: Row[];
}

/** What the generator knows of the store, to make imports that are valid (most of the time). */
class Model {
  readonly partners: string[];
  readonly customers: string[];
  readonly lines: Row[];
  readonly people: Row[];
  /** The open DPOR association of each customer that has one. */
  readonly open = new Map<string, Row>();
  private next = 0;

  constructor(example: Example) {
    this.partners = example.partners.map((p) => p.id as string);
    this.customers = example.customers.map((c) => c.id as string);
    this.lines = example.revenue.map((l) => ({ ...l }));
    this.people = example.people.map((p) => ({ ...p }));
    for (const a of example.associations) if (a.type === 'DPOR' && a.end === null) this.open.set(a.customerId as string, { ...a });
  }

  id(prefix: string): string {
    this.next += 1;
    return `${prefix}-${this.next}`;
  }
}

/** One step: a random choice among the kinds of import, its details drawn from `n`. */
const stepArbitrary = fc.record({
  kind: fc.constantFrom('lines', 'update-line', 'move-line', 'hand-over', 'passes', 'move-person', 'partner', 'rate', 'program'),
  n: fc.array(fc.nat({ max: 1_000_000 }), { minLength: 8, maxLength: 8 }),
});
type Step = fc.Arbitrary<{ kind: string; n: number[] }> extends fc.Arbitrary<infer T> ? T : never;

const pick = <T>(items: readonly T[], n: number): T => items[n % items.length]!;
/** A date between 2016-01-01 and 2018-02-28. */
const dateOf = (n: number): string => new Date(Date.UTC(2016, 0, 1) + (n % 790) * 86_400_000).toISOString().slice(0, 10);
const amountOf = (n: number): string => `${(n % 90_000) + 1}.${String(n % 100).padStart(2, '0')}`;

/** The records of one import (or a program load), and the model updated as if it landed. */
function importOf(model: Model, { kind, n }: Step): { records?: Partial<Record<keyof Example, Row[]>>; program?: true } {
  switch (kind) {
    case 'lines': {
      const revenue = Array.from({ length: 1 + (n[0]! % 6) }, (_, i) => ({
        id: model.id('L'),
        customerId: pick(model.customers, n[1]! + i),
        product: pick(ALL_PRODUCTS, n[2]! + i),
        date: dateOf(n[3]! + i * 37),
        amount: amountOf(n[4]! + i),
        currency: n[5]! % 4 === 0 ? 'EUR' : 'USD',
        netNew: n[6]! % 2 === 0,
      }));
      model.lines.push(...revenue);
      return { records: { revenue } };
    }
    case 'update-line': {
      const line = { ...pick(model.lines, n[0]!), amount: amountOf(n[1]!), netNew: n[2]! % 2 === 0 };
      return { records: { revenue: [line] } };
    }
    case 'move-line': {
      const line = pick(model.lines, n[0]!);
      line.customerId = pick(model.customers, n[1]!);
      line.date = dateOf(n[2]!);
      return { records: { revenue: [{ ...line }] } };
    }
    case 'hand-over': {
      const customerId = pick(model.customers, n[0]!);
      const to = pick(model.partners, n[1]!);
      const open = model.open.get(customerId);
      const start = dateOf(n[2]!);
      if (open && (open.start as string) >= start) return {};
      const associations: Row[] = [];
      if (open) {
        const end = new Date(Date.parse(`${start}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
        associations.push({ ...open, end });
      }
      const opened = { customerId, partnerId: to, type: 'DPOR', start, end: null };
      associations.push(opened);
      model.open.set(customerId, opened);
      return { records: { associations } };
    }
    case 'passes': {
      const examPasses = Array.from({ length: 1 + (n[0]! % 5) }, (_, i) => ({
        personId: pick(model.people, n[1]! + i).id,
        exam: pick(EXAMS, n[2]! + i * 3),
        date: dateOf(n[3]! + i * 11),
      }));
      return { records: { examPasses } };
    }
    case 'move-person': {
      const person = pick(model.people, n[0]!);
      person.partnerId = pick(model.partners, n[1]!);
      return { records: { people: [{ ...person }] } };
    }
    case 'partner': {
      const partnerId = model.id('P');
      const customerId = model.id('C');
      const people = Array.from({ length: n[0]! % 4 }, () => ({ id: model.id('PE'), partnerId, name: 'New Person' }));
      const revenue = [
        {
          id: model.id('L'),
          customerId,
          product: pick(ALL_PRODUCTS, n[1]!),
          date: dateOf(n[2]!),
          amount: amountOf(n[3]!),
          currency: 'USD',
          netNew: true,
        },
      ];
      const association = { customerId, partnerId, type: 'DPOR', start: '2015-06-01', end: null };
      model.partners.push(partnerId);
      model.customers.push(customerId);
      model.people.push(...people);
      model.lines.push(...revenue);
      model.open.set(customerId, association);
      return {
        records: {
          partners: [{ id: partnerId, name: `Partner ${partnerId}`, country: pick(['US', 'IN', 'FR', 'BR'], n[4]!) }],
          customers: [{ id: customerId, name: `Customer ${customerId}`, country: 'US' }],
          associations: [association],
          revenue,
          people,
          examPasses: people.map((p, i) => ({ personId: p.id, exam: pick(EXAMS, n[5]! + i), date: dateOf(n[6]! + i) })),
        },
      };
    }
    case 'rate': {
      const month = dateOf(n[0]!).slice(0, 7);
      return { records: { fxRates: [{ currency: 'EUR', month, usdPerUnit: `1.${String(n[1]! % 10_000).padStart(4, '0')}` }] } };
    }
    default:
      return { program: true };
  }
}

/**
 * Everything a server answers about the store: every partner's summary, and
 * each partner's reports both from its neighbourhood (records) and from the
 * state kept in memory (columns, or the patch that read it again).
 */
async function answers(evaluations: Evaluations, partnerIds: readonly string[]) {
  const out: Record<string, unknown> = {};
  const range = timelineRange('2017-01-31', '2018-01-31', 'month', NAMES);
  if (!range.ok) throw new Error('a bad range');
  for (const asOf of DATES) {
    const rules: RulesChoice = { asOf };
    const summaries = await evaluations.summaries(rules, NAMES);
    out[`summaries ${asOf}`] = summaries.ok ? [...summaries.value.partners].sort((a, b) => a.id.localeCompare(b.id)) : summaries;
    // The partner list's outlooks (next level, largest shortfall, lapse): loaded, patched, or read again.
    const overview = await evaluations.overview(rules, NAMES);
    out[`overview ${asOf}`] = overview.ok ? [...overview.value.rows].sort((a, b) => a.id.localeCompare(b.id)) : overview;
    for (const id of partnerIds) {
      const data = await evaluations.partner(id);
      const kept = await evaluations.judged(id);
      if (!data || !kept) {
        out[`${id} ${asOf}`] = [data, kept];
        continue;
      }
      out[`${id} ${asOf}`] = {
        evaluation: evaluation(data, [id], rules, NAMES),
        forecast: forecast(data, id, rules, NAMES),
        timeline: timeline(data, id, range.value, undefined, NAMES),
        matrix: qualifications(data, id, rules, NAMES),
        summary: await evaluations.partnerSummaries(id, rules, NAMES),
      };
      out[`${id} ${asOf} kept`] = {
        evaluation: evaluation(kept, [id], rules, NAMES),
        forecast: forecast(kept, id, rules, NAMES),
        timeline: timeline(kept, id, range.value, undefined, NAMES),
        // Judged by a version named instead of the one in force: the kept preparations, every date by it.
        forced: forecast(kept, id, { asOf, programVersion: day('2017-07-07') }, NAMES),
      };
    }
  }
  return out;
}

/** What the kept state answers equals what the records answer, partner by partner. */
function keptAgreesWithRecords(out: Record<string, unknown>): void {
  for (const [key, kept] of Object.entries(out)) {
    if (!key.endsWith(' kept')) continue;
    const records = out[key.slice(0, -' kept'.length)] as Record<string, unknown>;
    const { forced: _forced, ...same } = kept as Record<string, unknown>;
    expect(same, key).toEqual({ evaluation: records.evaluation, forecast: records.forecast, timeline: records.timeline });
  }
}

/** The bundled definitions with a note of the last version changed: a program load that updates a version. */
function revisedDefinitions(note: string): { definition: unknown }[] {
  const { definitions } = definitionsOnDisk.read();
  return definitions.map(({ definition }, i) =>
    i === definitions.length - 1
      ? { definition: { ...(definition as Row), notes: [{ kind: 'reading', text: { en: note, 'fr-FR': note, 'zh-TW': note } }] } }
      : { definition },
  );
}

async function storeWithExample(options: StoreOptions): Promise<Store> {
  const store = await Store.open(options);
  await importData(store, definitionsOnDisk, { files: [{ incoming: readJsonFile(EXAMPLE), source: EXAMPLE }] });
  return store;
}

const { engines } = storeEngines('live');

describe.each(engines)('the live state on $name', (engine) => {
  it('equals a fresh load of the store after every import of a random sequence', { timeout: 240_000 }, async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(stepArbitrary, { minLength: 3, maxLength: 7 }), fc.boolean(), async (steps, eager) => {
        runs += 1;
        const example = readJsonFile(EXAMPLE) as unknown as Example;
        const model = new Model(example);
        const store = await storeWithExample(engine.name === 'PGlite' ? { dataDir: 'memory://' } : engine.options());
        // Half the runs read the whole store again after two changed partners: both ways of catching up are held to a fresh load.
        const live = new Evaluations(store, definitionsOnDisk, eager ? { reloadAfter: () => 2 } : {});
        const changes: StateChange[] = [];
        live.onChange((change) => changes.push(change));
        try {
          await live.load();
          for (const step of steps) {
            const made = importOf(model, step);
            if (made.program) {
              await store.saveProgram(revisedDefinitions(`run ${runs}, ${step.n[0]}`), 'revised.json');
            } else if (made.records) {
              try {
                await importData(store, definitionsOnDisk, { files: [{ incoming: made.records, source: `step ${step.kind}` }] });
              } catch (error) {
                // A generated import the store refuses is a step too: nothing changes but the stamp.
                if (!(error instanceof InvalidInputError)) throw error;
              }
            }
            await live.refresh();
            const fresh = new Evaluations(store, definitionsOnDisk);
            const ids = [...model.partners];
            const fromLive = await answers(live, ids);
            keptAgreesWithRecords(fromLive);
            expect(fromLive, `after ${step.kind} (${JSON.stringify(step.n)})`).toEqual(await answers(fresh, ids));
          }
          const stamp = await store.queries.stamp();
          if (changes.length > 0) expect(changes.at(-1)!.stamp).toBe(stamp);
        } finally {
          await store.close();
        }
      }),
      // A few sequences per run keep the suite within its time on two cores; ATTAIN_LIVE_RUNS asks for more.
      {
        numRuns: Number(process.env.ATTAIN_LIVE_RUNS ?? (engine.name === 'PGlite' ? 4 : 2)),
        seed: Number(process.env.ATTAIN_LIVE_SEED ?? 20261205),
      },
    );
  });
});

describe('the live state, step by step', () => {
  it('reads again only the partners an import changed, and the whole store after a program load', async () => {
    const store = await storeWithExample({ dataDir: 'memory://' });
    const live = new Evaluations(store, definitionsOnDisk);
    const changes: StateChange[] = [];
    live.onChange((change) => changes.push(change));
    try {
      await live.load();
      const before = await live.summaries({ asOf: day('2017-11-01') }, NAMES);
      expect(before.ok).toBe(true);
      await importData(store, definitionsOnDisk, {
        files: [{ incoming: { examPasses: [{ personId: 'CON-01', exam: 'MB2-717', date: '2017-10-01' }] }, source: 'one.json' }],
      });
      await live.refresh();
      expect(changes.at(-1)).toMatchObject({ partners: 1, reloaded: false });
      // A hand-over changes both partners: the one losing the customer and the one gaining it.
      await importData(store, definitionsOnDisk, {
        files: [
          {
            incoming: {
              associations: [
                { customerId: 'C-ADATUM', partnerId: 'P-CONTOSO', type: 'DPOR', start: '2016-01-01', end: '2017-08-31' },
                { customerId: 'C-ADATUM', partnerId: 'P-FABRIKAM', type: 'DPOR', start: '2017-09-01', end: null },
              ],
            },
            source: 'hand-over.json',
          },
        ],
      });
      await live.refresh();
      expect(changes.at(-1)!.partners).toBeGreaterThanOrEqual(2);
      const after = await live.summaries({ asOf: day('2017-11-01') }, NAMES);
      const fresh = await new Evaluations(store, definitionsOnDisk).summaries({ asOf: day('2017-11-01') }, NAMES);
      expect(after).toEqual(fresh);
      await store.saveProgram(revisedDefinitions('a revision'), 'revised.json');
      await live.refresh();
      expect(changes.at(-1)).toMatchObject({ reloaded: true, reason: 'program' });
    } finally {
      await store.close();
    }
  });
});
