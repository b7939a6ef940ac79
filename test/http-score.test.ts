/**
 * Issue 19: the scored programs on the API — a partner's score in a month
 * (`GET /api/v1/partners/{id}/score`), the very JSON `attain score --format
 * json` prints for the same records, partner and month, or its table in the
 * request's language; tenancy as every partner page; bad input refused with
 * a problem; and the scored versions (`GET /api/v1/scored-versions`). The
 * store's scoring tables hold the bundled scored example (support:
 * scoring-store.ts), on PGlite and on PostgreSQL.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScoringRecords } from '../src/engine/index.js';
import { programForImport } from '../src/app/choices.js';
import { definitionsOnDisk } from '../src/files/program-files.js';
import { openPostgres } from '../src/store/postgres.js';
import { runCli } from './support/cli.js';
import { call } from './support/http.js';
import { insertScoringRecords, serveScoringStore } from './support/scoring-store.js';
import { storeEngines } from './support/stores.js';

// The bundled example, P-CONTOSO enrolled as a legacy partner (its enrolments record): in the store and in the file alike.
const RECORDS = {
  ...(JSON.parse(readFileSync('examples/business-applications-scored.json', 'utf8')) as ScoringRecords),
  enrolments: [{ partnerId: 'P-CONTOSO', legacy: true }],
} satisfies ScoringRecords;
const SCORED = join(mkdtempSync(join(tmpdir(), 'attain-http-score-')), 'records.json');
writeFileSync(SCORED, JSON.stringify(RECORDS));
const { engines } = storeEngines('http_score');

async function cliJson(partner: string, month: string, extra: readonly string[] = []): Promise<unknown> {
  const run = await runCli(['score', SCORED, '--partner', partner, '--month', month, '--format', 'json', ...extra]);
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout);
}

for (const engine of engines) {
  describe(`the score API on ${engine.name}`, () => {
    const served = serveScoringStore(engine.options, RECORDS);

    it('answers the JSON `attain score --format json` prints: a PCI month with its outlook, a PCS month with its window', async () => {
      const pci = await call(served.server, 'GET', '/api/v1/partners/P-FABRIKAM/score?month=2020-11&outlook=6', {
        token: served.server.tokens.admin,
      });
      expect(pci.status, pci.text).toBe(200);
      expect(pci.json).toEqual(await cliJson('P-FABRIKAM', '2020-11', ['--outlook', '6']));
      expect(pci.json.paths.find((p: { id: string }) => p.id === 'finance-and-operations').total).toEqual({ decimal: '78', exact: '78' });
      expect(pci.json.outlook.months).toHaveLength(7);

      const pcs = await call(served.server, 'GET', '/api/v1/partners/P-CONTOSO/score?month=2023-10', {
        token: served.server.tokens['co-admin'],
      });
      expect(pcs.status, pcs.text).toBe(200);
      expect(pcs.json).toEqual(await cliJson('P-CONTOSO', '2023-10'));
      expect([pcs.json.band, pcs.json.segment, pcs.json.paths[0].total, pcs.json.qualificationWindow.band]).toEqual([
        'qualified',
        'enterprise',
        { decimal: '71.4286', exact: '500/7' },
        'qualified',
      ]);
      // The status on October 31, read with the partner's enrolments record: a legacy partner, enrolled on its first qualifying day.
      expect(pcs.json.status).toEqual({
        date: '2023-10-31',
        status: 'enrolled',
        window: { kind: 'renewal', from: '2024-05-01', to: '2024-10-31' },
        qualifiedOn: null,
        enrolledOn: '2023-10-31',
        anniversary: '2024-10-31',
        lapsedOn: null,
        enrolment: { kind: 'legacy', date: null, anniversary: null },
      });
      expect(pci.json.status).toBeNull();

      const forced = await call(served.server, 'GET', '/api/v1/partners/P-FABRIKAM/score?month=2021-03&programVersion=2020-12-16', {
        token: served.server.tokens.admin,
      });
      expect(forced.status, forced.text).toBe(200);
      expect(forced.json).toEqual(await cliJson('P-FABRIKAM', '2021-03', ['--program-version', '2020-12-16']));
      expect(forced.json.version).toBe('2020-12-16');
    });

    it('answers the table `attain score` prints, in the language asked for', async () => {
      const text = await call(served.server, 'GET', '/api/v1/partners/P-CONTOSO/score?month=2023-10&format=text&locale=fr-FR', {
        token: served.server.tokens.admin,
      });
      expect(text.status).toBe(200);
      expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
      const cli = await runCli(['score', SCORED, '--partner', 'P-CONTOSO', '--month', '2023-10', '--locale', 'fr-FR']);
      expect(text.text).toBe(cli.stdout);
      expect(text.text).toContain('Applications métier : 71,43 points sur 100, Qualifié');
      expect(text.text).toContain('Statut au 31 oct. 2023 : inscrit jusqu’à l’anniversaire le 31 oct. 2024 ; période de renouvellement');
    });

    it("keeps a partner account to its own partner: another's score is 404, as a partner that does not exist", async () => {
      const own = await call(served.server, 'GET', '/api/v1/partners/P-CONTOSO/score?month=2023-10', {
        token: served.server.tokens['co-viewer'],
      });
      expect(own.status).toBe(200);
      const other = await call(served.server, 'GET', '/api/v1/partners/P-FABRIKAM/score?month=2020-11', {
        token: served.server.tokens['co-admin'],
      });
      const none = await call(served.server, 'GET', '/api/v1/partners/P-NOBODY/score?month=2020-11', {
        token: served.server.tokens['co-admin'],
      });
      expect([other.status, other.json.code]).toEqual([404, 'noPartner']);
      expect(other.json.detail).toBe(none.json.detail);
      expect(other.text).not.toContain('FABRIKAM');
      const anonymous = await call(served.server, 'GET', '/api/v1/partners/P-CONTOSO/score?month=2023-10');
      expect(anonymous.status).toBe(401);
    });

    it('answers 404 for a partner without scoring records, its own or an unknown one', async () => {
      const own = await call(served.server, 'GET', '/api/v1/partners/P-NORTHWIND/score?month=2023-10', {
        token: served.server.tokens['nw-admin'],
      });
      expect([own.status, own.json.code]).toEqual([404, 'noScoringRecords']);
      const unknown = await call(served.server, 'GET', '/api/v1/partners/P-NOBODY/score?month=2023-10&locale=zh-TW', {
        token: served.server.tokens.admin,
      });
      expect([unknown.status, unknown.json.code, unknown.json.detail]).toEqual([
        404,
        'noScoringRecords',
        '此合作夥伴沒有計分記錄：它沒有分數（PCI、PCS）。',
      ]);
    });

    it('refuses a bad month, version, outlook or parameter (400), and a month no scored version judges (422), naming the parameter', async () => {
      for (const query of [
        'month=2020-13',
        'month=2020-1',
        'month=2020-11&programVersion=2020',
        'month=2020-11&outlook=0',
        'month=2020-11&when=now',
      ]) {
        const answer = await call(served.server, 'GET', `/api/v1/partners/P-FABRIKAM/score?${query}`, {
          token: served.server.tokens.admin,
        });
        expect(answer.status, query).toBe(400);
        expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
      const bad = await call(served.server, 'GET', '/api/v1/partners/P-FABRIKAM/score?month=2020-13', {
        token: served.server.tokens.admin,
      });
      expect(bad.json.errors[0]).toMatchObject({ field: 'month', code: 'notMonth' });

      const early = await call(served.server, 'GET', '/api/v1/partners/P-CONTOSO/score?month=2019-01&locale=fr-FR', {
        token: served.server.tokens.admin,
      });
      expect([early.status, early.json.code]).toEqual([422, 'noScoredVersion']);
      expect(early.json.detail).toBe('Aucune version à points du programme ne juge le mois demandé (voir errors).');
      expect(early.json.errors[0]).toMatchObject({ record: 'month', code: 'beforeFirstVersion' });
      expect(early.json.errors[0].message).toContain('programVersion');
      const gap = await call(served.server, 'GET', '/api/v1/partners/P-CONTOSO/score?month=2023-01', { token: served.server.tokens.admin });
      expect([gap.status, gap.json.errors[0].code]).toEqual([422, 'scoredVersionEnded']);
      const notVersion = await call(served.server, 'GET', '/api/v1/partners/P-CONTOSO/score?month=2023-10&programVersion=2023-01-01', {
        token: served.server.tokens.admin,
      });
      expect([notVersion.status, notVersion.json.errors[0]]).toEqual([
        422,
        expect.objectContaining({ record: 'programVersion', code: 'notAVersion' }),
      ]);
    });

    if (engine.name === 'PostgreSQL')
      it('reads the scoring records again when the store changes (its stamp), and only then', async () => {
        const path = '/api/v1/partners/P-NEWCOMER/score?month=2023-10';
        expect((await call(served.server, 'GET', path, { token: served.server.tokens.admin })).status).toBe(404);
        // Rows written behind the server's back, with no import: the prepared records of this stamp stay as they were.
        const db = await openPostgres(served.options.databaseUrl!, served.options.schema);
        try {
          await insertScoringRecords(db, { partners: [{ id: 'P-NEWCOMER', country: 'US' }] });
        } finally {
          await db.close();
        }
        expect((await call(served.server, 'GET', path, { token: served.server.tokens.admin })).status).toBe(404);
        // An import changes the stamp: the next score reads the records again.
        const { program, keep } = await programForImport(served.server.store, definitionsOnDisk, undefined);
        await served.server.store.import(
          [{ incoming: { partners: [{ id: 'P-ZED', name: 'Zed', country: 'US' }] }, source: 'zed.json' }],
          program,
          {
            program: keep,
          },
        );
        const after = await call(served.server, 'GET', path, { token: served.server.tokens.admin });
        expect([after.status, after.json.partnerId, after.json.band]).toEqual([200, 'P-NEWCOMER', null]);
      });

    it('lists the scored versions: kind, dates, paths with their metrics and points, bands', async () => {
      const answer = await call(served.server, 'GET', '/api/v1/scored-versions', { token: served.server.tokens['nw-viewer'] });
      expect(answer.status).toBe(200);
      const versions = answer.json.versions as {
        effectiveFrom: string;
        effectiveTo: string | null;
        kind: string;
        paths: { id: string; maxPoints: { exact: string }; metrics: unknown[] }[];
        bands: { id: string; from: string }[];
      }[];
      expect(versions.map((v) => [v.effectiveFrom, v.effectiveTo, v.kind])).toEqual([
        ['2020-09-16', '2020-12-15', 'PCI'],
        ['2020-12-16', '2021-02-02', 'PCI'],
        ['2021-02-03', '2021-03-10', 'PCI'],
        ['2021-03-11', '2021-03-25', 'PCI'],
        ['2021-03-26', '2021-05-27', 'PCI'],
        ['2021-05-28', '2022-09-30', 'PCI'],
        ['2023-06-13', '2024-06-13', 'PCS'],
        ['2024-06-14', null, 'PCS'],
      ]);
      expect(versions[0]!.bands).toEqual([
        { id: 'silver', name: { en: 'Silver', 'fr-FR': 'Silver', 'zh-TW': '銀會員' }, from: '60' },
        { id: 'gold', name: { en: 'Gold', 'fr-FR': 'Gold', 'zh-TW': '金會員' }, from: '80' },
      ]);
      expect(versions.at(-1)!.paths.map((p) => p.maxPoints.exact)).toEqual(['100']);
    });
  });
}

describe('the score API on stored records that do not validate', () => {
  // A subscription of a tenant the records do not hold, which P-CONTOSO is associated with: the tables take it,
  // the records' validation does not. P-FABRIKAM's records do not reach it.
  const served = serveScoringStore(engines[0]!.options, {
    partners: [
      { id: 'P-CONTOSO', country: 'FR' },
      { id: 'P-FABRIKAM', country: 'FR' },
    ],
    subscriptions: [{ id: 'S-1', tenantId: 'T-NONE', product: 'D365-SALES', paid: true }],
    associations: [{ partnerId: 'P-CONTOSO', subscriptionId: 'S-1', type: 'DPOR', from: '2023-01', to: null }],
  });

  it("answers 409 for a partner whose records do not validate: the store's state, not the request, is at fault (its problems for a program-admin only)", async () => {
    const admin = await call(served.server, 'GET', '/api/v1/partners/P-CONTOSO/score?month=2023-10', { token: served.server.tokens.admin });
    expect(admin.status).toBe(409);
    // The partner's records are read alone, so a problem names a stored record by its key, not a place in the store.
    expect(admin.json.errors).toContainEqual(
      expect.objectContaining({ record: 'subscriptions (id S-1)', field: 'tenantId', code: 'unknownReference' }),
    );
    const partner = await call(served.server, 'GET', '/api/v1/partners/P-CONTOSO/score?month=2023-10', {
      token: served.server.tokens['co-admin'],
    });
    expect(partner.status).toBe(409);
    expect(partner.json.errors).toBeUndefined();
  });

  it("scores a partner whose own records validate, whatever another partner's hold", async () => {
    const other = await call(served.server, 'GET', '/api/v1/partners/P-FABRIKAM/score?month=2023-10', {
      token: served.server.tokens.admin,
    });
    expect([other.status, other.json.partnerId]).toEqual([200, 'P-FABRIKAM']);
  });
});
