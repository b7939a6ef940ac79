/** Issue 19: the scored population generator — deterministic per seed, valid, long-tailed, and scoring. */
import { describe, expect, it } from 'vitest';
import { monthIndex, prepareScoring, scorePrepared, validateScoringRecords } from '../src/engine/index.js';
import { readScoredDefinitions } from '../src/files/scored-files.js';
import { generateScoredRecords } from '../src/generate/scored.js';
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
