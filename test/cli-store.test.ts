/** `attain import`, `attain export` and every command reading the store when no dataset is named. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';

const EXAMPLE = 'examples/cloud-business-applications.json';

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, now: () => new Date(2017, 6, 7) };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

describe('the store from the command line', () => {
  const data = mkdtempSync(join(tmpdir(), 'attain-cli-store-'));

  it('imports, says what changed, and re-imports as unchanged', async () => {
    const first = await run(['import', EXAMPLE, '--data', data]);
    expect(first.stderr).toBe('');
    expect(first.stdout.trim()).toBe(`${EXAMPLE}: batch 1: 241 records added, 0 updated, 0 unchanged`);
    const again = await run(['import', EXAMPLE, '--data', data, '--format', 'json']);
    expect(JSON.parse(again.stdout)).toMatchObject([{ batch: 2, added: 0, updated: 0, unchanged: 241, rejected: 0 }]);
  });

  it('evaluates, plans, forecasts and draws timelines from the store as from the file', async () => {
    for (const args of [
      ['evaluate', '--as-of', '2017-07-07', '--format', 'json'],
      ['plan', '--partner', 'P-NORTHWIND', '--as-of', '2017-07-07', '--format', 'json'],
      ['forecast', '--partner', 'P-CONTOSO', '--as-of', '2017-07-07', '--format', 'json'],
      ['timeline', '--partner', 'P-FABRIKAM', '--from', '2017-07-07', '--to', '2017-12-07', '--format', 'csv'],
    ]) {
      const [command, ...rest] = args as [string, ...string[]];
      const fromStore = await run([command, ...rest, '--data', data]);
      const fromFile = await run([command, EXAMPLE, ...rest]);
      expect(fromStore.code, args.join(' ')).toBe(0);
      expect(fromStore.stdout, args.join(' ')).toBe(fromFile.stdout);
    }
  });

  it('exports the store as a dataset that evaluates the same', async () => {
    const out = join(data, 'export', 'dataset.json');
    expect((await run(['export', '--data', data, '--out', out])).code).toBe(0);
    const exported = await run(['evaluate', out, '--as-of', '2017-07-07', '--format', 'json']);
    const original = await run(['evaluate', EXAMPLE, '--as-of', '2017-07-07', '--format', 'json']);
    expect(exported.stdout).toBe(original.stdout);
    expect(JSON.parse(readFileSync(out, 'utf8')).partners).toHaveLength(4);
  });

  it('rejects a bad file whole, exit 2, listing its problems', async () => {
    const bad = join(data, 'bad.json');
    writeFileSync(bad, JSON.stringify({ people: [{ id: 'X-1', partnerId: 'P-NOBODY', name: 'X' }] }));
    const { code, stderr } = await run(['import', bad, '--data', data]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${bad}: people[0] (id X-1): partnerId "P-NOBODY" does not name a partner of the dataset`);
    const csv = await run(['import', join(data, 'partners.csv'), '--data', data]);
    expect(csv.code).toBe(2);
    expect(csv.stderr).toContain('is not a JSON dataset (.json)');
  });
});
