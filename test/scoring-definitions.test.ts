/**
 * The bundled scored definition (definitions/microsoft-business-applications):
 * every version reads and checks, cites its source, and states its readings.
 */
import { describe, expect, it } from 'vitest';
import { readScoredDefinitions } from '../src/files/scored-files.js';

describe('the bundled scored definition', () => {
  const read = readScoredDefinitions();
  it('reads without problems', () => {
    expect(read.ok ? [] : read.problems).toEqual([]);
  });
  const versions = read.ok ? read.versions : [];
  it('has the PCI and PCS versions in date order, each citing a commit', () => {
    expect(versions.map((v) => v.effectiveFrom)).toEqual(['2020-09-16', '2020-12-16', '2021-02-03', '2023-06-13']);
    for (const v of versions) for (const s of v.source) expect(s.commit).toMatch(/^[0-9a-f]{7,40}$/);
  });
});
