/** Issue 19: the scored population generator — deterministic per seed, valid, long-tailed, and scoring. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { monthIndex, prepareScoring, scorePrepared, validateScoringRecords } from '../src/engine/index.js';
import { readScoredDefinitions } from '../src/files/scored-files.js';
import { readScoringCsvFolder } from '../src/files/scoring-csv.js';
import { generateScoredRecords } from '../src/generate/scored.js';
import { runCli } from './support/cli.js';
import { catalogOf } from './support/scoring.js';

const read = readScoredDefinitions();
if (!read.ok) throw new Error('the bundled scored definitions do not read');
const versions = read.versions;

describe('generateScoredRecords', () => {
  for (const version of versions) {
    const M = monthIndex(version.effectiveFrom.slice(0, 7)) + 2;
    it(`is deterministic per seed and valid under ${version.effectiveFrom}`, () => {
      const a = generateScoredRecords(version, { partners: 150, month: M, seed: 7 });
      expect(generateScoredRecords(version, { partners: 150, month: M, seed: 7 })).toEqual(a);
      expect(generateScoredRecords(version, { partners: 150, month: M, seed: 8 })).not.toEqual(a);
      const result = validateScoringRecords(a, catalogOf(versions));
      expect(result.ok ? [] : result.problems.slice(0, 3)).toEqual([]);
    });
  }

  it('never repeats what a store keys once: an exam passed, a certification held, by one person on one day', () => {
    // 5,000 partners once gave 623 repeated exam passes, and the import of the generated file was refused.
    for (const version of versions) {
      const r = generateScoredRecords(version, { partners: 3000, month: monthIndex(version.effectiveFrom.slice(0, 7)) + 2, seed: 5 });
      const repeated = (keys: string[]) => keys.length - new Set(keys).size;
      expect(repeated(r.examPasses.map((p) => `${p.personId}|${p.exam}|${p.date}`)), version.effectiveFrom).toBe(0);
      expect(repeated(r.certificationsHeld.map((c) => `${c.personId}|${c.certification}|${c.date}`)), version.effectiveFrom).toBe(0);
    }
  });

  it('makes the partners asked for, with long-tailed customer counts, and partners that reach bands', () => {
    const version = versions[0]!;
    const M = monthIndex(version.effectiveFrom.slice(0, 7)) + 2;
    const r = generateScoredRecords(version, { partners: 1000, month: M, seed: 19 });
    expect(r.partners).toHaveLength(1000);
    const perPartner = new Map<string, number>();
    for (const t of r.tenants) {
      const p = t.id.split('-')[0]!;
      perPartner.set(p, (perPartner.get(p) ?? 0) + 1);
    }
    const counts = [...perPartner.values()].sort((x, y) => x - y);
    const median = counts[Math.floor(counts.length / 2)]!;
    expect(counts.at(-1)!).toBeGreaterThan(10 * median);
    const result = validateScoringRecords(r, catalogOf(versions));
    if (!result.ok) throw new Error(JSON.stringify(result.problems.slice(0, 3)));
    const prepared = prepareScoring(version, result.dataset);
    const banded = r.partners.filter((p) => scorePrepared(prepared, p.id, M).band !== null).length;
    expect(banded).toBeGreaterThan(0);
    expect(banded).toBeLessThan(1000);
  });
});

describe('attain generate --scored', () => {
  it('writes a records file that attain score and attain evaluate --scored read, the same for the same seed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attain-generate-scored-'));
    const file = join(dir, 'records.json');
    const generated = await runCli(['generate', '--scored', '--month', '2020-11', '--partners', '40', '--seed', '3', '--out', file]);
    expect(generated.stderr).toBe('');
    expect(generated.code).toBe(0);
    expect(generated.stdout).toMatch(/^40 partners generated \(seed 3\) for the scored version in effect from 2020-09-16, up to 2020-11: /);
    const records = JSON.parse(readFileSync(file, 'utf8')) as { partners: { id: string }[] };
    // The file is exactly what the generator gives for the version in force in the month.
    const version = versions.find((v) => v.effectiveFrom === '2020-09-16')!;
    expect(records).toEqual(
      JSON.parse(JSON.stringify(generateScoredRecords(version, { partners: 40, month: monthIndex('2020-11'), seed: 3 }))),
    );
    const partner = records.partners[0]!.id;
    const scored = await runCli(['score', file, '--partner', partner, '--month', '2020-11', '--format', 'json']);
    expect(scored.stderr).toBe('');
    expect(scored.code).toBe(0);
    expect(JSON.parse(scored.stdout)).toMatchObject({ partnerId: partner, version: '2020-09-16' });
    const all = await runCli(['evaluate', file, '--scored', '--as-of', '2020-11-30', '--format', 'json']);
    expect(all.stderr).toBe('');
    expect(all.code).toBe(0);
  }, 60_000);

  it('writes with --format csv a folder of CSV files that hold the same records and import into a store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attain-generate-scored-csv-'));
    const folder = join(dir, 'records');
    const args = ['generate', '--scored', '--month', '2023-12', '--partners', '30', '--seed', '5'];
    const generated = await runCli([...args, '--format', 'csv', '--out', folder]);
    expect(generated.stderr).toBe('');
    expect(generated.code).toBe(0);
    const json = join(dir, 'records.json');
    expect((await runCli([...args, '--out', json])).code).toBe(0);
    // Read back and validated, the CSV files give the dataset the JSON file gives: every collection, every field.
    const read = readScoringCsvFolder(folder);
    expect(read.files.map((f) => f.slice(folder.length + 1))).toContain('billing.csv');
    const fromCsv = validateScoringRecords(read.records, catalogOf(versions));
    const fromJson = validateScoringRecords(JSON.parse(readFileSync(json, 'utf8')), catalogOf(versions));
    expect(fromCsv.ok && fromJson.ok).toBe(true);
    if (!fromCsv.ok || !fromJson.ok) return;
    expect(fromJson.dataset.billing.length).toBeGreaterThan(100);
    expect(fromCsv.dataset).toEqual(fromJson.dataset);
    // And the store takes the folder as it takes the file: the same scores for every partner.
    const store = join(dir, 'store');
    const imported = await runCli(['import', '--scored', '--data', store, folder]);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    const fromStore = await runCli(['evaluate', '--scored', '--data', store, '--as-of', '2023-12-31', '--format', 'json']);
    const fromFile = await runCli(['evaluate', json, '--scored', '--as-of', '2023-12-31', '--format', 'json']);
    expect(fromStore.stderr).toBe('');
    expect(JSON.parse(fromStore.stdout)).toEqual(JSON.parse(fromFile.stdout));
  }, 120_000);

  it('refuses --scored without --month, --month without --scored, a month that is not one, and a month no scored version judges', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'attain-generate-scored-')), 'records.json');
    const cases: [string[], RegExp][] = [
      [['--scored'], /--month: --scored needs --month/],
      [['--month', '2020-11'], /--month: --month needs --scored/],
      [['--format', 'csv'], /--format: --format needs --scored/],
      [['--scored', '--month', '2020-13'], /--month "2020-13" is not a month/],
      [['--scored', '--month', '2022-12'], /no scored version/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await runCli(['generate', '--partners', '5', '--out', out, ...args]);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr).toMatch(message);
    }
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});
