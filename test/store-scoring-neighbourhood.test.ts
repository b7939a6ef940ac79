/**
 * Issue 19: a partner's scoring neighbourhood read from the store
 * (src/store/scoring-neighbourhood.ts) scores, plans and forecasts it exactly
 * as the whole store does — every partner of generated populations where
 * partners share tenants and subscriptions (another partner's association
 * displacing its own), a PCI and a PCS version, with enrolments, fractional
 * usage and an association ended — on both engines; its records are the
 * store's, in the store's order; several partners read together score each as
 * its own; a record that does not validate is named by its key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoredPlanAnswer } from '../src/app/scored-plans.js';
import { prepareScores, scoreAnswer, scoreEach, scoreStoredPartners, StoredScores } from '../src/app/scores.js';
import {
  keyedRecordLabel,
  monthIndex,
  monthText,
  validatedScoring,
  type ScoredVersionDefinition,
  type ScoringDataset,
  type ScoringRecords,
} from '../src/engine/index.js';
import { generateScoredRecords } from '../src/generate/scored.js';
import { openPglite } from '../src/store/pglite.js';
import { openPostgres } from '../src/store/postgres.js';
import { Store } from '../src/store/store.js';
import { versions } from './support/scored-records.js';
import { insertScoringRecords } from './support/scoring-store.js';
import { storeEngines } from './support/stores.js';

const NAMES = { month: 'month', programVersion: 'programVersion', partner: 'partnerId', dataset: 'store' };
const PLAN_NAMES = { ...NAMES, path: 'path', target: 'target', unitOfCost: 'unitOfCost' };
const { engines } = storeEngines('store_scoring_neighbourhood');

type Row = Record<string, unknown>;

/**
 * A generated population under `version` (prefix `tag`) where every third partner also holds associations (each
 * type, one ended) on the next partner's subscriptions, some partners enrolled, and one tenant with fractional usage.
 */
