/**
 * Every revision of the Cloud Business Applications page as published
 * (issue 15): each version judges from its hand-off date, tested the day
 * before and the day of each change, for both options and both markets; a
 * market without a published threshold; exams available only from a month;
 * 70-535 read as either exam; the AX 2012 path withdrawn on 2017-11-16; the
 * last published rules after 2018-08-31; provenance and official terms on
 * the requirement pages.
 */
import { describe, expect, it } from 'vitest';
import {
  forecastPartner,
  planPartner,
  prepare,
  PreparedProgram,
  timelineOf,
  validateDataset,
  versionFrom,
  versionInEffect,
  type EvaluationReport,
} from '../src/engine/index.js';
import { renderRequirementsPage } from '../src/docs/requirements-page.js';
import { formatProblem, translator } from '../src/i18n/index.js';
import { runCli } from './support/cli.js';
import {
  CE,
  OPS,
  certifiedPeople,
  customer,
  dataset,
  day,
  dpor,
  evaluateRaw,
  levelOf,
  line,
  optionOf,
  partner,
  programHistory,
  requirementOf,
} from './support/builders.js';

const AX_PATH = ['MB6-705', 'MB6-893', 'MB6-892', 'MB6-890', '70-764'];
const DEVELOPED = 'D'; // US
const DEVELOPING = 'G'; // IN

/** Judged by the version in force on the date, as every command does without --program-version. */
function byDate(raw: ReturnType<typeof dataset>, asOf: string): EvaluationReport {
  const version = versionInEffect(programHistory, day(asOf));
  if (!version) throw new Error(`no version in force on ${asOf}`);
  return evaluateRaw(raw, asOf, version);
}

function forced(raw: ReturnType<typeof dataset>, asOf: string, effectiveFrom: string): EvaluationReport {
  return evaluateRaw(raw, asOf, versionFrom(programHistory, day(effectiveFrom))!);
}

/**
 * Two partners, one per market, each with Silver revenue in both options for
 * its market, 5 people with MB2-715, MB2-716 and MB2-717 (the same people),
 * and 5 people on the AX 2012 path (all five exams).
 */
function silverEverywhere(extra: { people?: unknown[]; examPasses?: unknown[] } = {}) {
  const ce = (p: string) => certifiedPeople(p, `${p}-ce`, 5, ['MB2-715', 'MB2-716', 'MB2-717']);
  const ax = (p: string) => certifiedPeople(p, `${p}-ax`, 5, AX_PATH, '2017-06-01');
  const groups = [ce(DEVELOPED), ax(DEVELOPED), ce(DEVELOPING), ax(DEVELOPING)];
  return dataset({
    partners: [partner(DEVELOPED, 'US'), partner(DEVELOPING, 'IN')],
    customers: [customer('CD', 'US'), customer('CG', 'IN')],
    associations: [dpor('CD', DEVELOPED, '2016-01-01'), dpor('CG', DEVELOPING, '2016-01-01')],
    revenue: [
      line({ customerId: 'CD', product: 'D365-ENTERPRISE-PLAN-1', date: '2017-06-01', amount: 100000 }),
      line({ customerId: 'CD', product: 'D365-OPERATIONS', date: '2017-06-01', amount: 100000 }),
      line({ customerId: 'CG', product: 'D365-ENTERPRISE-PLAN-1', date: '2017-06-01', amount: 50000 }),
      line({ customerId: 'CG', product: 'D365-OPERATIONS', date: '2017-06-01', amount: 50000 }),
    ],
    people: [...groups.flatMap((g) => g.people), ...((extra.people ?? []) as never[])],
    examPasses: [...groups.flatMap((g) => g.examPasses), ...((extra.examPasses ?? []) as never[])],
  });
}

const levels = (report: EvaluationReport, partnerId: string) => [levelOf(report, partnerId, CE), levelOf(report, partnerId, OPS)];

