/**
 * Issue 19: the scored plan on the API (`GET /api/v1/partners/{id}/score/plan`)
 * — per path the cheapest way to the next band, to qualification or to a
 * band — the very JSON `attain plan --scored --format json` prints for the
 * same records, partner, month and choices (byte for byte, compact), or its
 * table in the request's language; tenancy as the score; bad input refused
 * with a problem naming the parameter. The store's scoring tables hold the
 * bundled scored example (support: scoring-store.ts), on PGlite and on
 * PostgreSQL.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ScoringRecords } from '../src/engine/index.js';
import { runCli } from './support/cli.js';
import { call } from './support/http.js';
import { serveScoringStore } from './support/scoring-store.js';
import { storeEngines } from './support/stores.js';

const SCORED = 'examples/business-applications-scored.json';
const RECORDS = JSON.parse(readFileSync(SCORED, 'utf8')) as ScoringRecords;
const { engines } = storeEngines('http_score_plan');

/** What `attain plan --scored --format json` prints, as the API sends JSON: compact, the same keys in the same order. */
async function cliJson(partner: string, month: string, extra: readonly string[] = []): Promise<string> {
  const run = await runCli(['plan', SCORED, '--scored', '--partner', partner, '--month', month, '--format', 'json', ...extra]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.stringify(JSON.parse(run.stdout));
}

for (const engine of engines) {
  describe(`the scored plan API on ${engine.name}`, () => {
    const served = serveScoringStore(engine.options, RECORDS);

    const get = (query: string, token: string = served.server.tokens.admin, partner = 'P-FABRIKAM') =>
      call(served.server, 'GET', `/api/v1/partners/${partner}/score/plan?${query}`, { token });

    it('answers the JSON `attain plan --scored --format json` prints, byte for byte: every path, Gold for Finance and Operations', async () => {
      const answer = await get('month=2020-11');
      expect(answer.status, answer.text).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(answer.text).toBe(await cliJson('P-FABRIKAM', '2020-11'));
      const fo = answer.json.paths.find((p: { path: string }) => p.path === 'finance-and-operations');
      expect([fo.band, fo.target.band, fo.outcome]).toEqual(['silver', 'gold', 'plan']);
      expect(fo.plan.moves.length).toBeGreaterThan(0);
    });

    it('takes the path, target, units of cost (repeated) and version as the command takes its flags', async () => {
      const cases: [string, string, string, string[]][] = [
        [
          'P-FABRIKAM',
          '2020-11',
          'path=finance-and-operations&unitOfCost=active-users=4',
          ['--path', 'finance-and-operations', '--unit-of-cost', 'active-users=4'],
        ],
        [
          'P-FABRIKAM',
          '2020-11',
          'path=customer-engagement&unitOfCost=net-new-revenue%3D1000000&unitOfCost=customers=2',
          ['--path', 'customer-engagement', '--unit-of-cost', 'net-new-revenue=1000000', '--unit-of-cost', 'customers=2'],
        ],
        ['P-FABRIKAM', '2020-11', 'path=customer-engagement&target=gold', ['--path', 'customer-engagement', '--target', 'gold']],
        ['P-FABRIKAM', '2021-03', 'programVersion=2020-12-16', ['--program-version', '2020-12-16']],
        ['P-CONTOSO', '2023-10', 'target=qualification', ['--target', 'qualification']],
        ['P-CONTOSO', '2023-11', '', []],
      ];
      for (const [partner, month, query, flags] of cases) {
        const answer = await get(`month=${month}&${query}`, served.server.tokens.admin, partner);
        expect(answer.status, `${query}: ${answer.text}`).toBe(200);
        expect(answer.text, query).toBe(await cliJson(partner, month, flags));
      }
      const unreachable = await get('month=2020-11&path=customer-engagement&target=gold');
      expect(unreachable.json.paths[0]).toMatchObject({ outcome: 'unreachable', reasons: [{ code: 'maximumBelowTarget' }] });
    });

    it('answers the table `attain plan --scored` prints, in the language asked for', async () => {
      for (const [locale, query, flags] of [
        ['fr-FR', 'path=finance-and-operations', ['--path', 'finance-and-operations']],
        ['zh-TW', 'path=customer-engagement&target=gold', ['--path', 'customer-engagement', '--target', 'gold']],
        ['en', '', []],
      ] as const) {
        const text = await get(`month=2020-11&format=text&locale=${locale}&${query}`);
        expect(text.status).toBe(200);
        expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
        const cli = await runCli([
          'plan',
          SCORED,
          '--scored',
          '--partner',
          'P-FABRIKAM',
          '--month',
          '2020-11',
          '--locale',
          locale,
          ...flags,
        ]);
        expect(text.text).toBe(cli.stdout);
      }
    });

    it("keeps a partner account to its own partner: another's plan is 404, as a partner that does not exist", async () => {
      const own = await get('month=2023-10', served.server.tokens['co-viewer'], 'P-CONTOSO');
      expect(own.status).toBe(200);
      const other = await get('month=2020-11', served.server.tokens['co-admin']);
      const none = await get('month=2020-11', served.server.tokens['co-admin'], 'P-NOBODY');
      expect([other.status, other.json.code]).toEqual([404, 'noPartner']);
      expect(other.json.detail).toBe(none.json.detail);
      expect(other.text).not.toContain('FABRIKAM');
      const anonymous = await call(served.server, 'GET', '/api/v1/partners/P-CONTOSO/score/plan?month=2023-10');
      expect(anonymous.status).toBe(401);
    });

    it('answers 404 for a partner without scoring records', async () => {
      const own = await get('month=2023-10', served.server.tokens['nw-admin'], 'P-NORTHWIND');
      expect([own.status, own.json.code]).toEqual([404, 'noScoringRecords']);
      const unknown = await get('month=2023-10', served.server.tokens.admin, 'P-NOBODY');
      expect([unknown.status, unknown.json.code]).toEqual([404, 'noScoringRecords']);
    });

    it('refuses a bad or missing month, version or parameter (400), naming it', async () => {
      for (const [query, field] of [
        ['', 'month'],
        ['month=2020-13', 'month'],
        ['month=2020-11&programVersion=2020', 'programVersion'],
        ['month=2020-11&when=now', undefined],
        ['month=2020-11&format=csv', 'format'],
      ] as const) {
        const answer = await get(query);
        expect(answer.status, query).toBe(400);
        expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        if (field) expect(JSON.stringify(answer.json.errors), query).toContain(`"${field}"`);
      }
    });

    it('refuses a path, target or unit of cost the version has not, and a month no version judges (422), naming the parameter', async () => {
      for (const [query, field, code] of [
        ['month=2020-11&path=sales', 'path', 'notAPath'],
        ['month=2020-11&target=platinum', 'target', 'notAPlanTarget'],
        ['month=2020-11&target=band&target=gold', 'target', 'notAPlanTarget'],
        ['month=2020-11&unitOfCost=usd', 'unitOfCost', 'notUnitOfCost'],
        ['month=2020-11&unitOfCost=usd=0', 'unitOfCost', 'notUnitOfCost'],
        ['month=2020-11&unitOfCost=constructor=3', 'unitOfCost', 'notUnitOfCost'],
      ] as const) {
        const answer = await get(query);
        expect([answer.status, answer.json.code], query).toEqual([422, 'badPlanChoice']);
        expect(answer.json.errors[0], query).toMatchObject({ record: field, code });
      }
      const fr = await get('month=2020-11&path=sales&locale=fr-FR');
      expect(fr.json.errors[0].message).toContain('n’est pas un parcours de la version du 2020-09-16');
      const early = await get('month=2019-01', served.server.tokens.admin, 'P-CONTOSO');
      expect([early.status, early.json.code, early.json.errors[0].code]).toEqual([422, 'noScoredVersion', 'beforeFirstVersion']);
      const notVersion = await get('month=2023-10&programVersion=2023-01-01', served.server.tokens.admin, 'P-CONTOSO');
      expect([notVersion.status, notVersion.json.errors[0]]).toEqual([
        422,
        expect.objectContaining({ record: 'programVersion', code: 'notAVersion' }),
      ]);
    });
  });
}
