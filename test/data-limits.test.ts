/**
 * What a store can keep, refused with a clear problem before anything is
 * written: dates outside 0001–9999, lone surrogates, ids longer than the API
 * takes, bytes that are not UTF-8, a CSV header naming a column twice; and
 * CSV cells written inert for spreadsheets.
 */
import { constants } from 'node:buffer';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_ID_LENGTH } from '../src/engine/index.js';
import { idParam } from '../src/http/schemas.js';
import { csvCell } from '../src/render/csv.js';
import { runCli } from './support/cli.js';
import { customer, dpor, line, partner, person, problemsOf } from './support/builders.js';

const codes = (raw: unknown) => problemsOf(raw).map((p) => [p.record, p.field, p.code]);

describe('limits of what a store keeps', () => {
  it('dates before 0001-01-01 (PostgreSQL has no year 0) are refused, naming record and field', () => {
    expect(
      codes({
        partners: [partner('P1')],
        customers: [customer('C1')],
        associations: [dpor('C1', 'P1', '0000-01-01')],
        revenue: [line({ id: 'R1', customerId: 'C1', product: 'D365-SALES', date: '0000-12-31', amount: 1 })],
        people: [person('A', 'P1')],
        examPasses: [{ personId: 'A', exam: 'MB2-715', date: '0000-02-29' }],
      }),
    ).toEqual([
      ['associations[0]', 'start', 'dateOutOfRange'],
      ['revenue[0] (id R1)', 'date', 'dateOutOfRange'],
      ['examPasses[0]', 'date', 'dateOutOfRange'],
    ]);
    expect(
      codes({ partners: [partner('P1')], customers: [customer('C1')], associations: [dpor('C1', 'P1', '0001-01-01', '9999-12-31')] }),
    ).toEqual([]);
  });

  it('a lone surrogate is refused, naming record and field; a pair is text', () => {
    expect(
      codes({
        partners: [
          { id: 'P1', name: 'Bad \ud800 name', country: 'US' },
          { id: 'P2', name: 'Emoji 😀', country: 'US' },
        ],
      }),
    ).toEqual([['partners[0] (id P1)', 'name', 'textNotWellFormed']]);
  });

  it('ids are at most as long as the API path parameters take', () => {
    expect(idParam.safeParse('x'.repeat(MAX_ID_LENGTH)).success).toBe(true);
    expect(idParam.safeParse('x'.repeat(MAX_ID_LENGTH + 1)).success).toBe(false);
    const problems = problemsOf({ partners: [partner('x'.repeat(100_000))] });
    expect(problems.map((p) => p.code)).toEqual(['idTooLong']);
    expect(problems[0]!.record.length).toBeLessThan(80);
    expect(codes({ partners: [partner('x'.repeat(MAX_ID_LENGTH))] })).toEqual([]);
  });

  it('a JSON or CSV file with bytes that are not UTF-8 is refused, naming file, line and byte; a duplicated CSV column too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attain-limits-'));
    const json = join(dir, 'latin1.json');
    writeFileSync(
      json,
      Buffer.concat([
        Buffer.from('{"partners": [\n  {"id": "P1", "name": "Caf'),
        Buffer.from([0xe9]),
        Buffer.from('", "country": "FR"}]}'),
      ]),
    );
    const fromJson = await runCli(['evaluate', json, '--as-of', '2017-07-07']);
    expect(fromJson.code).toBe(2);
    expect(fromJson.stderr).toContain(`${json}:2: is not UTF-8 text: invalid bytes at byte ${readFileSync(json).indexOf(0xe9) + 1}`);
    const csv = join(dir, 'partners.csv');
    const rows = Array.from({ length: 3000 }, (_, i) => `P${i},Partner ${i},US`).join('\n');
    writeFileSync(csv, Buffer.concat([Buffer.from(`id,name,country\n${rows}\nP-X,Caf`), Buffer.from([0xe9]), Buffer.from(',FR\n')]));
    const fromCsv = await runCli(['import', csv, '--data', join(dir, 'store')]);
    expect(fromCsv.code).toBe(2);
    const byte = readFileSync(csv).indexOf(0xe9) + 1;
    expect(fromCsv.stderr).toContain(`${csv}:3002: is not UTF-8 text: invalid bytes at byte ${byte}`);
    const twice = join(dir, 'customers.csv');
    writeFileSync(twice, 'id,name,country,name\nC1,One,US,Two\n');
    const fromTwice = await runCli(['import', twice, '--data', join(dir, 'store')]);
    expect(fromTwice.code).toBe(2);
    expect(fromTwice.stderr).toContain(`${twice}:1: the header names column "name" twice (columns 2 and 4)`);
  });

  it('a JSON file too large to hold as one text is refused as such, not as bytes that are not UTF-8', async () => {
    // Sparse files of zeros (valid UTF-8: NUL characters), so the test writes nothing to the disk: one past the
    // longest string JavaScript holds, and one past the 2 GiB Node reads into one buffer.
    const dir = mkdtempSync(join(tmpdir(), 'attain-limits-'));
    const longest = join(dir, 'longest.json');
    writeFileSync(longest, '');
    truncateSync(longest, constants.MAX_STRING_LENGTH + 1);
    const beyond = join(dir, 'beyond.json');
    writeFileSync(beyond, '');
    truncateSync(beyond, 2 ** 31 + 1);
    try {
      for (const file of [longest, beyond]) {
        const run = await runCli(['evaluate', file, '--as-of', '2017-07-07']);
        expect(run.code).toBe(2);
        expect(run.stderr).toContain(`${file}: is too large to read whole (`);
        expect(run.stderr).not.toContain('UTF-8');
      }
      const french = await runCli(['evaluate', longest, '--as-of', '2017-07-07', '--locale', 'fr-FR']);
      expect(french.stderr).toContain('est trop volumineux pour être lu d’un seul tenant');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('CSV cells that a spreadsheet would run as formulas are escaped; numbers are not', () => {
    expect(["=cmd|' /C calc'!A0", '+1+1', '-2+3', '@SUM(A1)', '\tx', '\rx', '-150.125', '+12', 'plain'].map(csvCell)).toEqual([
      "'=cmd|' /C calc'!A0",
      "'+1+1",
      "'-2+3",
      "'@SUM(A1)",
      "'\tx",
      "'\rx",
      '-150.125',
      '+12',
      'plain',
    ]);
  });
});
