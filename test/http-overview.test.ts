/**
 * The partner list as an overview (issue #14): each partner's outlook per
 * option, the filters "lapses within N days" and "within X% of the next
 * level", the sorts on them, and the CSV of the whole filtered list — over
 * HTTP, on a store holding the bundled example, as of 2017-07-07 (the test
 * server's today).
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeable } from '../src/app/data.js';
import { asIsoDate, outlookOf, PreparedProgram, type IsoDate } from '../src/engine/index.js';
import { readJsonFile } from '../src/files/dataset-file.js';
import { loadProgram } from '../src/files/program-files.js';
import { call, EXAMPLE, startServer, type TestServer } from './support/http.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

const day = (text: string): IsoDate => asIsoDate(text)!;
const CE = 'enterprise-customer-engagement';
const OPS = 'enterprise-operations';

async function list(query: string, account: 'admin' | 'nw-viewer' = 'admin') {
  const dated = query.includes('asOf=') ? query : `asOf=2017-07-07&${query}`;
  const answer = await call(server, 'GET', `/api/v1/partners?${dated}`, { token: server.tokens[account] });
  expect(answer.status, answer.text).toBe(200);
  return answer.json;
}

/** A CSV answer's rows by column name. */
const csvRows = (text: string): Record<string, string>[] => parse(text, { columns: true });

const ids = async (query: string) => (await list(query)).items.map((p: { id: string }) => p.id);

