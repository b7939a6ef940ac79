import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import countries from 'i18n-iso-countries';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { compileProgramVersion, InvalidInputError, type ProgramDefinitionInput } from '../src/engine/index.js';
import { formatProblem } from '../src/i18n/index.js';
import { loadProgram } from '../src/files/program-files.js';
import { versionFrom } from '../src/engine/index.js';
import {
  PRODUCTS,
  certifiedPeople,
  copyOfBundledDefinition,
  customer,
  dataset,
  dpor,
  evaluateRaw,
  levelOf,
  line,
  partner,
  program,
  requirementOf,
  day,
} from './support/builders.js';

describe('the bundled Cloud Business Applications definition', () => {
  it('has the ids the issue names', () => {
    expect(program.id).toBe('microsoft-partner-network');
    const [competency] = program.competencies;
    expect(competency!.id).toBe('cloud-business-applications');
    expect(competency!.options.map((o) => [o.id, o.levels.map((l) => l.id)])).toEqual([
      ['enterprise-customer-engagement', ['silver', 'gold']],
      ['enterprise-operations', ['silver', 'gold']],
    ]);
    expect([...program.products.keys()].sort()).toEqual([...PRODUCTS].sort());
    expect(Object.fromEntries([...program.exams.values()].map((e) => [e.id, e.title.en]))).toEqual({
      'MB2-715': 'Microsoft Dynamics 365 customer engagement Online Deployment',
      'MB2-716': 'Microsoft Dynamics 365 Customization and Configuration',
      'MB2-717': 'Microsoft Dynamics 365 for Sales',
      'MB2-718': 'Microsoft Dynamics 365 for Customer Service',
      'MB6-893': 'Microsoft Dynamics AX Financials',
      'MB6-892': 'Microsoft Dynamics AX Distribution and Trade',
      'MB6-890': 'Microsoft Dynamics AX Development Introduction',
      '70-764': 'Administering a Microsoft SQL Database Infrastructure',
    });
  });

  it('states every threshold of the seed pages', () => {
    const thresholds = program.competencies[0]!.options.flatMap((o) =>
      o.levels.flatMap((l) =>
        l.requirements.map((r) => [
          `${o.id}/${l.id}/${r.id}`,
          r.kind === 'revenue'
            ? Object.fromEntries([...r.minimumCents].map(([m, c]) => [m, c / 100]))
            : r.kind === 'certified-people'
              ? r.people
              : null,
        ]),
      ),
    );
    expect(Object.fromEntries(thresholds)).toEqual({
      'enterprise-customer-engagement/silver/net-new-revenue': { developed: 100000, developing: 50000 },
      'enterprise-customer-engagement/silver/certified-people': 5,
      'enterprise-customer-engagement/gold/net-new-revenue': { developed: 300000, developing: 150000 },
      'enterprise-customer-engagement/gold/certified-people': 15,
      'enterprise-operations/silver/revenue': { developed: 100000, developing: 50000 },
      'enterprise-operations/silver/net-new-revenue': { developed: 25000, developing: 12000 },
      'enterprise-operations/silver/certified-people': 5,
      'enterprise-operations/gold/revenue': { developed: 300000, developing: 150000 },
      'enterprise-operations/gold/net-new-revenue': { developed: 75000, developing: 37000 },
      'enterprise-operations/gold/certified-people': 15,
    });
  });

  it('classifies every ISO 3166-1 alpha-2 country, and the named ones as the issue says', () => {
    const iso = Object.keys(countries.getAlpha2Codes()).filter((c) => c !== 'XK'); // XK is a user-assigned code, not ISO
    expect([...program.countries.keys()].sort()).toEqual(iso.sort());
    for (const c of ['US', 'CA', 'GB', 'IE', 'FR', 'DE', 'NL', 'SE', 'DK', 'NO', 'CH', 'JP', 'AU', 'NZ'])
      expect(program.countries.get(c)).toBe('developed');
    for (const c of ['IN', 'VN', 'NG', 'KE', 'BD', 'PK', 'EG', 'ET', 'GH', 'NP']) expect(program.countries.get(c)).toBe('developing');
  });

  it('shares one revenue scope between Silver and Gold of a requirement', () => {
    expect(program.revenueScopes).toHaveLength(3);
    expect(program.qualifications).toHaveLength(2);
  });
});