describe('which revision judges a date', () => {
  it('takes each version from its hand-off date, with no rules before 2017-06-27', () => {
    const cases: [string, string | undefined][] = [
      ['2017-06-26', undefined],
      ['2017-06-27', '2017-06-27'],
      ['2017-07-06', '2017-06-27'],
      ['2017-07-07', '2017-07-07'],
      ['2017-10-12', '2017-07-07'],
      ['2017-10-13', '2017-10-13'],
      ['2017-11-15', '2017-10-13'],
      ['2017-11-16', '2017-11-16'],
      ['2018-01-24', '2017-11-16'],
      ['2018-01-25', '2018-01-25'],
      ['2018-08-30', '2018-01-25'],
      ['2018-08-31', '2018-01-25'],
    ];
    for (const [asOf, expected] of cases)
      expect([asOf, versionInEffect(programHistory, day(asOf))?.effectiveFrom]).toEqual([asOf, expected]);
  });

  it('names its source: repository, path, commit and hand-off date', () => {
    for (const version of programHistory.versions) {
      const source = version.source;
      if (typeof source !== 'object') throw new Error(`${version.effectiveFrom}: no page revision`);
      expect(source).toMatchObject({ path: 'partner-center/competency-cloud-business-applications.md', handoff: version.effectiveFrom });
      expect(source.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(source.translations?.['fr-FR']?.repository).toBe('MicrosoftDocs/partner-center-pr.fr-fr');
    }
  });
});

describe('2017-06-27: thresholds for developed markets only', () => {
  const raw = silverEverywhere();

  it('2017-06-26: no rules; 2017-06-27: the developed partner is Silver in both options', () => {
    expect(versionInEffect(programHistory, day('2017-06-26'))).toBeUndefined();
    expect(levels(byDate(raw, '2017-06-27'), DEVELOPED)).toEqual(['silver', 'silver']);
  });

  it('the developing partner attains no level, and the report says why: no threshold published, not a shortfall', () => {
    const report = byDate(raw, '2017-06-27');
    expect(levels(report, DEVELOPING)).toEqual([null, null]);
    for (const [option, id] of [
      [CE, 'net-new-revenue'],
      [OPS, 'revenue'],
      [OPS, 'net-new-revenue'],
    ] as const) {
      expect(requirementOf(report, DEVELOPING, option, 'silver', id)).toMatchObject({
        met: false,
        required: null,
        shortfall: null,
        reason: 'no-threshold-published',
      });
    }
    // Its people requirements are judged as usual.
    expect(requirementOf(report, DEVELOPING, CE, 'silver', 'certified-people')).toMatchObject({ met: true, shortfall: 0 });
    const developed = requirementOf(report, DEVELOPED, CE, 'silver', 'net-new-revenue');
    expect(developed).toMatchObject({ met: true, required: 100000, shortfall: 0 });
    expect('reason' in developed).toBe(false);
  });

  it('2017-07-06 vs 2017-07-07: the developing partner becomes Silver when its thresholds are published', () => {
    expect(levels(byDate(raw, '2017-07-06'), DEVELOPING)).toEqual([null, null]);
    expect(levels(byDate(raw, '2017-07-07'), DEVELOPING)).toEqual(['silver', 'silver']);
    expect(levels(byDate(raw, '2017-07-06'), DEVELOPED)).toEqual(['silver', 'silver']);
    expect(levels(byDate(raw, '2017-07-07'), DEVELOPED)).toEqual(['silver', 'silver']);
  });

  it('the plan names the unpublished threshold instead of planning sales for it', () => {
    const validated = validateDataset(raw, programHistory);
    if (!validated.ok) throw new Error('invalid');
    const plan = planPartner(prepare(versionFrom(programHistory, day('2017-06-27'))!, validated.value), DEVELOPING, day('2017-06-27'));
    const ce = plan.targets.find((t) => t.option === CE)!;
    expect(ce.revenue).toContainEqual(
      expect.objectContaining({ requirement: 'net-new-revenue', shortfall: null, reason: 'no-threshold-published' }),
    );
    expect(ce.sales).toEqual([]);
  });
});

describe('2017-10-13 → 2017-11-16: the AX 2012 path is withdrawn', () => {
  const raw = silverEverywhere();

  it('Operations Silver on the AX 2012 path holds on 2017-11-15 and lapses on 2017-11-16, in both markets', () => {
    for (const p of [DEVELOPED, DEVELOPING]) {
      expect(levels(byDate(raw, '2017-11-15'), p)).toEqual(['silver', 'silver']);
      expect(levels(byDate(raw, '2017-11-16'), p)).toEqual(['silver', null]);
    }
    expect(requirementOf(byDate(raw, '2017-11-15'), DEVELOPED, OPS, 'silver', 'certified-people')).toMatchObject({
      kind: 'any-of',
      carriedBy: 'ax-2012',
    });
    expect(requirementOf(byDate(raw, '2017-11-16'), DEVELOPED, OPS, 'silver', 'certified-people')).toMatchObject({
      kind: 'certified-people',
      met: false,
      actual: 0,
    });
  });

  it('--program-version 2017-10-13 still shows the promise: AX 2012 passes count until 2018-12-31', () => {
    const people = (asOf: string) => requirementOf(forced(raw, asOf, '2017-10-13'), DEVELOPED, OPS, 'silver', 'certified-people');
    expect(people('2018-12-31')).toMatchObject({ met: true, carriedBy: 'ax-2012' });
    expect(people('2019-01-01')).toMatchObject({ met: false, carriedBy: null });
  });

  it('the forecast gives 2017-11-16 as the lapse, caused by the people requirement of the new rules', () => {
    const validated = validateDataset(raw, programHistory);
    if (!validated.ok) throw new Error('invalid');
    for (const p of [DEVELOPED, DEVELOPING]) {
      const ops = forecastPartner(new PreparedProgram(programHistory, validated.value), p, day('2017-11-01')).options.find(
        (o) => o.option === OPS,
      )!;
      expect(ops.lapse).toMatchObject({
        date: '2017-11-16',
        programVersion: '2017-11-16',
        levelAfter: null,
        failing: [{ requirement: 'certified-people', kind: 'certified-people', actual: 0, required: 5, shortfall: 5 }],
      });
    }
  });

  it('the timeline crosses the boundary: Silver on 2017-11-15, none on 2017-11-16, each under its own version', () => {
    const validated = validateDataset(raw, programHistory);
    if (!validated.ok) throw new Error('invalid');
    const timeline = timelineOf(
      new PreparedProgram(programHistory, validated.value),
      DEVELOPED,
      day('2017-11-09'),
      day('2017-11-16'),
      'week',
    );
    expect(timeline.points.map((p) => [p.date, p.programVersion, p.options.find((o) => o.option === OPS)!.level])).toEqual([
      ['2017-11-09', '2017-10-13', 'silver'],
      ['2017-11-16', '2017-11-16', null],
    ]);
  });

  it('70-535 is read as either exam: a 70-534 pass keeps counting across the boundary', () => {
    const fo = (p: string, azure: string) => certifiedPeople(p, `${p}-fo-${azure}`, 5, ['MB6-894', azure, 'MB6-895'], '2017-11-01');
    const with534 = fo(DEVELOPED, '70-534');
    const with535 = fo(DEVELOPING, '70-535');
    const data = silverEverywhere({
      people: [...with534.people, ...with535.people],
      examPasses: [...with534.examPasses, ...with535.examPasses],
    });
    for (const asOf of ['2017-11-15', '2017-11-16', '2018-01-25']) expect(levelOf(byDate(data, asOf), DEVELOPED, OPS)).toBe('silver');
    // 70-535 is no exam of the 2017-10-13 page: there the developing partner stands on its AX 2012 path alone.
    expect(requirementOf(byDate(data, '2017-11-15'), DEVELOPING, OPS, 'silver', 'certified-people')).toMatchObject({
      carriedBy: 'ax-2012',
    });
    expect(requirementOf(byDate(data, '2017-11-16'), DEVELOPING, OPS, 'silver', 'certified-people')).toMatchObject({
      met: true,
      actual: 5,
    });
  });
});

describe('Customer Engagement Silver: the same people on 2017-11-16, the same or different again on 2018-01-25', () => {
  // 5 people with MB2-715 and MB2-716, and 5 others with MB2-718: different people for the two sets.
  function split() {
    const groups = [DEVELOPED, DEVELOPING].flatMap((p) => [
      certifiedPeople(p, `${p}-core`, 5, ['MB2-715', 'MB2-716']),
      certifiedPeople(p, `${p}-svc`, 5, ['MB2-718']),
    ]);
    const base = silverEverywhere();
    return dataset({
      ...base,
      people: [...base.people!.filter((p) => !p.id.includes('-ce-')), ...groups.flatMap((g) => g.people)],
      examPasses: [...base.examPasses!.filter((p) => !p.personId.includes('-ce-')), ...groups.flatMap((g) => g.examPasses)],
    });
  }
  const raw = split();

  it('2017-11-15 met, 2017-11-16 not met, 2018-01-24 not met, 2018-01-25 met, in both markets', () => {
    const expected: [string, string | null][] = [
      ['2017-11-15', 'silver'],
      ['2017-11-16', null],
      ['2018-01-24', null],
      ['2018-01-25', 'silver'],
    ];
    for (const p of [DEVELOPED, DEVELOPING]) {
      for (const [asOf, level] of expected) expect([p, asOf, levelOf(byDate(raw, asOf), p, CE)]).toEqual([p, asOf, level]);
    }
    expect(requirementOf(byDate(raw, '2017-11-16'), DEVELOPED, CE, 'silver', 'certified-people')).toMatchObject({
      actual: 0,
      shortfall: 5,
    });
  });

  it('Gold keeps "the same or different" on 2017-11-16', () => {
    const gold = versionFrom(programHistory, day('2017-11-16'))!.competencies[0]!.options[0]!.levels[1]!.requirements.find(
      (r) => r.id === 'certified-people',
    );
    expect(gold).toMatchObject({ kind: 'certified-people', samePeople: false, people: 15 });
  });
});

describe('2018-08-31: the page stops publishing requirements', () => {
  const raw = silverEverywhere();

  it('the last published rules keep judging; from 2018-08-31 every report says they are the last published', () => {
    const before = byDate(raw, '2018-08-30');
    const after = byDate(raw, '2018-08-31');
    expect(before.programVersion).toBe('2018-01-25');
    expect('publicationEnded' in before).toBe(false);
    expect(after).toMatchObject({ programVersion: '2018-01-25', publicationEnded: '2018-08-31' });
    for (const p of [DEVELOPED, DEVELOPING]) expect(levels(after, p)).toEqual(levels(before, p));
    const validated = validateDataset(raw, programHistory);
    if (!validated.ok) throw new Error('invalid');
    const preparedProgram = new PreparedProgram(programHistory, validated.value);
    expect(forecastPartner(preparedProgram, DEVELOPED, day('2018-08-31')).publicationEnded).toBe('2018-08-31');
    expect(forecastPartner(preparedProgram, DEVELOPED, day('2018-08-30')).publicationEnded).toBeUndefined();
    const timeline = timelineOf(preparedProgram, DEVELOPED, day('2018-08-24'), day('2018-08-31'), 'week');
    expect(timeline.points.map((p) => p.publicationEnded)).toEqual([undefined, '2018-08-31']);
  });
});

describe('exams available only from a month', () => {
  const personP = { id: 'x', partnerId: DEVELOPED, name: 'X' };
  const problems = (exam: string, date: string) => {
    const result = validateDataset(
      dataset({ partners: [partner(DEVELOPED)], people: [personP], examPasses: [{ personId: 'x', exam, date }] }),
      programHistory,
    );
    return result.ok ? [] : result.problems.map((p) => formatProblem(p));
  };

  it('a pass dated before the month is bad input, named by record and field; from the first day of the month it is valid', () => {
    expect(problems('MB6-894', '2017-10-31')).toEqual([
      'examPasses[0]: date "2017-10-31" is before exam "MB6-894" was available (2017-11)',
    ]);
    expect(problems('MB6-894', '2017-11-01')).toEqual([]);
    expect(problems('70-534', '2017-10-31')).toHaveLength(1);
    expect(problems('MB6-897', '2017-11-01')).toEqual([]);
    expect(problems('MB2-877', '2017-11-30')).toEqual([
      'examPasses[0]: date "2017-11-30" is before exam "MB2-877" was available (2017-12)',
    ]);
    expect(problems('MB2-877', '2017-12-01')).toEqual([]);
    // Exams no page marks keep any date.
    expect(problems('70-535', '2016-01-01')).toEqual([]);
    expect(problems('MB2-715', '2015-01-01')).toEqual([]);
  });

  it('where revisions disagree, the earliest month: MB6-894 from November 2017 on every page', () => {
    expect(programHistory.examAvailableFrom.get('MB6-894')).toBe('2017-11');
    for (const date of ['2017-10-13', '2017-11-16', '2018-01-25']) {
      expect(versionFrom(programHistory, day(date))!.exams.get('MB6-894')!.availableFrom).toBe('2017-11');
    }
  });
});

describe('the requirement pages of every revision, in Microsoft’s own words', () => {
  const page = (date: string, locale: 'en' | 'fr-FR' | 'zh-TW') =>
    renderRequirementsPage(versionFrom(programHistory, day(date))!, 'cloud-business-applications', translator(locale));

  it('shows provenance, errata and readings in every language', () => {
    for (const version of programHistory.versions) {
      const commit = typeof version.source === 'object' ? version.source.commit.slice(0, 7) : '';
      for (const locale of ['en', 'fr-FR', 'zh-TW'] as const) {
        const markdown = page(version.effectiveFrom, locale);
        expect(markdown).toContain(`commit ${commit}`);
        for (const note of version.notes) expect(markdown).toContain(translator(locale).text(note.text).slice(0, 20));
      }
    }
    expect(page('2017-11-16', 'en')).toContain('**Erratum.** 70-535 is listed where 70-534 was');
    expect(page('2018-01-25', 'en')).toContain('since Aug 31, 2018, the source has published no newer ones');
  });

  it('uses the official fr-FR and zh-TW terms', () => {
    const fr = page('2017-10-13', 'fr-FR');
    expect(fr).toContain('# <a id="cloud-business-applications"></a>Applications métier du cloud');
    expect(fr).toContain('Option Engagement client](#enterprise-customer-engagement)');
    expect(fr).toContain('Option Opérations client](#enterprise-operations)');
    // Amounts as the pages write them, with the locale's group separator and no cents.
    expect(fr).toContain('100\u202f000 USD de nouvelles recettes nettes sur le cloud');
    expect(fr).toContain('Au moins **5** personnes de votre entreprise doivent satisfaire aux exigences d’examens.');
    expect(fr).toContain('Ces mêmes **5** personnes, ou d’autres, doivent également réussir');
    expect(fr).toContain('Construction de solutions Microsoft Azure');
    expect(fr).not.toContain(',00');
    expect(page('2017-06-27', 'fr-FR')).toContain('Argent');
    expect(page('2017-06-27', 'fr-FR')).toContain('Aucun seuil publié pour ce marché');

    const zh = page('2017-10-13', 'zh-TW');
    expect(zh).toContain('# <a id="cloud-business-applications"></a>雲端業務應用程式');
    expect(zh).toContain('專長認證');
    expect(zh).not.toContain('職能');
    expect(zh).toContain('$100,000 美元的雲端營收 - TTM (最近 12 個月) 期間的淨新增營收');
    expect(zh).toContain('您的組織至少必須有 **5** 個人員通過測驗要求條件。');
    expect(zh).toContain('Microsoft Dynamics AX 2012 R3 CU8 Installation and Configuration');
    expect(page('2017-11-16', 'zh-TW')).toContain('# <a id="cloud-business-applications"></a>雲端商務應用程式');
    expect(page('2017-06-27', 'zh-TW')).toContain('銀級');
  });

  it('marks availability and the accepted predecessor on the exams', () => {
    const en = page('2017-11-16', 'en');
    expect(en).toContain('— *available from November 2017*');
    expect(en).toContain(
      '[70-535](https://www.microsoft.com/en-us/learning/exam-70-534.aspx): Architecting Microsoft Azure Solutions — *a pass of 70-534 counts too*',
    );
    expect(en).not.toContain('[MB6-705]');
    expect(page('2017-10-13', 'en')).toContain(
      'MB2-877](https://www.microsoft.com/en-us/learning/exam-mb2-877.aspx): Microsoft Dynamics 365 for Field Service — *available from December 2017*',
    );
  });

  it('the option report names the version judging, so the dashboard and tables can show it', () => {
    expect(optionOf(byDate(silverEverywhere(), '2017-06-27'), DEVELOPED, CE).level).toBe('silver');
  });
});

describe('--program-version names every revision', () => {
  it('each hand-off date names its version; 2018-08-31 names the last published one, and the reports say so', () => {
    for (const date of ['2017-06-27', '2017-07-07', '2017-10-13', '2017-11-16', '2018-01-25']) {
      expect(versionFrom(programHistory, day(date))?.effectiveFrom).toBe(date);
    }
    expect(versionFrom(programHistory, day('2018-08-31'))?.effectiveFrom).toBe('2018-01-25');
    expect(forced(silverEverywhere(), '2018-09-01', '2018-08-31')).toMatchObject({
      programVersion: '2018-01-25',
      publicationEnded: '2018-08-31',
    });
  });
});

describe('attain, on every revision', () => {
  const EXAMPLE = 'examples/cloud-business-applications.json';

  it('evaluates with --program-version each revision, and renders its page in three languages', async () => {
    for (const date of ['2017-06-27', '2017-07-07', '2017-10-13', '2017-11-16', '2018-01-25', '2018-08-31']) {
      const run = await runCli(['evaluate', EXAMPLE, '--as-of', '2017-11-01', '--program-version', date, '--format', 'json']);
      expect([date, run.code, run.stderr]).toEqual([date, 0, '']);
      for (const locale of ['en', 'fr-FR', 'zh-TW']) {
        const docs = await runCli(['docs', '--program-version', date, '--locale', locale]);
        expect([date, locale, docs.code]).toEqual([date, locale, 0]);
        expect(docs.stdout).toContain('competency-cloud-business-applications.md');
      }
    }
  });

  it('says in the table and the JSON that the rules are the last published, from 2018-08-31', async () => {
    const table = await runCli(['evaluate', EXAMPLE, '--as-of', '2018-08-31', '--partner', 'P-CONTOSO']);
    expect(table.stdout).toContain(
      'These rules are the last published (in effect from Jan 25, 2018): since Aug 31, 2018, the source has published no newer requirements.',
    );
    const before = await runCli(['evaluate', EXAMPLE, '--as-of', '2018-08-30', '--partner', 'P-CONTOSO']);
    expect(before.stdout).not.toContain('last published');
    const json = await runCli(['plan', EXAMPLE, '--as-of', '2018-08-31', '--partner', 'P-CONTOSO', '--format', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ programVersion: '2018-01-25', publicationEnded: '2018-08-31' });
    const french = await runCli(['forecast', EXAMPLE, '--as-of', '2018-09-01', '--partner', 'P-CONTOSO', '--locale', 'fr-FR']);
    expect(french.stdout).toContain('Ces règles sont les dernières publiées (en vigueur depuis le 25 janv. 2018)');
  });

  it('says "no threshold published for its market" in the table of a developing-market partner under 2017-06-27', async () => {
    const run = await runCli(['evaluate', EXAMPLE, '--as-of', '2017-07-01', '--partner', 'P-FABRIKAM']);
    expect(run.stdout).toContain('rules in effect from Jun 27, 2017');
    expect(run.stdout).toMatch(/Revenue, Plan 2, Operations SKU and AX 2012 +\$[\d,.]+ +— +— +no threshold published for its market/);
  });
});