describe('the overview', () => {
  it("gives each partner's outlook per option, as the engine computes it from the same records", async () => {
    const judged = judgeable(readJsonFile(EXAMPLE), loadProgram(), EXAMPLE);
    if (!judged.ok) throw new Error('the example does not validate');
    const data = new PreparedProgram(judged.value.program, judged.value.dataset);
    for (const asOf of ['2017-07-07', '2017-11-15', '2018-01-01'] as IsoDate[]) {
      const answer = await list(`asOf=${asOf}`);
      for (const item of answer.items) {
        expect(item.outlook, `${item.id} as of ${asOf}`).toEqual(
          JSON.parse(JSON.stringify(outlookOf(data, data.partnerIndex(item.id)!, asOf).options)),
        );
      }
    }
    // Judged by the page of 2017-10-13 throughout (`programVersion`): P-FABRIKAM's AX 2012 path is not withdrawn on 2017-11-16.
    const revision = judged.value.program.versions.find((v) => v.effectiveFrom === '2017-10-13')!;
    const forced = new PreparedProgram(judged.value.program, judged.value.dataset, revision);
    const judgedByRevision = await list('asOf=2017-11-15&programVersion=2017-10-13');
    for (const item of judgedByRevision.items) {
      expect(item.outlook, item.id).toEqual(
        JSON.parse(JSON.stringify(outlookOf(forced, forced.partnerIndex(item.id)!, day('2017-11-15')).options)),
      );
    }
    const fabrikam = async (query: string) =>
      (await list(`asOf=2017-11-15&q=fabrikam${query}`)).items[0].outlook.find((o: { option: string }) => o.option === OPS).lapse;
    expect(await fabrikam('')).toEqual({ date: '2017-11-16', levelAfter: null });
    expect(await fabrikam('&programVersion=2017-10-13')).not.toEqual({ date: '2017-11-16', levelAfter: null });

    const contoso = (await list('q=contoso')).items[0];
    expect(contoso.outlook.find((o: { option: string }) => o.option === CE)).toEqual({
      competency: 'cloud-business-applications',
      option: CE,
      level: 'gold',
      next: null,
      lapse: { date: '2017-07-08', levelAfter: 'silver' },
    });
  });

  it('filters the partners whose level lapses within N days (the next day counts as 1)', async () => {
    expect(await ids('lapsesWithin=0')).toEqual([]);
    expect(await ids('lapsesWithin=1')).toEqual(['P-CONTOSO']);
    // P-FABRIKAM's Operations Silver lapses on 2017-08-20: 44 days on.
    expect(await ids('lapsesWithin=43')).toEqual(['P-CONTOSO']);
    expect(await ids('lapsesWithin=44')).toEqual(['P-CONTOSO', 'P-FABRIKAM']);
    expect(await ids(`lapsesWithin=365&option=${OPS}`)).toEqual(['P-FABRIKAM']);
  });

  it("filters the partners within X% of an option's next level, whatever the unit of the gap", async () => {
    // P-NORTHWIND lacks $1,306.80 of $100,000 for Customer Engagement Silver: 1.3068%.
    expect(await ids('nextWithin=1.3')).toEqual([]);
    expect(await ids('nextWithin=1.31')).toEqual(['P-NORTHWIND']);
    // P-FABRIKAM holds Operations Silver; Gold lacks 10 of 15 people: two thirds.
    expect(await ids(`nextWithin=67&option=${OPS}`)).toEqual(['P-FABRIKAM']);
    // `option` alone is "a level in it"; `level=any` takes every partner, none included.
    expect(await ids(`nextWithin=2&option=${CE}`)).toEqual([]);
    expect(await ids(`nextWithin=2&option=${CE}&level=any`)).toEqual(['P-NORTHWIND']);
    expect(await ids(`nextWithin=2&option=${CE}&level=none`)).toEqual(['P-NORTHWIND']);
    expect(await ids('nextWithin=100&lapsesWithin=44')).toEqual(['P-CONTOSO', 'P-FABRIKAM']);
  });

  it('sorts by level, lapse, shortfall ratio and revenue shortfall; partners with none come last either way', async () => {
    expect(await ids('sort=lapse')).toEqual(['P-CONTOSO', 'P-FABRIKAM', 'P-NORTHWIND', 'P-TAILSPIN']);
    expect(await ids('sort=lapse&order=desc')).toEqual(['P-FABRIKAM', 'P-CONTOSO', 'P-TAILSPIN', 'P-NORTHWIND']);
    expect(await ids(`sort=lapse&option=${OPS}&level=any`)).toEqual(['P-FABRIKAM', 'P-CONTOSO', 'P-NORTHWIND', 'P-TAILSPIN']);
    // The smallest ratio of the options: 1.3% (Northwind), 66.7% (Fabrikam), 100% (Contoso, Tailspin).
    expect(await ids('sort=shortfallRatio')).toEqual(['P-NORTHWIND', 'P-FABRIKAM', 'P-CONTOSO', 'P-TAILSPIN']);
    // Contoso's next Operations level lacks people only: no revenue.
    expect(await ids('sort=revenueShortfall')).toEqual(['P-CONTOSO', 'P-NORTHWIND', 'P-TAILSPIN', 'P-FABRIKAM']);
    // Customer Engagement's top level is Gold: Contoso has no next level there, so it comes last.
    expect(await ids(`sort=shortfallRatio&option=${CE}&level=any&order=desc`)).toEqual([
      'P-TAILSPIN',
      'P-FABRIKAM',
      'P-NORTHWIND',
      'P-CONTOSO',
    ]);
    expect(await ids(`sort=level&option=${CE}&level=any&order=desc`)).toEqual(['P-CONTOSO', 'P-TAILSPIN', 'P-NORTHWIND', 'P-FABRIKAM']);
    // The highest level of the options (Silver below Gold, none below both).
    expect(await ids('sort=level')).toEqual(['P-NORTHWIND', 'P-TAILSPIN', 'P-FABRIKAM', 'P-CONTOSO']);
    const page = await list('sort=lapse&limit=1&offset=1');
    expect(page).toMatchObject({ total: 4, limit: 1, offset: 1 });
    expect(page.items.map((p: { id: string }) => p.id)).toEqual(['P-FABRIKAM']);
  });

  it('exports the whole filtered, sorted list as CSV: one row per partner and option, not one page', async () => {
    const answer = await call(server, 'GET', '/api/v1/partners?asOf=2017-07-07&sort=lapse&format=csv&limit=1', {
      token: server.tokens.admin,
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(answer.headers.get('content-disposition')).toBe('attachment; filename="partners-2017-07-07.csv"');
    const rows = csvRows(answer.text);
    expect(rows.map((r) => `${r.id} ${r.option}`)).toEqual([
      `P-CONTOSO ${CE}`,
      `P-CONTOSO ${OPS}`,
      `P-FABRIKAM ${CE}`,
      `P-FABRIKAM ${OPS}`,
      `P-NORTHWIND ${CE}`,
      `P-NORTHWIND ${OPS}`,
      `P-TAILSPIN ${CE}`,
      `P-TAILSPIN ${OPS}`,
    ]);
    expect(rows[0]).toMatchObject({
      name: 'Contoso Consulting',
      level: 'gold',
      lapseDate: '2017-07-08',
      levelAfterLapse: 'silver',
      nextLevel: '',
    });
    expect(rows[3]).toMatchObject({
      level: 'silver',
      lapseDate: '2017-08-20',
      nextLevel: 'gold',
      shortfallRequirement: 'certified-people',
      shortfallKind: 'certified-people',
      shortfall: '10',
      shortfallRequired: '15',
      revenueShortfall: '115521.78',
    });
    expect(Number(rows[3]!.shortfallRatio)).toBeCloseTo(2 / 3, 12);
    expect(rows[4]).toMatchObject({ level: 'none', lapseDate: '', nextLevel: 'silver', shortfall: '1306.8', shortfallRequired: '100000' });

    const one = await call(server, 'GET', `/api/v1/partners?asOf=2017-07-07&format=csv&option=${OPS}&lapsesWithin=365`, {
      token: server.tokens.admin,
    });
    expect(csvRows(one.text).map((r) => `${r.id} ${r.option}`)).toEqual([`P-FABRIKAM ${OPS}`]);
  });

  it("gives a partner account its own partner's outlook and CSV only", async () => {
    const own = await list('sort=lapse', 'nw-viewer');
    expect(own.items.map((p: { id: string }) => p.id)).toEqual(['P-NORTHWIND']);
    expect(own.items[0].outlook).toHaveLength(2);
    const csv = await call(server, 'GET', '/api/v1/partners?asOf=2017-07-07&format=csv', { token: server.tokens['nw-viewer'] });
    expect(csvRows(csv.text).map((r) => r.id)).toEqual(['P-NORTHWIND', 'P-NORTHWIND']);
  });

  it('refuses parameters out of range (400) and options or levels the version does not have (422)', async () => {
    const get = (query: string) => call(server, 'GET', `/api/v1/partners?${query}`, { token: server.tokens.admin });
    for (const query of ['lapsesWithin=-1', 'lapsesWithin=1.5', 'nextWithin=abc', 'nextWithin=-2', 'sort=ratio', 'format=xlsx']) {
      expect((await get(query)).status, query).toBe(400);
    }
    const level = await get(`option=${CE}&level=platinum`);
    expect(level.status).toBe(422);
    expect(level.json.detail).toContain('none, any');
    expect((await get('option=no-such-option&format=csv')).status).toBe(422);
  });
});