/** A minimal valid definition to break one field at a time. */
function minimal(): ProgramDefinitionInput {
  return {
    id: 'test-program',
    name: { en: 'Test program' },
    effectiveFrom: '2017-01-01',
    markets: [
      { id: 'developed', name: { en: 'Developed' } },
      { id: 'developing', name: { en: 'Developing' } },
    ],
    countries: { US: 'developed', IN: 'developing' },
    associationTypes: [{ id: 'DPOR', name: { en: 'DPOR' }, exclusive: true }],
    products: [
      { id: 'SUITE', name: { en: 'Suite' }, components: ['APP'] },
      { id: 'APP', name: { en: 'App' } },
    ],
    exams: [
      { id: 'E1', title: { en: 'Exam 1' } },
      { id: 'E2', title: { en: 'Exam 2' } },
    ],
    competencies: [
      {
        id: 'c',
        name: { en: 'Competency' },
        options: [
          {
            id: 'o',
            name: { en: 'Option' },
            levels: [
              {
                id: 'silver',
                name: { en: 'Silver' },
                requirements: [
                  {
                    id: 'rev',
                    kind: 'revenue',
                    products: ['SUITE'],
                    netNewOnly: false,
                    attribution: 'DPOR',
                    minimumUsd: { developed: 10, developing: 5 },
                  },
                  { id: 'people', kind: 'certified-people', people: 1, examSets: [{ exams: ['E1'] }, { exams: ['E2'], minimum: 1 }] },
                ],
              },
            ],
          },
        ],
      },
    ],
  };
}

function problems(mutate: (d: ReturnType<typeof minimal> & Record<string, unknown>) => void): string[] {
  const definition = minimal() as ReturnType<typeof minimal> & Record<string, unknown>;
  mutate(definition);
  const result = compileProgramVersion(definition);
  return result.ok ? [] : result.problems.map(formatProblem);
}

const REQ = 'competencies[0] (id c).options[0] (id o).levels[0] (id silver).requirements';
type Levels = NonNullable<ProgramDefinitionInput['competencies'][number]['options'][number]['levels']>;
const levelsOf = (d: ProgramDefinitionInput): Levels => d.competencies[0]!.options[0]!.levels;

describe('compiling a definition', () => {
  it('accepts the minimal definition and expands components into the scope', () => {
    const result = compileProgramVersion(minimal());
    expect(result.ok).toBe(true);
    if (result.ok) expect([...result.value.revenueScopes[0]!.products]).toEqual(['SUITE', 'APP']);
  });

  it.each<[string, (d: ReturnType<typeof minimal>) => void, string[]]>([
    [
      'an unknown product in a requirement',
      (d) => {
        (levelsOf(d)[0]!.requirements[0] as { products: string[] }).products = ['NOPE'];
      },
      [`${REQ}[0] (id rev): products names unknown product "NOPE"`],
    ],
    [
      'an unknown exam',
      (d) => {
        (levelsOf(d)[0]!.requirements[1] as { examSets: { exams: string[] }[] }).examSets[0]!.exams = ['E9'];
      },
      [`${REQ}[1] (id people): examSets[0].exams names unknown exam "E9"`],
    ],
    [
      'a threshold missing a market',
      (d) => {
        (levelsOf(d)[0]!.requirements[0] as { minimumUsd: Record<string, number> }).minimumUsd = { developed: 10 };
      },
      [`${REQ}[0] (id rev): minimumUsd has no threshold for market "developing"`],
    ],
    [
      'a threshold for an unknown market and a fraction of a cent',
      (d) => {
        (levelsOf(d)[0]!.requirements[0] as { minimumUsd: Record<string, number> }).minimumUsd = {
          developed: 10.001,
          developing: 5,
          mars: 1,
        };
      },
      [
        `${REQ}[0] (id rev): minimumUsd.developed 10.001 must be a non-negative amount in dollars and cents`,
        `${REQ}[0] (id rev): minimumUsd names unknown market "mars"`,
      ],
    ],
    [
      'an unknown attribution type',
      (d) => {
        (levelsOf(d)[0]!.requirements[0] as { attribution: string }).attribution = 'CSP';
      },
      [`${REQ}[0] (id rev): attribution names unknown association type "CSP"`],
    ],
    [
      'a minimum larger than its exam set',
      (d) => {
        (levelsOf(d)[0]!.requirements[1] as { examSets: { exams: string[]; minimum?: number }[] }).examSets[1]!.minimum = 2;
      },
      [`${REQ}[1] (id people): examSets[1].minimum 2 exceeds the 1 exams of the set`],
    ],
    [
      'an exam in two sets of one requirement',
      (d) => {
        (levelsOf(d)[0]!.requirements[1] as { examSets: { exams: string[] }[] }).examSets[1]!.exams = ['E1', 'E2'];
      },
      [`${REQ}[1] (id people): examSets[1].exams repeats exam "E1" (already in examSets[0])`],
    ],
    [
      'a level without requirements',
      (d) => {
        levelsOf(d)[0]!.requirements = [];
      },
      ['competencies[0] (id c): options[0].levels[0].requirements must have at least 1 entry'],
    ],
    [
      'duplicate ids',
      (d) => {
        d.exams.push({ id: 'E1', title: { en: 'again' } });
        levelsOf(d).push({ ...levelsOf(d)[0]! });
      },
      [
        'exams[2] (id E1): id "E1" repeats exams[0]',
        'competencies[0] (id c).options[0] (id o).levels[1] (id silver): id "silver" repeats levels[0]',
      ],
    ],
    [
      'a component cycle and an unknown component',
      (d) => {
        d.products[1]!.components = ['SUITE', 'GHOST'];
      },
      ['products[1] (id APP): components names unknown product "GHOST"', 'products: products form a component cycle: SUITE → APP → SUITE'],
    ],
    [
      'a country code that is not ISO 3166-1 alpha-2',
      (d) => {
        d.countries = { US: 'developed', usa: 'developed' };
      },
      ['definition: countries.usa "usa" must be an ISO 3166-1 alpha-2 code'],
    ],
    [
      'an unknown field',
      (d) => {
        (d as Record<string, unknown>).colour = 'blue';
      },
      ['definition: unknown field "colour"'],
    ],
  ])('rejects %s', (_, mutate, expected) => {
    expect(problems(mutate)).toEqual(expected);
  });

  it('reports a country mapped to an unknown market', () => {
    expect(problems((d) => (d.countries = { US: 'rich' }))).toEqual(['countries: countries.US names unknown market "rich"']);
  });
});

