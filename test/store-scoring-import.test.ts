/**
 * Scoring records into the store (issue #19): `Store.importScoringRecords`
 * merging records by key into what is stored, validating the merged records
 * before anything is written, and `attain import --scored`, `attain export
 * --scored`, `attain score` and `attain evaluate --scored` on the store —
 * on both engines.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidInputError,
  RecordsToRead,
  scoringCollections,
  validatedScoring,
  type ScoredVersionDefinition,
  type ScoringRecords,
} from '../src/engine/index.js';
import { readScoredDefinitions } from '../src/files/scored-files.js';
import { loadProgram } from '../src/files/program-files.js';
import { formatProblem } from '../src/i18n/index.js';
import { openScoringCsvFolder, readScoringCsvFolder } from '../src/files/scoring-csv.js';
import { stringifyCsv } from '../src/render/csv.js';
import { SCORING_TABLES } from '../src/store/scoring.js';
import { openPglite } from '../src/store/pglite.js';
import { openPostgres } from '../src/store/postgres.js';
import { readStoredSnapshot } from '../src/store/snapshot.js';
import { Store, type StoreOptions } from '../src/store/store.js';
import { runCli } from './support/cli.js';
import { SERVER, storeEngines, type Engine } from './support/stores.js';

const { engines: ENGINES } = storeEngines('scoring_import');
const EXAMPLE = 'examples/business-applications-scored.json';
const THRESHOLD_EXAMPLE = 'examples/cloud-business-applications.json';

type Row = Record<string, unknown>;
const example = (): Record<string, Row[]> => JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, Row[]>;

let versions: readonly ScoredVersionDefinition[];
beforeAll(() => {
  const read = readScoredDefinitions();
  if (!read.ok) throw new Error('the bundled scored definition does not read');
  versions = read.versions;
});

/** The records validated as a file's: the dataset the scored metrics read. */
function dataset(records: unknown) {
  const validated = validatedScoring(records, versions);
  if (!validated.ok) throw new Error(validated.problems.map((p) => formatProblem(p)).join('\n'));
  return validated.dataset;
}

/** The problems of an import refused, worded, with its source. */
async function refusal(attempt: Promise<unknown>): Promise<{ source: string; lines: string[] }> {
  const error = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidInputError);
  const invalid = error as InvalidInputError;
  return { source: invalid.source, lines: invalid.problems.map((p) => formatProblem(p)) };
}

/** The example's records as CSV files, one per collection, headers its field names. */
function csvFolder(records: Record<string, Row[]>): string {
  const dir = mkdtempSync(join(tmpdir(), 'attain-scoring-csv-'));
  for (const [collection, rows] of Object.entries(records)) {
    const fields = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    writeFileSync(
      join(dir, `${collection}.csv`),
      stringifyCsv([fields, ...rows.map((r) => fields.map((f) => (r[f] === null || r[f] === undefined ? '' : String(r[f]))))]),
    );
  }
  return dir;
}

/** The scoring tables' indexes (keys included), their definitions without the schema's name. */
async function scoringIndexes(options: StoreOptions): Promise<string[]> {
  const db = options.databaseUrl ? await openPostgres(options.databaseUrl, options.schema) : await openPglite(options.dataDir!);
  try {
    const rows = await db.query<{ definition: string }>(
      `SELECT replace(indexdef, schemaname || '.', '') AS definition FROM pg_indexes
       WHERE schemaname = current_schema() AND tablename LIKE 'scoring\\_%' ORDER BY 1`,
    );
    return rows.map((r) => r.definition);
  } finally {
    await db.close();
  }
}