function population(version: ScoredVersionDefinition, M: number, tag: string): ScoringRecords {
  const r = generateScoredRecords(version, { partners: 12, month: M, seed: 5 });
  const renamed = JSON.parse(JSON.stringify(r).replace(/"([PB]\d+)/g, `"${tag}$1`)) as typeof r;
  for (let p = 0; p < 12; p += 3) {
    const theirs = renamed.subscriptions.filter((s) => s.tenantId.startsWith(`${tag}P${p + 1}-`)).slice(0, 4);
    theirs.forEach((s, i) => {
      const type = version.associationTypes[i % version.associationTypes.length]!;
      renamed.associations.push({ partnerId: `${tag}P${p}`, subscriptionId: s.id, type, from: '2015-01', to: i === 3 ? '2019-06' : null });
    });
  }
  // A subscription no partner is associated with, on each partner's first tenant: the tenant's history counts whole.
  for (let p = 0; p < 12; p++) {
    const first = renamed.subscriptions.find((s) => s.tenantId.startsWith(`${tag}P${p}-`));
    if (!first) continue;
    const id = `${first.tenantId}-S9`;
    renamed.subscriptions.push({ ...first, id });
    for (const m of [M - 30, M - 14, M - 2]) {
      const month = monthText(m);
      renamed.billing.push({ id: `${id}-B${m}`, subscriptionId: id, month, amountUsd: '1250.50' });
      renamed.seats.push({ subscriptionId: id, month, paidSeats: 40 });
    }
  }
  const tenant = renamed.usage[0]?.tenantId;
  const workload = renamed.usage[0]?.workload;
  const fractional = tenant && workload ? [{ tenantId: tenant, workload, month: '2014-01', units: '0.25' }] : [];
  return {
    ...renamed,
    usage: [...renamed.usage, ...fractional],
    enrolments: [
      { partnerId: `${tag}P1`, enrolled: '2023-07-01' },
      { partnerId: `${tag}P2`, legacy: true },
    ],
  };
}

const ERAS = [
  { version: versions.find((v) => v.effectiveFrom === '2021-02-03')!, month: '2021-04', tag: 'PCI' },
  { version: versions.find((v) => v.effectiveFrom === '2023-06-13')!, month: '2023-10', tag: 'PCS' },
];

function dataset(records: ScoringRecords): ScoringDataset {
  const validated = validatedScoring(records, versions, keyedRecordLabel(records));
  if (!validated.ok) throw new Error(JSON.stringify(validated.problems.slice(0, 3)));
  return validated.dataset;
}

for (const engine of engines) {
  describe(`a partner's scoring neighbourhood on ${engine.name}`, () => {
    const options = engine.options();
    let store: Store;
    let whole: ScoringDataset;
    beforeAll(async () => {
      store = await Store.open(options);
      const parts = ERAS.map(({ version, month, tag }) => population(version, monthIndex(month), tag));
      const merged: Record<string, unknown[]> = {};
      for (const part of parts)
        for (const [collection, rows] of Object.entries(part)) merged[collection] = [...(merged[collection] ?? []), ...(rows as unknown[])];
      await store.importScoringRecords(merged, 'population.json', versions);
      whole = dataset(await store.scoringRecords());
    });
    afterAll(async () => {
      await store.close();
    });

    it("holds the store's records only, in the store's order, and the partner's own whole", async () => {
      const stored = (await store.scoringRecords()) as Record<string, Row[]>;
      const own = (await store.scoringNeighbourhood('PCIP0')) as Record<string, Row[]>;
      for (const [collection, rows] of Object.entries(own)) {
        const all = stored[collection]!.map((r) => JSON.stringify(r));
        const places = rows.map((r) => all.indexOf(JSON.stringify(r)));
        expect(places.every((p) => p >= 0)).toBe(true);
        expect(places).toEqual([...places].sort((a, b) => a - b));
      }
      expect(own['people']!.map((p) => p['id'])).toEqual(stored['people']!.filter((p) => p['partnerId'] === 'PCIP0').map((p) => p['id']));
      // Another partner's association on a shared subscription brings that partner along, so the records validate.
      expect(own['partners']!.map((p) => p['id'])).toEqual(['PCIP0', 'PCIP1']);
    });

    it('scores, plans and forecasts every partner as the whole store does, in both eras', async () => {
      for (const { month } of ERAS) {
        const m = monthIndex(month);
        for (const partnerId of whole.partners.keys()) {
          const own = prepareScores(dataset(await store.scoringNeighbourhood(partnerId)));
          const options = { outlook: 6 };
          expect(scoreAnswer(versions, own, partnerId, m, options, NAMES)).toEqual(
            scoreAnswer(versions, whole, partnerId, m, options, NAMES),
          );
          expect(scoredPlanAnswer(versions, own, partnerId, m, {}, PLAN_NAMES)).toEqual(
            scoredPlanAnswer(versions, whole, partnerId, m, {}, PLAN_NAMES),
          );
        }
      }
    });

    it('reads several partners together, scoring each as its own neighbourhood does', async () => {
      const m = monthIndex('2023-10');
      const both = prepareScores(dataset(await store.scoringNeighbourhood(['PCSP0', 'PCSP4', 'PCIP2'])));
      for (const partnerId of ['PCSP0', 'PCSP4', 'PCIP2'])
        expect(scoreAnswer(versions, both, partnerId, m, {}, NAMES)).toEqual(scoreAnswer(versions, whole, partnerId, m, {}, NAMES));
    });

    it('scores every stored partner a few at a time as the whole store does, in id order', async () => {
      for (const { version, month } of ERAS) {
        const m = monthIndex(month);
        const chunked = await scoreStoredPartners(store, versions, version, m, 5);
        const ids = [...whole.partners.keys()].sort();
        expect(chunked).toEqual({ ok: true, value: scoreEach(versions, whole, ids, version, m) });
        // Scored two partners at a time within each chunk, the next chunk read meanwhile: the same.
        expect(await scoreStoredPartners(store, versions, version, m, 5, 2)).toEqual(chunked);
      }
    });

    it('stops at a chunk whose work fails, the next chunk’s read ended first, and reads again after', async () => {
      const seen: string[][] = [];
      const failed = await store
        .eachScoringNeighbourhood(2, (ids) => {
          seen.push([...ids]);
          if (seen.length === 2) throw new Error('this chunk fails');
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect((failed as Error).message).toBe('this chunk fails');
      expect(seen).toHaveLength(2);
      const all: string[] = [];
      await store.eachScoringNeighbourhood(2, async (ids) => {
        await new Promise((resolve) => setImmediate(resolve));
        all.push(...ids);
      });
      expect(all).toEqual([...whole.partners.keys()].sort());
    });

    it('reads every stored record a page at a time, as the whole read gives them, on both engines', async () => {
      const paged: Record<string, unknown[]> = {};
      const sizes: number[] = [];
      await store.eachScoringPage(7, (collection, page) => {
        sizes.push(page.length);
        (paged[collection] ??= []).push(...page);
      });
      expect(paged).toEqual(await store.scoringRecords());
      expect(Object.keys(paged)).toEqual(Object.keys(await store.scoringRecords()));
      expect(Math.max(...sizes)).toBe(7);
      expect(sizes.every((n) => n > 0)).toBe(true);
    });

    it('is empty for a partner the store does not hold, or an id it could not hold', async () => {
      expect(await store.scoringNeighbourhood('nobody')).toEqual({});
      expect(await store.scoringNeighbourhood('P\u0000')).toEqual({});
      expect(await store.scoringNeighbourhood('\ud800')).toEqual({});
      const scores = new StoredScores(store, () => versions);
      const answer = await scores.of('nobody');
      if (!answer.ok) throw new Error('an unknown partner is not a data failure');
      expect(scoreAnswer(versions, answer.value, 'nobody', monthIndex('2023-10'), {}, NAMES)).toMatchObject({
        ok: false,
        kind: 'partner',
      });
    });

    it('names a record that does not validate by its key, and keeps the other partners scored', async () => {
      // Written behind the store's back: an association of PCSP5 on a subscription the store does not hold.
      await store.close();
      const db = options.databaseUrl ? await openPostgres(options.databaseUrl, options.schema) : await openPglite(options.dataDir!);
      try {
        await insertScoringRecords(db, {
          associations: [{ partnerId: 'PCSP5', subscriptionId: 'S-GONE', type: 'DPOR', from: '2020-01', to: null }],
          // On a tenant both PCSP0 (through its association on PCSP1's subscription) and PCSP1 reach.
          usage: [{ tenantId: 'PCSP1-T0', workload: 'NOT-A-WORKLOAD', month: '2023-01', units: 1 }],
        });
      } finally {
        await db.close();
      }
      store = await Store.open(options);
      const scores = new StoredScores(store, () => versions);
      const broken = await scores.of('PCSP5');
      expect(broken).toMatchObject({ ok: false, kind: 'data', source: 'store' });
      if (broken.ok) return;
      expect(broken.problems.map((p) => [p.record, p.field, p.code])).toContainEqual([
        'associations (subscriptionId S-GONE, type DPOR, from 2020-01, partnerId PCSP5)',
        'subscriptionId',
        'unknownReference',
      ]);
      expect((await scores.of('PCSP4')).ok).toBe(true);
      // Scoring every partner: refused, the record named once though two chunks' neighbourhoods hold it.
      const all = await scoreStoredPartners(store, versions, ERAS[1]!.version, monthIndex('2023-10'), 1);
      expect(all).toMatchObject({ ok: false, kind: 'data', source: 'store' });
      if (!all.ok) {
        expect(all.problems.filter((p) => p.record.includes('S-GONE'))).toHaveLength(1);
        expect(all.problems.filter((p) => p.record.includes('NOT-A-WORKLOAD')).map((p) => [p.record, p.field])).toEqual([
          ['usage (tenantId PCSP1-T0, workload NOT-A-WORKLOAD, month 2023-01)', 'workload'],
        ]);
      }
      expect((await scores.of('PCSP0')).ok).toBe(false);
    });
  });
}

describe('keyed record labels', () => {
  it('name a record by its key fields, or its place when it is not a record', () => {
    const records = {
      billing: [{ id: 'B-1', subscriptionId: 'S', month: '2021-01', amountUsd: '1' }],
      seats: [{ subscriptionId: 'S-1', month: '2021-01', paidSeats: 3 }],
      people: [7],
    } as unknown as ScoringRecords;
    const label = keyedRecordLabel(records);
    expect(label('billing', 0, 'B-1')).toBe('billing (id B-1)');
    expect(label('seats', 0, undefined)).toBe('seats (subscriptionId S-1, month 2021-01)');
    expect(label('people', 0, undefined)).toBe('people[0]');
    expect(label('tenants', 3, undefined)).toBe('tenants[3]');
  });
});