describe('definition folders', () => {
  const copies: string[] = [];
  afterAll(() => copies.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  /** A scratch copy of the bundled definition, removed after the tests. */
  const scratchCopy = (): string => {
    const dir = copyOfBundledDefinition();
    copies.push(dir);
    return dir;
  };

  it('a second competency is added by writing one data file', () => {
    const dir = scratchCopy();
    // Written into the 2017-10-13 version folder: a competency starts with a version of the program.
    writeFileSync(
      join(dir, 'versions', '2017-10-13', 'cloud-platform.yaml'),
      `
products:
  - id: AZURE-CONSUMPTION
    name: { en: Azure consumption }
exams:
  - id: 70-533
    title: { en: Implementing Microsoft Azure Infrastructure Solutions }
competencies:
  - id: cloud-platform
    name: { en: Cloud Platform }
    options:
      - id: azure
        name: { en: Azure option }
        levels:
          - id: silver
            name: { en: Silver }
            requirements:
              - id: consumption
                kind: revenue
                products: [AZURE-CONSUMPTION]
                netNewOnly: false
                attribution: DPOR
                minimumUsd: { developed: 30000, developing: 15000 }
              - id: certified-people
                kind: certified-people
                people: 2
                examSets:
                  - exams: [70-533, MB2-715]
                    minimum: 1
`,
    );
    const extendedProgram = loadProgram(dir);
    const extended = versionFrom(extendedProgram, day('2017-10-13'))!;
    expect(extended.competencies.map((c) => c.id)).toEqual(['cloud-business-applications', 'cloud-platform']);
    expect(versionFrom(loadProgram(dir), day('2017-07-07'))!.competencies.map((c) => c.id)).toEqual(['cloud-business-applications']);
    const { people, examPasses } = certifiedPeople('P', 'az', 2, ['70-533']);
    const report = evaluateRaw(
      dataset({
        partners: [partner('P', 'IN')],
        customers: [customer('C', 'IN')],
        associations: [dpor('C', 'P', '2016-01-01')],
        revenue: [line({ customerId: 'C', product: 'AZURE-CONSUMPTION', date: '2017-05-05', amount: 15000, netNew: false })],
        people,
        examPasses,
      }),
      '2017-11-01',
      extended,
      extendedProgram,
    );
    expect(levelOf(report, 'P', 'azure')).toBe('silver');
    expect(requirementOf(report, 'P', 'azure', 'silver', 'consumption')).toMatchObject({ met: true, actual: 15000, required: 15000 });
  });

  it('names the file and line of a YAML syntax error', () => {
    const dir = scratchCopy();
    writeFileSync(join(dir, 'versions', '2017-07-07', 'broken.yaml'), 'competencies:\n  - id: [unclosed\n');
    expect(() => loadProgram(dir)).toThrowError(InvalidInputError);
    try {
      loadProgram(dir);
    } catch (error) {
      const [problem] = (error as InvalidInputError).problems;
      expect(formatProblem(problem!)).toMatch(/^versions\/2017-07-07\/broken\.yaml: is not valid YAML \(line \d+, column \d+\)/);
    }
  });

  it('refuses a field set in two files', () => {
    const dir = scratchCopy();
    writeFileSync(join(dir, 'versions', '2017-07-07', 'again.yaml'), 'id: another-program\n');
    expect(() => loadProgram(dir)).toThrowError(/versions\/2017-07-07\/again\.yaml: id is already set in program\.yaml/);
  });

  it('the bundled YAML is plain data a program manager can read', () => {
    const text = parseYaml('countries:\n  "NO": developed\n') as { countries: Record<string, string> };
    expect(text.countries.NO).toBe('developed');
  });
});
