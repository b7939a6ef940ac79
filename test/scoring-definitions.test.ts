/**
 * The bundled scored definition (definitions/microsoft-business-applications):
 * every version reads and checks, cites its source, and states its readings.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  assembleScoredVersions,
  eraOn,
  monthIndex,
  scorePartner,
  scoredVersionOn,
  toDecimalText,
  type IsoDate,
  type ScoringRecords,
} from '../src/engine/index.js';
import { readScoredDefinitions } from '../src/files/scored-files.js';
import { datasetOf } from './support/scoring.js';

const read = readScoredDefinitions();

describe('the bundled scored definition', () => {
  it('reads without problems', () => {
    expect(read.ok ? [] : read.problems).toEqual([]);
  });
  const versions = read.ok ? read.versions : [];
  it('has the PCI and PCS versions in date order, each citing a commit', () => {
    expect(versions.map((v) => v.effectiveFrom)).toEqual([
      '2020-09-16',
      '2020-12-16',
      '2021-02-03',
      '2021-03-11',
      '2021-03-26',
      '2021-05-28',
      '2023-06-13',
      '2024-06-14',
    ]);
    // Every source is a commit of a page's repository, or a web page by its https address.
    for (const v of versions)
      for (const s of v.source) expect('commit' in s ? s.commit : s.page).toMatch('commit' in s ? /^[0-9a-f]{7,40}$/ : /^https:\/\//);
  });
});

describe('the example of the scored eras (examples/business-applications-scored.json)', () => {
  const records = JSON.parse(
    readFileSync(new URL('../examples/business-applications-scored.json', import.meta.url), 'utf8'),
  ) as ScoringRecords;
  const versions = read.ok ? read.versions : [];
  const data = datasetOf(records, versions);
  it('scores P-FABRIKAM Silver under PCI in November 2020 (spec A-Ex2) and P-CONTOSO qualified under PCS in October 2023 (B-Ex4)', () => {
    const pci = scorePartner(scoredVersionOn(versions, '2020-11-30' as IsoDate)!, data, 'P-FABRIKAM', monthIndex('2020-11'));
    expect([pci.band, toDecimalText(pci.paths[1]!.total)]).toEqual(['silver', '78']);
    const pcs = scorePartner(scoredVersionOn(versions, '2023-10-31' as IsoDate)!, data, 'P-CONTOSO', monthIndex('2023-10'));
    expect([pcs.segment, pcs.band, toDecimalText(pcs.paths[0]!.total)]).toEqual(['enterprise', 'qualified', '71.43']);
  });
});

describe('eras', () => {
  const versions = read.ok ? read.versions : [];
  const thresholds = ['2017-06-27', '2017-07-07', '2017-10-13', '2017-11-16', '2018-01-25'] as IsoDate[];
  it('a partner’s dates run from the threshold competency into the scored versions', () => {
    expect(
      ['2017-01-01', '2018-06-30', '2020-09-15', '2020-09-16', '2022-09-30', '2022-10-01', '2023-06-12', '2023-06-13'].map((d) =>
        eraOn(thresholds, versions, d as IsoDate),
      ),
    ).toEqual(['none', 'threshold', 'threshold', 'scored', 'scored', 'none', 'none', 'scored']);
  });
});

describe('the readings are documented (docs/rules.md, section 15)', () => {
  const rules = readFileSync(new URL('../docs/rules.md', import.meta.url), 'utf8');
  const section = rules.slice(rules.indexOf('## 15. Scored programs'));
  // The specification's open questions, and the status questions it leaves open without numbering them (ST-1 … ST-4).
  const questions = [
    ...Array.from({ length: 17 }, (_, i) => `OQ-A${i + 1}`),
    ...Array.from({ length: 15 }, (_, i) => `OQ-B${i + 1}`),
    ...Array.from({ length: 4 }, (_, i) => `ST-${i + 1}`),
    // Attain's own questions on the 2024 revision of the PCS (when it applies; CSP credit in both versions).
    'B24-1',
    'B24-2',
  ];
  it('every open question of the specification has a row with its reading and its alternative', () => {
    for (const q of questions) expect(section, q).toMatch(new RegExp(`\\| ${q} [^\\n]*\\|[^\\n]*\\|[^\\n]*\\|[^\\n]*\\|`));
  });
  it('every reading a version states is one of them', () => {
    for (const v of read.ok ? read.versions : []) for (const r of v.readings) expect(questions).toContain(r.question);
  });
});

describe('a scored version that is wrong', () => {
  it('names the file and the field', () => {
    const broken = { ...(read.ok ? read.versions[0]! : {}), bands: [{ id: 'silver', name: { en: 'Silver' }, from: 1e21 }] };
    const result = assembleScoredVersions([{ label: 'versions/broken.yaml', document: broken }]);
    expect(result.ok ? [] : result.problems.map((p) => `${p.record} ${p.field}`)).toEqual(['versions/broken.yaml bands[0].from']);
  });
  it('refuses a metric naming an unknown certification, and a growth metric of no count', () => {
    const v = read.ok ? read.versions[0]! : undefined;
    const paths = v!.paths.map((p) => ({
      ...p,
      metrics: p.metrics.map((m) =>
        m.kind === 'certified-count' ? { ...m, certifications: ['nope'] } : m.kind === 'headcount-growth' ? { ...m, of: 'nothing' } : m,
      ),
    }));
    const result = assembleScoredVersions([{ label: 'v', document: { ...v, paths } }]);
    const fields = result.ok ? [] : result.problems.map((p) => `${p.field} ${String(p.values.id)}`);
    expect(fields).toContain('paths[0].metrics[2].certifications nope');
    expect(fields).toContain('paths[0].metrics[3].of nothing');
  });
});
