/**
 * Program versions (issue: the October 2017 revision): the version in force
 * on the as-of date judges; "the same or different" people; alternatives
 * between whole requirements; exams that retire and whose passes stop
 * counting.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import {
  assembleProgram,
  compileProgramVersion,
  versionInEffect,
  type EvaluationReport,
  type ProgramVersion,
} from '../src/engine/index.js';
import { formatProblem } from '../src/i18n/index.js';
import { loadProgram } from '../src/files/program-files.js';
import {
  CE,
  OPS,
  certifiedPeople,
  copyOfBundledDefinition,
  customer,
  dataset,
  dpor,
  evaluateRaw,
  levelOf,
  line,
  optionOf,
  partner,
  passes,
  person,
  program,
  programHistory,
  requirementOf,
  revision,
  day,
} from './support/builders.js';

const AX_PATH = ['MB6-705', 'MB6-893', 'MB6-892', 'MB6-890', '70-764'];

describe('choosing the version in force', () => {
  it('switches exactly on 2017-10-13', () => {
    expect(programHistory.versions.map((v) => v.effectiveFrom)).toEqual([
      '2017-06-27',
      '2017-07-07',
      '2017-10-13',
      '2017-11-16',
      '2018-01-25',
    ]);
    expect(versionInEffect(programHistory, day('2017-06-26'))).toBeUndefined();
    expect(versionInEffect(programHistory, day('2017-07-07'))?.effectiveFrom).toBe('2017-07-07');
    expect(versionInEffect(programHistory, day('2017-10-12'))?.effectiveFrom).toBe('2017-07-07');
    expect(versionInEffect(programHistory, day('2017-10-13'))?.effectiveFrom).toBe('2017-10-13');
    // The last version published judges every later date (test/revisions.test.ts has each boundary).
    expect(versionInEffect(programHistory, day('2026-11-21'))?.effectiveFrom).toBe('2018-01-25');
  });

  it('accepts data of every version: a product only the revision knows is valid, and counts for nothing before it', () => {
    const raw = dataset({
      partners: [partner('P')],
      customers: [customer('C')],
      associations: [dpor('C', 'P', '2016-01-01')],
      revenue: [line({ customerId: 'C', product: 'D365-OPERATIONS-ON-PREMISES', date: '2017-10-01', amount: 1000, netNew: false })],
    });
    expect(requirementOf(evaluateRaw(raw, '2017-10-12', program), 'P', OPS, 'silver', 'revenue').actual).toBe(0);
    expect(requirementOf(evaluateRaw(raw, '2017-10-13', revision), 'P', OPS, 'silver', 'revenue').actual).toBe(1000);
  });
});

describe('the revision of 2017-10-13', () => {
  it('Customer Engagement: Plan 2 revenue counts before the switch and not after', () => {
    const raw = dataset({
      partners: [partner('P')],
      customers: [customer('C')],
      associations: [dpor('C', 'P', '2016-01-01')],
      revenue: [
        line({ id: 'plan2', customerId: 'C', product: 'D365-ENTERPRISE-PLAN-2', date: '2017-09-01', amount: 100000 }),
        line({ id: 'sales', customerId: 'C', product: 'D365-SALES', date: '2017-09-01', amount: 1 }),
      ],
    });
    expect(requirementOf(evaluateRaw(raw, '2017-10-12', program), 'P', CE, 'silver', 'net-new-revenue')).toMatchObject({
      actual: 100001,
      met: true,
    });
    expect(requirementOf(evaluateRaw(raw, '2017-10-13', revision), 'P', CE, 'silver', 'net-new-revenue')).toMatchObject({
      actual: 1,
      met: false,
      evidence: { revenueLineIds: ['sales'] },
    });
  });

  it('Customer Engagement people: 5 with MB2-715+716 and 5 others with MB2-877 meet Silver on the revision, not on the seed version', () => {
    const core = certifiedPeople('P', 'core', 5, ['MB2-715', 'MB2-716']);
    // MB2-877 was offered from December 2017: its passes cannot be dated earlier.
    const field = certifiedPeople('P', 'field', 5, ['MB2-877'], '2017-12-01');
    const raw = dataset({
      partners: [partner('P')],
      people: [...core.people, ...field.people],
      examPasses: [...core.examPasses, ...field.examPasses],
    });
    const seed = requirementOf(evaluateRaw(raw, '2017-12-01', program), 'P', CE, 'silver', 'certified-people');
    expect(seed).toMatchObject({ met: false, actual: 0 });
    const revised = requirementOf(evaluateRaw(raw, '2017-12-01', revision), 'P', CE, 'silver', 'certified-people');
    expect(revised).toMatchObject({
      met: true,
      actual: 5,
      required: 5,
      evidence: {
        groups: [
          { exams: ['MB2-715', 'MB2-716'], minimum: 2, actual: 5 },
          { exams: ['MB2-717', 'MB2-718', 'MB2-877'], minimum: 1, actual: 5 },
        ],
      },
    });
    expect(revised.kind === 'certified-people' && revised.evidence.personIds).toHaveLength(10);
  });

  it('Customer Engagement people on the revision: each count must reach N; the smaller one is reported', () => {
    const both = certifiedPeople('P', 'both', 4, ['MB2-715', 'MB2-716', 'MB2-718']);
    const core = certifiedPeople('P', 'core', 3, ['MB2-715', 'MB2-716']);
    const raw = dataset({
      partners: [partner('P')],
      people: [...both.people, ...core.people],
      examPasses: [...both.examPasses, ...core.examPasses],
    });
    // 7 people with MB2-715+716, but only 4 with one of 717/718/877: a person may count in both, each count must reach 5.
    expect(requirementOf(evaluateRaw(raw, '2017-11-01', revision), 'P', CE, 'silver', 'certified-people')).toMatchObject({
      met: false,
      actual: 4,
      shortfall: 1,
    });
  });

  function opsPeople(raw: ReturnType<typeof dataset>, asOf: string, level = 'silver') {
    return requirementOf(evaluateRaw(raw, asOf, revision), 'P', OPS, level, 'certified-people');
  }

  it('Operations people: the Finance and Operations path alone meets the requirement', () => {
    const core = certifiedPeople('P', 'core', 5, ['MB6-894', '70-534'], '2017-11-01');
    const specialists = certifiedPeople('P', 'retail', 5, ['MB6-897'], '2017-11-01');
    const raw = dataset({
      partners: [partner('P')],
      people: [...core.people, ...specialists.people],
      examPasses: [...core.examPasses, ...specialists.examPasses],
    });
    expect(opsPeople(raw, '2017-11-01')).toMatchObject({ kind: 'any-of', met: true, carriedBy: 'finance-and-operations', actual: 5 });
  });

  it('Operations people: the AX 2012 path alone meets the requirement, and its evidence is marked as relying on retiring exams', () => {
    const ax = certifiedPeople('P', 'ax', 5, AX_PATH, '2017-06-01');
    const evaluation = opsPeople(dataset({ partners: [partner('P')], ...ax }), '2017-11-01');
    expect(evaluation).toMatchObject({ kind: 'any-of', met: true, carriedBy: 'ax-2012' });
    if (evaluation.kind !== 'any-of') throw new Error('any-of expected');
    const axPath = evaluation.alternatives.find((a) => a.id === 'ax-2012')!;
    expect(axPath.kind === 'certified-people' && axPath.evidence.retiringExams).toEqual(
      ax.people.map((p) => ({ personId: p.id, exams: AX_PATH })),
    );
  });

  it('Operations people: 3 people on each path is not met, and both alternatives are shown with their counts', () => {
    const core = certifiedPeople('P', 'core', 3, ['MB6-894', '70-534', 'MB6-895'], '2017-11-01');
    const ax = certifiedPeople('P', 'ax', 3, AX_PATH);
    const evaluation = opsPeople(
      dataset({ partners: [partner('P')], people: [...core.people, ...ax.people], examPasses: [...core.examPasses, ...ax.examPasses] }),
      '2017-11-01',
    );
    expect(evaluation).toMatchObject({
      kind: 'any-of',
      met: false,
      carriedBy: null,
      actual: 3,
      required: 5,
      shortfall: 2,
      alternatives: [
        { id: 'finance-and-operations', met: false, actual: 3 },
        { id: 'ax-2012', met: false, actual: 3 },
      ],
    });
  });

  it('a legacy pass counts on 2018-12-31 and not on 2019-01-01', () => {
    const ax = certifiedPeople('P', 'ax', 5, AX_PATH, '2017-06-01');
    const raw = dataset({ partners: [partner('P')], ...ax });
    expect(opsPeople(raw, '2018-12-31')).toMatchObject({ met: true, actual: 5 });
    expect(opsPeople(raw, '2019-01-01')).toMatchObject({ met: false, actual: 0 });
  });

  it('a pass of a retiring exam taken after its retirement still only counts until acceptance ends', () => {
    const ax = certifiedPeople('P', 'ax', 5, AX_PATH, '2018-03-01');
    const raw = dataset({ partners: [partner('P')], ...ax });
    expect(opsPeople(raw, '2018-03-01')).toMatchObject({ met: true });
    expect(opsPeople(raw, '2019-01-01')).toMatchObject({ met: false });
  });

  it('people on the new path do not rely on retiring exams', () => {
    const mixed = certifiedPeople('P', 'm', 5, ['MB6-894', '70-534', 'MB6-896', 'MB6-893'], '2017-11-01');
    const evaluation = opsPeople(dataset({ partners: [partner('P')], ...mixed }), '2017-11-01');
    if (evaluation.kind !== 'any-of') throw new Error('any-of expected');
    const fo = evaluation.alternatives.find((a) => a.id === 'finance-and-operations')!;
    expect(fo).toMatchObject({ met: true, evidence: { retiringExams: [] } });
  });

  it('Operations revenue (a) counts Operations On-Premises on the revision, and Gold needs 15 on one path', () => {
    const people = certifiedPeople('P', 'fo', 15, ['MB6-894', '70-534', 'MB6-895'], '2017-11-01');
    const raw = dataset({
      partners: [partner('P')],
      customers: [customer('C')],
      associations: [dpor('C', 'P', '2016-01-01')],
      revenue: [
        line({ customerId: 'C', product: 'D365-OPERATIONS', date: '2017-09-01', amount: 75000 }),
        line({ customerId: 'C', product: 'D365-OPERATIONS-ON-PREMISES', date: '2017-09-01', amount: 225000, netNew: false }),
      ],
      ...people,
    });
    const report = evaluateRaw(raw, '2017-11-01', revision);
    expect(requirementOf(report, 'P', OPS, 'gold', 'revenue')).toMatchObject({ met: true, actual: 300000 });
    expect(levelOf(report, 'P', OPS)).toBe('gold');
  });
});

describe('attain evaluate and versions', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'attain-versions-')), 'data.json');
  const core = certifiedPeople('P', 'core', 5, ['MB2-715', 'MB2-716']);
  // Different people for the second set: the seed version asks for the same ones, the revision does not.
  const field = certifiedPeople('P', 'field', 5, ['MB2-717']);
  writeFileSync(
    path,
    JSON.stringify(
      dataset({
        partners: [partner('P')],
        people: [...core.people, ...field.people],
        examPasses: [...core.examPasses, ...field.examPasses],
      }),
    ),
  );

  const run = (args: string[]) => runCli(['evaluate', path, '--format', 'json', ...args], { now: new Date(2017, 10, 1) });
  const peopleMet = (stdout: string) =>
    optionOf(JSON.parse(stdout) as EvaluationReport, 'P', CE).levels[0]!.requirements.find((r) => r.id === 'certified-people')!.met;

  it('reports the version it applied', async () => {
    const before = await run(['--as-of', '2017-10-12']);
    const after = await run(['--as-of', '2017-10-13']);
    expect((JSON.parse(before.stdout) as EvaluationReport).programVersion).toBe('2017-07-07');
    expect((JSON.parse(after.stdout) as EvaluationReport).programVersion).toBe('2017-10-13');
    expect(peopleMet(before.stdout)).toBe(false);
    expect(peopleMet(after.stdout)).toBe(true);
  });

  it('--program-version forces a version, whatever the as-of date', async () => {
    const forced = await run(['--as-of', '2017-11-01', '--program-version', '2017-07-07']);
    expect(forced.code).toBe(0);
    expect((JSON.parse(forced.stdout) as EvaluationReport).programVersion).toBe('2017-07-07');
    expect(peopleMet(forced.stdout)).toBe(false);
    const early = await run(['--as-of', '2017-01-01', '--program-version', '2017-10-13']);
    expect(early.code).toBe(0);
  });

  it('exits 2 before the first version, and on a version that does not exist', async () => {
    const early = await run(['--as-of', '2017-06-26']);
    expect(early.code).toBe(2);
    expect(early.stderr).toContain(
      'attain: --as-of: 2017-06-26 is before the first version of microsoft-partner-network (versions take effect on 2017-06-27, 2017-07-07, 2017-10-13, 2017-11-16, 2018-01-25)',
    );
    const malformed = await run(['--program-version', 'October']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('attain: --program-version: "October" is not a calendar date (YYYY-MM-DD)');
    const unknown = await run(['--program-version', '2017-08-01']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('attain: --program-version: "2017-08-01" is not a version of microsoft-partner-network');
  });
});

describe('validating versioned definitions', () => {
  it('refuses two versions on one date', () => {
    const versions: ProgramVersion[] = [program, { ...revision, effectiveFrom: day('2017-07-07') }];
    const result = assembleProgram(versions);
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual(['version 2017-07-07: two versions take effect on 2017-07-07']);
  });

  it('refuses versions of different programs', () => {
    const result = assembleProgram([program, { ...revision, id: 'other' }]);
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([
      'version 2017-10-13: id "other" differs from "microsoft-partner-network" of the other versions',
    ]);
  });

  it('refuses versions with different markets', () => {
    const result = assembleProgram([program, { ...revision, markets: [revision.markets[0]!] }]);
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([
      'version 2017-10-13: markets (developed) differ from those of the other versions (developed, developing)',
    ]);
  });

  it('refuses a definition file directly under versions/', () => {
    const dir = copyOfBundledDefinition();
    writeFileSync(join(dir, 'versions', 'stray.yaml'), 'exams: []\n');
    expect(() => loadProgram(dir)).toThrowError('versions/stray.yaml: is outside any version folder (put it in versions/<date>/)');
  });

  it('names the version folder of a problem', () => {
    const dir = copyOfBundledDefinition();
    writeFileSync(
      join(dir, 'versions', '2017-10-13', 'broken.yaml'),
      'exams:\n  - id: MB9-999\n    title: { en: Retired early }\n    retires: 2018-01-01\n    acceptedUntil: 2017-12-31\n',
    );
    expect(() => loadProgram(dir)).toThrowError(
      'versions/2017-10-13: exams[0] (id MB9-999): acceptedUntil "2017-12-31" is before retires "2018-01-01"',
    );
  });

  it('checks alternatives like any requirement: an unknown exam, and fewer than two alternatives', () => {
    const base = {
      id: 'p',
      name: { en: 'P' },
      effectiveFrom: '2018-01-01',
      markets: [{ id: 'm', name: { en: 'M' } }],
      countries: { US: 'm' },
      associationTypes: [{ id: 'DPOR', name: { en: 'DPOR' } }],
      products: [{ id: 'X', name: { en: 'X' } }],
      exams: [{ id: 'E1', title: { en: 'E1' } }],
    };
    const people = (id: string, exam: string) => ({ id, kind: 'certified-people', people: 1, examSets: [{ exams: [exam] }] });
    const withRequirement = (requirement: unknown) => ({
      ...base,
      competencies: [
        {
          id: 'c',
          name: { en: 'C' },
          options: [{ id: 'o', name: { en: 'O' }, levels: [{ id: 'l', name: { en: 'L' }, requirements: [requirement] }] }],
        },
      ],
    });
    const unknown = compileProgramVersion(
      withRequirement({ id: 'r', kind: 'any-of', alternatives: [people('a', 'E1'), people('b', 'E9')] }),
    );
    expect(unknown.ok ? [] : unknown.problems.map(formatProblem)).toEqual([
      'competencies[0] (id c).options[0] (id o).levels[0] (id l).requirements[0] (id r).alternatives[1] (id b): examSets[0].exams names unknown exam "E9"',
    ]);
    const single = compileProgramVersion(withRequirement({ id: 'r', kind: 'any-of', alternatives: [people('a', 'E1')] }));
    expect(single.ok ? [] : single.problems.map(formatProblem)).toEqual([
      'competencies[0] (id c): options[0].levels[0].requirements[0].alternatives must have at least 2 entries',
    ]);
  });

  it('each requirement of the revision is what the page says', () => {
    const ops = revision.competencies[0]!.options.find((o) => o.id === OPS)!;
    const people = ops.levels[0]!.requirements.find((r) => r.id === 'certified-people')!;
    expect(people.kind).toBe('any-of');
    const retiring = [...revision.exams.values()].filter((e) => e.retires).map((e) => [e.id, e.retires, e.acceptedUntil]);
    expect(retiring).toEqual(AX_PATH.map((id) => [id, '2017-12-31', '2018-12-31']));
    expect(revision.products.get('D365-ENTERPRISE-PLAN-1')!.name.en).toBe('Dynamics 365 Customer Engagement Plan (formerly Plan 1)');
    expect(revision.products.get('D365-ENTERPRISE-PLAN-2')!.name.en).toBe('Dynamics 365 Enterprise Plan (formerly Plan 2)');
    expect(revision.products.get('D365-OPERATIONS')!.name.en).toBe('Unified Operations Plan');
    expect(revision.exams.get('MB2-877')!.title.en).toBe('Microsoft Dynamics 365 for Field Service');
    // As the 2017-10-13 page titles it; the page of 2017-11-16 shortened it.
    expect(revision.exams.get('MB6-894')!.title.en).toBe(
      'Development, Extensions and Deployment for Dynamics 365 Finance and Operations, Enterprise edition',
    );
  });

  it('people and passes of persons unknown to a version simply do not count', () => {
    const p = person('x', 'P');
    const raw = dataset({ partners: [partner('P')], people: [p], examPasses: passes('x', ['MB6-894'], '2017-11-01') });
    expect(requirementOf(evaluateRaw(raw, '2017-11-02', program), 'P', OPS, 'silver', 'certified-people').actual).toBe(0);
  });
});
