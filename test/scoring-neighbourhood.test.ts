/**
 * Issue 19: a partner's scoring neighbourhood (engine/scoring/neighbourhood.ts)
 * scores it exactly as the whole dataset does — every version, several
 * months, partners sharing tenants and subscriptions (another partner's
 * association displacing its own) — and the outlook the API computes from it
 * equals the one computed from the whole dataset.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scoreOf } from '../src/app/scores.js';
import { monthIndex, scoreOutlook, scorePartner, scoringNeighbourhoods, type ScoringRecords } from '../src/engine/index.js';
import { readScoredDefinitions } from '../src/files/scored-files.js';
import { generateScoredRecords } from '../src/generate/scored.js';
import { datasetOf } from './support/scoring.js';

const read = readScoredDefinitions();
if (!read.ok) throw new Error('the bundled scored definitions do not read');
const versions = read.versions;
const NAMES = { month: 'month', programVersion: 'programVersion', partner: 'partnerId', dataset: 'test' };

/** A generated population where every third partner also holds associations (each type) on the next partner's subscriptions. */
function sharedPopulation(version: (typeof versions)[number], M: number): ScoringRecords {
  const r = generateScoredRecords(version, { partners: 24, month: M, seed: 11 });
  for (let p = 0; p < 24; p += 3) {
    const theirs = r.subscriptions.filter((s) => s.tenantId.startsWith(`P${p + 1}-`)).slice(0, 3);
    theirs.forEach((s, i) => {
      const type = version.associationTypes[i % version.associationTypes.length]!;
      r.associations.push({ partnerId: `P${p}`, subscriptionId: s.id, type, from: '2015-01', to: null });
    });
  }
  return r;
}

describe('scoring neighbourhoods', () => {
  for (const version of versions) {
    it(`score every partner as the whole dataset does under ${version.effectiveFrom}`, () => {
      const M = monthIndex(version.effectiveFrom.slice(0, 7)) + 2;
      const data = datasetOf(sharedPopulation(version, M), versions);
      const neighbourhood = scoringNeighbourhoods(data);
      for (const partnerId of data.partners.keys()) {
        const own = neighbourhood(partnerId)!;
        expect(own.partners.size).toBe(1);
        for (const m of [M, M - 1, M - 6])
          expect(scorePartner(version, own, partnerId, m)).toEqual(scorePartner(version, data, partnerId, m));
      }
      expect(neighbourhood('nobody')).toBeUndefined();
    });
  }

  it("gives the API's outlook the whole dataset's (the bundled example, every partner, a PCI and a PCS month)", () => {
    const data = datasetOf(JSON.parse(readFileSync('examples/business-applications-scored.json', 'utf8')) as ScoringRecords, versions);
    for (const partnerId of data.partners.keys()) {
      for (const month of ['2020-11', '2023-10']) {
        const m = monthIndex(month);
        const scored = scoreOf(versions, data, partnerId, m, { outlook: 12 }, NAMES);
        if (!scored.ok) throw new Error(JSON.stringify(scored.problems));
        expect(scored.value.outlook).toEqual(scoreOutlook(versions, data, partnerId, m, 12));
      }
    }
  });
});