/** The command-line flags that open this engine's store (a server's schema created and migrated first). */
async function storeFlags(options: StoreOptions): Promise<string[]> {
  if (!options.databaseUrl) return ['--data', options.dataDir!];
  const store = await Store.open(options);
  await store.close();
  const url = `${SERVER}${SERVER.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${options.schema}`)}`;
  return ['--database-url', url];
}

for (const engine of ENGINES as readonly Engine[]) {
  describe(`scoring import on ${engine.name}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await Store.open(engine.options());
    });
    afterAll(async () => {
      await store.close();
    });

    it('adds every record once, then counts them unchanged, updated or added by key, per collection', async () => {
      const records = example();
      const first = await store.importScoringRecords(records, 'first.json', versions);
      expect(first.added).toBe(Object.values(records).reduce((n, rows) => n + rows.length, 0));
      expect([first.updated, first.unchanged]).toEqual([0, 0]);
      expect(first.collections.billing).toEqual({ added: records.billing!.length, updated: 0, unchanged: 0 });

      const again = await store.importScoringRecords(records, 'again.json', versions);
      expect([again.added, again.updated, again.unchanged]).toEqual([0, 0, first.added]);
      expect(again.batch).toBeGreaterThan(first.batch);

      // One amount changed (12.5 and 12.50 are the same amount), one seat count changed, one new seat month, one usage as given.
      const billing = records.billing!.map((b, i) => (i === 0 ? { ...b, amountUsd: '1234.56' } : b));
      const seat = records.seats![0]!;
      const seats = [
        { ...seat, paidSeats: Number(seat.paidSeats) + 1 },
        { ...seat, month: '2031-01' },
      ];
      const usage = [{ ...records.usage![0]!, units: `${String(records.usage![0]!.units)}.000` }];
      const third = await store.importScoringRecords({ billing, seats, usage }, 'third.json', versions);
      expect(third.collections.billing).toEqual({ added: 0, updated: 1, unchanged: records.billing!.length - 1 });
      expect(third.collections.seats).toEqual({ added: 1, updated: 1, unchanged: 0 });
      expect(third.collections.usage).toEqual({ added: 0, updated: 0, unchanged: 1 });
      expect(third.collections.partners).toEqual({ added: 0, updated: 0, unchanged: 0 });

      // The store holds the merge: updated in place (stored order kept), the new one last.
      const stored = await store.scoringRecords();
      expect(stored.billing![0]).toMatchObject({ id: records.billing![0]!.id, amountUsd: '1234.56' });
      expect(stored.seats![0]).toEqual({ ...seat, paidSeats: Number(seat.paidSeats) + 1 });
      expect(stored.seats!.at(-1)).toEqual({ ...seat, month: '2031-01' });
      expect(stored.seats!.length).toBe(records.seats!.length + 1);
      expect(stored.partners).toEqual(records.partners);
      const batches = await store.batches();
      expect(batches.at(-1)).toMatchObject({ kind: 'scoring', source: 'third.json', added: 1, updated: 2, rejected: 0 });
    });

    it('writes a collection into its empty table as by key: the same records, odd text, nulls, numbers and booleans', async () => {
      // Ids with COPY's special characters (tab, line breaks, backslash) and text JSON escapes, numbers and booleans.
      const odd = 'X\t\\N\n\r"é\\';
      const records = example();
      records.partners!.push({ id: `P${odd}`, country: 'US' });
      records.tenants!.push({ id: `T${odd}`, country: 'US' });
      records.subscriptions!.push({ id: `S${odd}`, tenantId: `T${odd}`, product: 'D365-FINANCE', paid: false });
      records.billing!.push({ id: `B${odd}`, subscriptionId: `S${odd}`, month: '2020-08', amountUsd: '-0.50' });
      records.seats!.push({ subscriptionId: `S${odd}`, month: '2020-08', paidSeats: 0 });
      records.usage!.push({ tenantId: `T${odd}`, workload: 'D365-FINANCE', month: '2020-08', units: '2.125' });
      records.associations!.push({ partnerId: `P${odd}`, subscriptionId: `S${odd}`, type: 'DPOR', from: '2019-01', to: null });
      // Into empty tables (copied in), and into tables already holding a record of each collection (written by key).
      const seed: Record<string, Row[]> = {
        partners: [{ id: 'P-SEED', country: 'US' }],
        tenants: [{ id: 'T-SEED', country: 'US' }],
        subscriptions: [{ id: 'S-SEED', tenantId: 'T-SEED', product: 'D365-FINANCE', paid: true }],
        billing: [{ id: 'B-SEED', subscriptionId: 'S-SEED', month: '2020-08', amountUsd: '1' }],
        seats: [{ subscriptionId: 'S-SEED', month: '2020-08', paidSeats: 1 }],
        usage: [{ tenantId: 'T-SEED', workload: 'D365-FINANCE', month: '2020-08', units: 1 }],
        instances: [{ id: 'I-SEED', tenantId: 'T-SEED', group: 'finance-and-operations', production: true }],
        associations: [{ partnerId: 'P-SEED', subscriptionId: 'S-SEED', type: 'DPOR', from: '2019-01' }],
        people: [{ id: 'PS-SEED', partnerId: 'P-SEED' }],
        examPasses: [{ personId: 'PS-SEED', exam: 'MB-300', date: '2020-01-15' }],
        certificationsHeld: [{ personId: 'PS-SEED', certification: 'd365-functional-consultant-sales', date: '2023-01-15' }],
        baselines: [{ partnerId: 'P-SEED', metric: 'functional-consultant-growth', kind: 'baseline', date: '2020-10-01', count: 1 }],
      };
      expect(Object.keys(seed).sort()).toEqual(Object.keys(records).sort());
      const copiedOptions = engine.options();
      const copied = await Store.open(copiedOptions);
      const byKey = await Store.open(engine.options());
      try {
        const whole = await copied.importScoringRecords(records, 'whole.json', versions);
        await byKey.importScoringRecords(seed, 'seed.json', versions);
        const rest = await byKey.importScoringRecords(records, 'rest.json', versions);
        expect([rest.added, rest.updated, rest.unchanged]).toEqual([whole.added, 0, 0]);
        const withoutSeed = Object.fromEntries(Object.entries(await byKey.scoringRecords()).map(([name, rows]) => [name, rows.slice(1)]));
        expect(await copied.scoringRecords()).toEqual(withoutSeed);
        expect((await copied.scoringRecords()).partners!.at(-1)).toEqual({ id: `P${odd}`, country: 'US' });
        // What was copied in compares equal, field by field, to the same records given again.
        const again = await copied.importScoringRecords(records, 'again.json', versions);
        expect([again.added, again.updated, again.unchanged]).toEqual([0, 0, whole.added]);
      } finally {
        await copied.close();
        await byKey.close();
      }
      // The tables' keys and indexes as migrated, though PGlite's were dropped for the copy and built after it.
      const freshOptions = engine.options();
      await (await Store.open(freshOptions)).close();
      expect(await scoringIndexes(copiedOptions)).toEqual(await scoringIndexes(freshOptions));
      expect((await scoringIndexes(copiedOptions)).length).toBeGreaterThan(Object.keys(records).length);
    });

    it('undoes what it wrote when a sum found late needs the whole store checked, then writes once', async () => {
      const fresh = await Store.open(engine.options());
      try {
        const big = '50000000000000.00';
        await fresh.importScoringRecords(
          {
            partners: [{ id: 'P-1', country: 'US' }],
            tenants: [{ id: 'T-1', country: 'US' }],
            subscriptions: [{ id: 'S-1', tenantId: 'T-1', product: 'BUSINESS-CENTRAL', paid: true }],
            billing: [{ id: 'B-1', subscriptionId: 'S-1', month: '2023-01', amountUsd: big }],
          },
          'first.json',
          versions,
        );
        // The stored total and the import's together pass what the scorer adds exactly, so the import's own check is in
        // doubt once it comes to billing, after writing the partner; the whole store's check finds B-1 given as stored.
        const report = await fresh.importScoringRecords(
          {
            partners: [{ id: 'P-2', country: 'FR' }],
            billing: [{ id: 'B-1', subscriptionId: 'S-1', month: '2023-01', amountUsd: big }],
          },
          'second.json',
          versions,
        );
        expect(report.collections.partners).toEqual({ added: 1, updated: 0, unchanged: 0 });
        expect(report.collections.billing).toEqual({ added: 0, updated: 0, unchanged: 1 });
        expect((await fresh.scoringRecords()).partners!.map((p) => p['id'])).toEqual(['P-1', 'P-2']);
        // Past the bound for real: refused whole, the partner written before it undone.
        const { lines } = await refusal(
          fresh.importScoringRecords(
            {
              partners: [{ id: 'P-3', country: 'FR' }],
              billing: [{ id: 'B-2', subscriptionId: 'S-1', month: '2023-02', amountUsd: big }],
            },
            'third.json',
            versions,
          ),
        );
        expect(lines).toEqual([expect.stringMatching(/^dataset: /)]);
        expect((await fresh.scoringRecords()).partners!.map((p) => p['id'])).toEqual(['P-1', 'P-2']);
      } finally {
        await fresh.close();
      }
    });

    it('checks references against the store with the import: a billing of a stored subscription is taken', async () => {
      await store.importScoringRecords(
        {
          partners: [{ id: 'P-REF', country: 'US' }],
          tenants: [{ id: 'T-REF', country: 'US' }],
          subscriptions: [{ id: 'S-REF', tenantId: 'T-REF', product: 'BUSINESS-CENTRAL', paid: true }],
        },
        'parents.json',
        versions,
      );
      const report = await store.importScoringRecords(
        {
          billing: [{ id: 'B-REF', subscriptionId: 'S-REF', month: '2023-01', amountUsd: 100 }],
          associations: [{ partnerId: 'P-REF', subscriptionId: 'S-REF', type: 'DPOR', from: '2022-06' }],
        },
        'children.json',
        versions,
      );
      expect(report.collections.billing.added).toBe(1);
      expect(report.collections.associations.added).toBe(1);
      expect((await store.scoringRecords()).associations!.at(-1)).toEqual({
        partnerId: 'P-REF',
        subscriptionId: 'S-REF',
        type: 'DPOR',
        from: '2022-06',
        to: null,
      });
    });

    it('refuses a batch with any bad record whole, naming source, record and field, and writes nothing', async () => {
      const before = await store.scoringRecords();
      const batches = (await store.batches()).length;
      const { source, lines } = await refusal(
        store.importScoringRecords(
          {
            tenants: [{ id: 'T-NEW', country: 'US' }],
            billing: [
              { id: 'B-GOOD', subscriptionId: 'S-REF', month: '2023-02', amountUsd: 5 },
              { id: 'B-BAD', subscriptionId: 'S-NOWHERE', month: '2023-02', amountUsd: 5 },
              { id: 'B-MONTH', subscriptionId: 'S-REF', month: '2023-13', amountUsd: 5 },
            ],
            seats: [
              { subscriptionId: 'S-REF', month: '2023-02', paidSeats: 2 },
              { subscriptionId: 'S-REF', month: '2023-02', paidSeats: 3 },
            ],
            // Moving a stored subscription to a tenant that does not exist.
            subscriptions: [{ id: 'S-REF', tenantId: 'T-GONE', product: 'BUSINESS-CENTRAL', paid: true }],
          },
          'bad.json',
          versions,
        ),
      );
      expect(source).toBe('bad.json');
      expect(lines).toEqual(
        expect.arrayContaining([
          'billing[1] (id B-BAD): subscriptionId "S-NOWHERE" does not name a subscription of the dataset',
          expect.stringMatching(/^billing\[2\] \(id B-MONTH\): month "2023-13" is not a month \(YYYY-MM\)/),
          'seats[1]: subscriptionId, month "S-REF, 2023-02" is already used by seats[0]',
          'subscriptions[0] (id S-REF): tenantId "T-GONE" does not name a tenant of the dataset',
        ]),
      );
      expect(lines).toHaveLength(4);
      expect(await store.scoringRecords()).toEqual(before);
      const after = await store.batches();
      expect(after).toHaveLength(batches + 1);
      expect(after.at(-1)).toMatchObject({ kind: 'scoring', source: 'bad.json', added: 0, updated: 0, rejected: 7 });
      expect(after.at(-1)!.errors).toHaveLength(4);

      // Not an object, or not a collection of records: refused too.
      expect((await refusal(store.importScoringRecords([], 'array.json', versions))).lines).toEqual([
        'dataset: dataset must be a JSON object with a "partners" array',
      ]);
      expect((await refusal(store.importScoringRecords({ bills: [] }, 'odd.json', versions))).lines[0]).toMatch(
        /^dataset: unknown field "bills"/,
      );
      expect(await store.scoringRecords()).toEqual(before);
    });

    it('refuses what a store cannot keep, naming record and field: year 0, a count beyond an integer, NUL, a lone surrogate', async () => {
      const before = await store.scoringRecords();
      const { lines } = await refusal(
        store.importScoringRecords(
          {
            partners: [{ id: 'P-LIMIT', country: 'US' }],
            people: [{ id: 'PER-LIMIT', partnerId: 'P-LIMIT' }],
            examPasses: [{ personId: 'PER-LIMIT', exam: 'MB-300', date: '0000-01-01' }],
            seats: [{ subscriptionId: 'S-REF', month: '2023-03', paidSeats: 3_000_000_000 }],
            tenants: [
              { id: 'T-\u0000', country: 'US' },
              { id: 'T-\ud800', country: 'US' },
            ],
          },
          'limits.json',
          versions,
        ),
      );
      expect(lines).toEqual([
        'tenants[0] (id T-\u0000): id holds a NUL character (character 3), which a store cannot keep',
        'tenants[1] (id T-\ud800): id holds a lone surrogate (character 3), which is not Unicode text',
        'seats[0]: paidSeats 3000000000 is more than a store keeps (2147483647)',
        'examPasses[0]: date "0000-01-01" is outside the dates a store keeps (0001-01-01 to 9999-12-31)',
      ]);
      expect(await store.scoringRecords()).toEqual(before);
    });

    it('keeps a partner’s enrolment by partner, and refuses one the enrolment flags would refuse, naming record and field', async () => {
      const first = await store.importScoringRecords(
        {
          enrolments: [
            { partnerId: 'P-FABRIKAM', enrolled: '2023-01-10', anniversary: '2023-06-01' },
            { partnerId: 'P-CONTOSO', legacy: true },
          ],
        },
        'enrolments.json',
        versions,
      );
      expect(first.collections.enrolments).toEqual({ added: 2, updated: 0, unchanged: 0 });
      const moved = await store.importScoringRecords(
        { enrolments: [{ partnerId: 'P-FABRIKAM', enrolled: '2023-02-01' }] },
        'moved.json',
        versions,
      );
      expect(moved.collections.enrolments).toEqual({ added: 0, updated: 1, unchanged: 0 });
      expect((await store.scoringRecords()).enrolments).toEqual([
        { partnerId: 'P-FABRIKAM', enrolled: '2023-02-01' },
        { partnerId: 'P-CONTOSO', legacy: true },
      ]);
      expect(dataset(await store.scoringRecords()).enrolments.get('P-CONTOSO')).toEqual({ kind: 'legacy' });

      const before = await store.scoringRecords();
      const { lines } = await refusal(
        store.importScoringRecords(
          {
            enrolments: [
              { partnerId: 'P-FABRIKAM', enrolled: '2023-01-10', legacy: true },
              { partnerId: 'P-CONTOSO', anniversary: '2023-06-01' },
              { partnerId: 'P-NOBODY', legacy: true },
              { partnerId: 'P-REF', enrolled: '2022-10-02', anniversary: '2023-10-03' },
              { partnerId: 'P-REF', enrolled: '2022-11-01' },
            ],
          },
          'bad-enrolments.json',
          versions,
        ),
      );
      expect(lines).toEqual([
        'enrolments[4]: partnerId "P-REF" is already used by enrolments[3]',
        'enrolments[0]: legacy and enrolled cannot be given together',
        'enrolments[1]: anniversary needs enrolled',
        'enrolments[2]: partnerId "P-NOBODY" does not name a partner of the dataset',
        'enrolments[3]: enrolment 2022-10-02 is before 2022-10-03, the first day a designation could be attained',
        'enrolments[3]: anniversary 2023-10-03 must fall after the enrolment of 2022-10-02 and at most a year after it',
      ]);
      expect(await store.scoringRecords()).toEqual(before);
    });

    it('reads billing, seats and usage files when it comes to them, with the same problems, report and store as read at once', async () => {
      // Problems in every kind of collection, in files named in another order than the collections': each named
      // by file and line, in the order of one check of them all read at once.
      const records = example();
      const bad = {
        ...records,
        partners: [...records.partners!, { id: 'P-ODD', country: 'XX' }],
        billing: [...records.billing!, { id: 'B-ODD', subscriptionId: 'S-NOWHERE', month: '2023-01', amountUsd: 'lots' }],
        seats: [...records.seats!, records.seats![0]!],
        usage: [...records.usage!, { tenantId: 'T-NOWHERE', workload: 'NOPE', month: '2023-13', units: '1' }],
      };
      const before = await store.scoringRecords();
      const batches = (await store.batches()).length;
      const folder = csvFolder(bad);
      const eager = readScoringCsvFolder(folder);
      const atOnce = await refusal(store.importScoringRecords(eager.records, folder, versions, { label: eager.label }));
      const opened = openScoringCsvFolder(folder);
      expect(opened.records['usage']).toBeInstanceOf(RecordsToRead);
      const later = await refusal(store.importScoringRecords(opened.records, folder, versions, { label: opened.label }));
      expect(later).toEqual(atOnce);
      expect(later.lines.some((line) => line.startsWith('usage.csv:'))).toBe(true);
      expect(later.lines.some((line) => line.startsWith('partners.csv:'))).toBe(true);
      expect(await store.scoringRecords()).toEqual(before);
      const attempts = (await store.batches()).slice(batches);
      expect(attempts.map((b) => b.rejected)).toEqual([Object.values(bad).flat().length, Object.values(bad).flat().length]);

      // A leaf file that is not CSV, read only once the rest is checked and written: refused with the file's own
      // error, as when read first, nothing written and no attempt kept.
      writeFileSync(join(folder, 'usage.csv'), 'tenantId,workload,month,units,month\nT-1,W,2023-01,1,2023-02\n');
      const good = csvFolder(example());
      writeFileSync(join(good, 'usage.csv'), readFileSync(join(folder, 'usage.csv')));
      const broken = openScoringCsvFolder(good);
      const unread = await store.importScoringRecords(broken.records, good, versions, { label: broken.label }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(unread).toBeInstanceOf(InvalidInputError);
      expect((unread as InvalidInputError).source).toBe(join(good, 'usage.csv'));
      expect(await store.scoringRecords()).toEqual(before);
      expect(await store.batches()).toHaveLength(batches + 2);

      // Good: the same report and the same store either way.
      const fresh = await Store.open(engine.options());
      try {
        const report = await fresh.importScoringRecords(openScoringCsvFolder(csvFolder(records)).records, 'later', versions);
        const again = await fresh.importScoringRecords(readScoringCsvFolder(csvFolder(records)).records, 'later', versions);
        expect(Object.keys(report.collections)).toEqual(Object.keys(SCORING_TABLES));
        expect([report.added, report.updated, report.unchanged]).toEqual([Object.values(records).flat().length, 0, 0]);
        expect(dataset(await fresh.scoringRecords())).toEqual(dataset(records));
        expect(again.added + again.updated).toBe(0);
        expect(again.unchanged).toBe(report.added + report.unchanged + report.updated);
      } finally {
        await fresh.close();
      }
    });

    it('names a stored record the merged records make invalid as the store’s', async () => {
      // Checked with versions whose market table has no US: the stored US partner is named as stored.
      const narrowed = versions.map((v) => ({
        ...v,
        countries: Object.fromEntries(Object.entries(v.countries).filter(([country]) => country !== 'US')),
      }));
      const { lines } = await refusal(store.importScoringRecords({ tenants: [{ id: 'T-FR', country: 'FR' }] }, 'narrow.json', narrowed));
      expect(lines).toContain('store:partners[0] (id P-FABRIKAM): country "US" is not an ISO 3166-1 alpha-2 code of the market table');
    });
  });

  describe(`scoring records through the command line on ${engine.name}`, () => {
    it('imports a file, exports it, and scores the same from the store, the export and the file', async () => {
      const flags = await storeFlags(engine.options());
      const imported = await runCli(['import', '--scored', EXAMPLE, ...flags, '--format', 'json']);
      expect(imported.stderr).toBe('');
      expect(imported.code).toBe(0);
      const report = JSON.parse(imported.stdout) as { added: number; collections: Record<string, { added: number }> };
      expect(report.collections.billing!.added).toBe(example().billing!.length);

      const text = await runCli(['import', EXAMPLE, '--scored', ...flags]);
      expect(text.code).toBe(0);
      expect(text.stdout).toContain(`${EXAMPLE}: batch 2: 0 records added, 0 updated, ${report.added} unchanged`);
      expect(text.stdout).toContain(`  billing: 0 added, 0 updated, ${example().billing!.length} unchanged`);

      const out = join(mkdtempSync(join(tmpdir(), 'attain-scoring-export-')), 'records.json');
      const exported = await runCli(['export', '--scored', '--out', out, ...flags]);
      expect([exported.code, exported.stderr]).toEqual([0, '']);
      expect(dataset(JSON.parse(readFileSync(out, 'utf8')))).toEqual(dataset(example()));
      // Written record by record, the file is the stored records as JSON.stringify would give them, and so is standard output.
      const file = readFileSync(out, 'utf8');
      expect(file).toBe(`${JSON.stringify(JSON.parse(file), null, 2)}\n`);
      expect((await runCli(['export', '--scored', ...flags])).stdout).toBe(file);

      for (const [partner, month] of [
        ['P-FABRIKAM', '2020-11'],
        ['P-CONTOSO', '2023-10'],
      ] as const) {
        const args = ['--partner', partner, '--month', month, '--format', 'json'];
        const fromFile = await runCli(['score', EXAMPLE, ...args]);
        const fromExport = await runCli(['score', out, ...args]);
        const fromStore = await runCli(['score', ...args, ...flags]);
        expect(fromFile.code).toBe(0);
        expect(fromStore.stderr).toBe('');
        expect(fromExport.stdout).toBe(fromFile.stdout);
        expect(fromStore.stdout).toBe(fromFile.stdout);
      }
      const evaluated = await runCli(['evaluate', '--scored', '--as-of', '2023-10-31', '--format', 'json', ...flags]);
      const evaluatedFile = await runCli(['evaluate', EXAMPLE, '--scored', '--as-of', '2023-10-31', '--format', 'json']);
      expect(evaluated.code).toBe(0);
      expect(evaluated.stdout).toBe(evaluatedFile.stdout);

      const unknown = await runCli(['score', '--partner', 'P-NOBODY', '--month', '2023-10', ...flags]);
      expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining('"P-NOBODY" is not a partner of store')]);
    });

    it('plans, forecasts and runs the timeline across eras from the store as from the file', async () => {
      const flags = await storeFlags(engine.options());
      expect((await runCli(['import', '--scored', EXAMPLE, ...flags])).code).toBe(0);
      for (const args of [
        ['plan', '--scored', '--partner', 'P-FABRIKAM', '--month', '2020-11', '--format', 'json'],
        ['forecast', '--scored', '--partner', 'P-FABRIKAM', '--month', '2020-11', '--months', '3', '--format', 'json'],
        ['timeline', '--scored', '--partner', 'P-CONTOSO', '--from', '2023-06-01', '--to', '2023-09-01', '--format', 'json'],
      ]) {
        const fromFile = await runCli([args[0]!, EXAMPLE, ...args.slice(1)]);
        const fromStore = await runCli([...args, ...flags]);
        expect([args[0], fromFile.code, fromStore.code, fromStore.stderr]).toEqual([args[0], 0, 0, '']);
        expect(fromStore.stdout).toBe(fromFile.stdout);
      }
      const unknown = await runCli(['plan', '--scored', '--partner', 'P-NOBODY', '--month', '2020-11', ...flags]);
      expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining('"P-NOBODY" is not a partner of store')]);
    });

    it('imports a folder of CSV files, one per collection, as it imports the JSON file', async () => {
      const flags = await storeFlags(engine.options());
      const folder = csvFolder(example());
      const imported = await runCli(['import', '--scored', folder, ...flags]);
      expect(imported.stderr).toBe('');
      expect(imported.code).toBe(0);
      expect(imported.stdout).toContain(`  examPasses: ${example().examPasses!.length} added, 0 updated, 0 unchanged`);
      const out = join(folder, 'export.json');
      expect((await runCli(['export', '--scored', '--out', out, ...flags])).code).toBe(0);
      expect(dataset(JSON.parse(readFileSync(out, 'utf8')))).toEqual(dataset(example()));
      // Written record by record, the file is the stored records as JSON.stringify would give them, and so is standard output.
      const file = readFileSync(out, 'utf8');
      expect(file).toBe(`${JSON.stringify(JSON.parse(file), null, 2)}\n`);
      expect((await runCli(['export', '--scored', ...flags])).stdout).toBe(file);

      // enrolments.csv: legacy read as true or false, empty cells left out.
      const enrolments = mkdtempSync(join(tmpdir(), 'attain-scoring-enrol-'));
      writeFileSync(
        join(enrolments, 'enrolments.csv'),
        'partnerId,enrolled,anniversary,legacy\nP-CONTOSO,,,true\nP-FABRIKAM,2023-01-10,,false\n',
      );
      const enrolled = await runCli(['import', '--scored', enrolments, ...flags]);
      expect([enrolled.code, enrolled.stderr]).toEqual([0, '']);
      expect(enrolled.stdout).toContain('  enrolments: 2 added, 0 updated, 0 unchanged');
      writeFileSync(join(enrolments, 'enrolments.csv'), 'partnerId,enrolled,legacy\nP-CONTOSO,2023-01-10,true\n');
      const clash = await runCli(['import', '--scored', enrolments, ...flags]);
      expect(clash.code).toBe(2);
      expect(clash.stderr).toContain('enrolments.csv:2: legacy and enrolled cannot be given together');

      // A bad cell is named by its file and line; nothing is imported.
      const bad = csvFolder({ billing: [{ id: 'B-X', subscriptionId: 'S-NONE', month: '2023-01', amountUsd: '1' }] });
      const refused = await runCli(['import', '--scored', 'definitions/microsoft-business-applications', bad, ...flags]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`${bad}: 1 problem; nothing was imported`);
      expect(refused.stderr).toContain('billing.csv:2 (id B-X): subscriptionId "S-NONE" does not name a subscription of the dataset');
      // A file that is not a collection's.
      const odd = mkdtempSync(join(tmpdir(), 'attain-scoring-odd-'));
      writeFileSync(join(odd, 'invoices.csv'), 'id\nI-1\n');
      const oddRun = await runCli(['import', '--scored', odd, ...flags]);
      expect([oddRun.code, oddRun.stderr]).toEqual([2, expect.stringContaining('invoices.csv')]);
      // A header naming a column twice: the file and its first line, as a threshold CSV file is named.
      const twice = mkdtempSync(join(tmpdir(), 'attain-scoring-twice-'));
      writeFileSync(join(twice, 'partners.csv'), 'id,country,id\nP-1,US,P-2\n');
      const twiceRun = await runCli(['import', '--scored', twice, ...flags]);
      expect(twiceRun.code).toBe(2);
      expect(twiceRun.stderr).toContain('partners.csv:1: the header names column "id" twice (columns 1 and 3)');
    });

    it('tells a person watching a terminal which collection it is at: read and checked, then written', async () => {
      const flags = await storeFlags(engine.options());
      const folder = csvFolder(example());
      const watched = await runCli(['import', '--scored', folder, ...flags], { terminal: true });
      expect(watched.code).toBe(0);
      const steps = watched.stderr.split('\n').filter((line) => line !== '');
      const count = (collection: string) => example()[collection]!.length;
      // Billing, seats and usage read when their turn comes; every collection written once checked.
      expect(steps).toEqual([
        ...['partners', 'tenants', 'subscriptions', 'instances', 'associations', 'people', 'examPasses', 'certificationsHeld', 'baselines']
          .filter((c) => example()[c] !== undefined)
          .map((c) => `  ${c}: ${count(c).toLocaleString('en')} ${count(c) === 1 ? 'record' : 'records'} written`),
        ...['billing', 'seats', 'usage'].flatMap((c) => [
          `  ${c}: ${count(c).toLocaleString('en')} records read, checking them…`,
          `  ${c}: ${count(c).toLocaleString('en')} records written`,
        ]),
      ]);
      const french = await runCli(['import', '--scored', folder, ...flags], { terminal: true, env: { LANG: 'fr_FR.UTF-8' } });
      expect(french.stderr).toMatch(new RegExp(`^ {2}billing\\s: ${count('billing')} enregistrements lus, vérification…$`, 'mu'));
      expect(french.stderr).toMatch(/^ {2}baselines\s: 1 enregistrement écrit$/mu);
    });

    it('refuses what an import --scored cannot take: no input, two inputs, threshold flags, another kind of file', async () => {
      const flags = await storeFlags(engine.options());
      const none = await runCli(['import', '--scored', ...flags]);
      expect([none.code, none.stderr]).toEqual([
        2,
        expect.stringContaining('reads one records JSON file or one folder of CSV files, not 0'),
      ]);
      const two = await runCli(['import', '--scored', 'definitions/microsoft-business-applications', EXAMPLE, EXAMPLE, ...flags]);
      expect([two.code, two.stderr]).toEqual([2, expect.stringContaining('not 2')]);
      const entity = await runCli(['import', '--scored', EXAMPLE, '--skip-invalid', ...flags]);
      expect([entity.code, entity.stderr]).toEqual([2, expect.stringContaining('--skip-invalid')]);
      const dir = mkdtempSync(join(tmpdir(), 'attain-scoring-txt-'));
      mkdirSync(join(dir, 'sub'));
      writeFileSync(join(dir, 'records.txt'), '{}');
      const txt = await runCli(['import', '--scored', join(dir, 'records.txt'), ...flags]);
      expect(txt.code).toBe(2);
      const threshold = await runCli(['import', ...flags]);
      expect(threshold.code).toBe(2);
      expect((await runCli(['export', '--scored', ...flags])).stdout).toBe('{}\n');
    });
  });
}

describe('a scoring import and the threshold data', () => {
  const server = ENGINES.find((e) => e.name === 'PostgreSQL')!;

  it('leaves the columns snapshot current and names no partner changed for live evaluations', async () => {
    const options = server.options();
    const store = await Store.open(options);
    const db = await openPostgres(options.databaseUrl!, options.schema);
    try {
      const program = loadProgram();
      await store.import([{ incoming: JSON.parse(readFileSync(THRESHOLD_EXAMPLE, 'utf8')) as unknown, source: 'threshold.json' }], program);
      const [threshold] = (await store.batches()).slice(-1);
      await store.columns(program);
      expect('columns' in (await readStoredSnapshot(db))).toBe(true);

      await store.importScoringRecords(example(), 'scoring.json', versions);
      expect('columns' in (await readStoredSnapshot(db))).toBe(true);
      const changes = await store.changesSince(threshold!.batch);
      expect(changes.partnerIds).toEqual([]);
      expect((await store.batches()).map((b) => b.kind)).toEqual(['threshold', 'scoring']);

      // A threshold import still makes it stale.
      await store.import([{ incoming: { partners: [{ id: 'P-NEW', name: 'New', country: 'US' }] }, source: 'more.json' }], program);
      expect(await readStoredSnapshot(db)).toEqual({ unused: 'stale' });
    } finally {
      await db.close();
      await store.close();
    }
  });
});

describe('the merged validation is the file validation', () => {
  it('every collection of the records has a table, and a records file validates the same through validatedScoring', () => {
    expect(Object.keys(scoringCollections).length).toBe(13);
    const records = example() as ScoringRecords;
    expect(dataset(records).partners.size).toBe(2);
  });
  it('gives each partner one enrolment in a records file, as an import keys them', () => {
    const records = {
      ...example(),
      enrolments: [
        { partnerId: 'P-CONTOSO', legacy: true },
        { partnerId: 'P-CONTOSO', enrolled: '2023-01-10' },
      ],
    };
    const validated = validatedScoring(records, versions);
    expect(validated.ok ? [] : validated.problems.map((p) => formatProblem(p))).toEqual([
      'enrolments[1]: partnerId "P-CONTOSO" is already used by enrolments[0]',
    ]);
    expect(
      dataset({ ...example(), enrolments: [{ partnerId: 'P-CONTOSO', enrolled: '2023-01-10', anniversary: '2023-06-01' }] }).enrolments,
    ).toEqual(new Map([['P-CONTOSO', { kind: 'enrolled', date: '2023-01-10', anniversary: '2023-06-01' }]]));
  });
});
