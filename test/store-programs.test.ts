/**
 * Program definitions kept in the store, version by version, on both engines:
 * saved and read back as the same program, re-saved as unchanged, updated
 * when they change; and the command line judging the store's data by the
 * store's rules unless `--program` names others.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate, InvalidInputError, prepare, validateDataset, versionInEffect, type Program } from '../src/engine/index.js';
import { readJsonFile } from '../src/files/dataset-file.js';
import { DEFAULT_PROGRAM_PATH, loadProgram, readProgramDefinitions } from '../src/files/program-files.js';
import { Store } from '../src/store/store.js';
import { copyOfBundledDefinition, day } from './support/builders.js';
import { runCli } from './support/cli.js';
import { SERVER, storeEngines } from './support/stores.js';
import { emptyStoreFolder } from './support/pglite-template.js';

const EXAMPLE = 'examples/cloud-business-applications.json';
const SEED = join('versions', '2017-07-07', 'cloud-business-applications.yaml');
/** The bundled versions: every revision of the page (docs/rules.md, section 14). */
const VERSIONS = ['2017-06-27', '2017-07-07', '2017-10-13', '2017-11-16', '2018-01-25'];
const LABELS = ['Jun 27, 2017', 'Jul 7, 2017', 'Oct 13, 2017', 'Nov 16, 2017', 'Jan 25, 2018'];

const { engines: ENGINES, newSchema } = storeEngines('programs');

/**
 * The bundled definition with the seed version's Customer Engagement revenue
 * threshold lowered to $90,000 in developed markets (Northwind has $98,693.20),
 * and a product the bundled one does not know.
 */
function modifiedDefinition(): string {
  const dir = copyOfBundledDefinition();
  const file = join(dir, SEED);
  const text = readFileSync(file, 'utf8');
  const lowered = text.replace(
    'minimumUsd: { developed: 100000, developing: 50000 }',
    'minimumUsd: { developed: 90000, developing: 50000 }',
  );
  expect(lowered).not.toBe(text);
  writeFileSync(file, lowered.replace(/^products:\n/m, 'products:\n  - id: X-TEST-PRODUCT\n    name: { en: A test product }\n'));
  return dir;
}

/** The example's evaluation under the version in force on each date. */
function reports(program: Program, dates = ['2017-07-07', '2017-11-01', '2018-03-01']) {
  const dataset = validateDataset(readJsonFile(EXAMPLE), program);
  if (!dataset.ok) throw new InvalidInputError(EXAMPLE, dataset.problems);
  return dates.map((asOf) => evaluate(prepare(versionInEffect(program, day(asOf))!, dataset.value), { asOf: day(asOf) }));
}

describe('reading a definition with its versions', () => {
  it('gives the compiled program loadProgram gives, and each version joined into one document', () => {
    const { program, definitions } = readProgramDefinitions();
    expect(program).toEqual(loadProgram());
    expect(definitions.map((d) => d.effectiveFrom)).toEqual(VERSIONS);
    for (const d of definitions) {
      expect(d.definition).toMatchObject({ id: 'microsoft-partner-network', effectiveFrom: d.effectiveFrom });
      // Each version's document has the shared fragments (program.yaml, countries.yaml) joined in.
      expect(Object.keys(d.definition)).toEqual(expect.arrayContaining(['markets', 'countries', 'products', 'competencies']));
    }
  });
});

for (const engine of ENGINES) {
  describe(`program definitions in the store on ${engine.name}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await Store.open(engine.options());
    });
    afterAll(async () => {
      await store.close();
    });

    it('keeps none at first', async () => {
      expect(await store.program()).toBeUndefined();
      expect(await store.programVersions()).toEqual([]);
    });

    it('gives back the program saved: the same versions, the same evaluations', async () => {
      const { program, definitions } = readProgramDefinitions();
      const saved = await store.saveProgram(definitions, DEFAULT_PROGRAM_PATH);
      expect(saved).toEqual({
        programId: 'microsoft-partner-network',
        source: DEFAULT_PROGRAM_PATH,
        added: VERSIONS.length,
        updated: 0,
        unchanged: 0,
        versions: VERSIONS.map((effectiveFrom) => ({ effectiveFrom, status: 'added' })),
      });
      const stored = await store.program();
      expect(stored).toEqual(program);
      expect(await store.program('microsoft-partner-network')).toEqual(program);
      expect(reports(stored!)).toEqual(reports(program));
      const versions = await store.programVersions();
      expect(versions.map(({ loadedAt: _, ...v }) => v)).toEqual(
        VERSIONS.map((effectiveFrom) => ({ programId: 'microsoft-partner-network', effectiveFrom, source: DEFAULT_PROGRAM_PATH })),
      );
      for (const v of versions) expect(v.loadedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    });

    it('re-saves the same definition as unchanged, touching nothing', async () => {
      const before = await store.programVersions();
      const again = await store.saveProgram(readProgramDefinitions().definitions, 'elsewhere');
      expect(again).toMatchObject({ added: 0, updated: 0, unchanged: VERSIONS.length });
      expect(await store.programVersions()).toEqual(before);
    });

    it('updates a version whose definition changed, and only that one', async () => {
      const dir = modifiedDefinition();
      const before = await store.programVersions();
      const changed = await store.saveProgram(readProgramDefinitions(dir).definitions, dir);
      expect(changed.versions).toEqual(
        VERSIONS.map((effectiveFrom) => ({ effectiveFrom, status: effectiveFrom === '2017-07-07' ? 'updated' : 'unchanged' })),
      );
      const after = await store.programVersions();
      const seed = VERSIONS.indexOf('2017-07-07');
      expect(after[seed]).toMatchObject({ effectiveFrom: '2017-07-07', source: dir });
      expect(after[seed]!.loadedAt >= before[seed]!.loadedAt).toBe(true);
      for (let i = 0; i < VERSIONS.length; i++) if (i !== seed) expect(after[i]).toEqual(before[i]);
      expect(await store.program()).toEqual(loadProgram(dir));
    });

    it('refuses a definition that does not compile, writing nothing', async () => {
      const before = await store.programVersions();
      const { definitions } = readProgramDefinitions();
      const broken = definitions.map((d) => ({ definition: { ...d.definition, markets: 'none' } }));
      await expect(store.saveProgram(broken, 'broken')).rejects.toThrow(InvalidInputError);
      expect(await store.programVersions()).toEqual(before);
    });

    it('with several programs, reads one by its id and asks which one otherwise', async () => {
      const { definitions } = readProgramDefinitions();
      const other = definitions.map((d) => ({ definition: { ...d.definition, id: 'another-program' } }));
      expect(await store.saveProgram(other, 'other')).toMatchObject({ programId: 'another-program', added: VERSIONS.length });
      expect((await store.program('another-program'))?.id).toBe('another-program');
      expect((await store.program('microsoft-partner-network'))?.id).toBe('microsoft-partner-network');
      expect(await store.program('no-such-program')).toBeUndefined();
      await expect(store.program()).rejects.toThrow(
        'store: holds the definitions of several programs (another-program, microsoft-partner-network); name the definition to use with --program',
      );
    });
  });
}

describe('program definitions from the command line', () => {
  const admin = new pg.Client({ connectionString: SERVER });
  beforeAll(async () => {
    await admin.connect();
  });
  afterAll(async () => {
    await admin.end();
  });

  /** A fresh store's flags: a PGlite folder, or a schema of its own on the server. */
  const STORES: { name: string; flags: () => Promise<string[]> }[] = [
    { name: 'PGlite', flags: async () => ['--data', emptyStoreFolder('attain-cli-programs-')] },
    {
      name: 'PostgreSQL',
      flags: async () => {
        const schema = newSchema();
        await admin.query(`CREATE SCHEMA "${schema}"`);
        return ['--database-url', `${SERVER}${SERVER.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`];
      },
    },
  ];

  /** Northwind's Customer Engagement Silver revenue requirement, as evaluated. */
  const northwindRevenue = (stdout: string) =>
    (
      JSON.parse(stdout) as {
        partners: {
          partnerId: string;
          competencies: { options: { option: string; levels: { level: string; requirements: { id: string }[] }[] }[] }[];
        }[];
      }
    ).partners
      .find((p) => p.partnerId === 'P-NORTHWIND')!
      .competencies[0]!.options.find((o) => o.option === 'enterprise-customer-engagement')!
      .levels.find((l) => l.level === 'silver')!
      .requirements.find((r) => r.id === 'net-new-revenue');

  for (const { name, flags } of STORES) {
    describe(name, () => {
      it('an import keeps the rules it checked the data against: the bundled ones by default', async () => {
        const store = await flags();
        expect((await runCli(['program', 'list', ...store])).stdout).toBe(
          'The store keeps no program definition yet: attain program load stores one, and so does the first import.\n',
        );
        expect((await runCli(['import', EXAMPLE, ...store])).code).toBe(0);
        const listed = JSON.parse((await runCli(['program', 'list', '--format', 'json', ...store])).stdout) as Record<string, string>[];
        expect(listed.map(({ loadedAt: _, ...v }) => v)).toEqual(
          VERSIONS.map((effectiveFrom) => ({ programId: 'microsoft-partner-network', effectiveFrom, source: DEFAULT_PROGRAM_PATH })),
        );

        const table = await runCli(['program', 'list', ...store]);
        expect(table.code).toBe(0);
        const lines = table.stdout.trimEnd().split('\n');
        expect(lines[0]).toMatch(/^Program +In effect from +Source +Loaded at$/);
        expect(lines.slice(1).map((l) => l.split(/ {2,}/).slice(0, 3))).toEqual(
          LABELS.map((label) => ['microsoft-partner-network', label, DEFAULT_PROGRAM_PATH]),
        );
        expect(lines[1]).toMatch(/[AP]M UTC$/);
        const french = await runCli(['program', 'list', '--locale', 'fr-FR', ...store]);
        expect(french.stdout.split('\n')[0]).toMatch(/^Programme +En vigueur depuis +Source +Chargée le$/);
        expect(french.stdout).toContain('7 juil. 2017');

        const load = await runCli(['program', 'load', ...store]);
        expect(load.stdout).toBe(
          [
            `${DEFAULT_PROGRAM_PATH}: program microsoft-partner-network: 0 versions added, 0 updated, ${VERSIONS.length} unchanged`,
            ...LABELS.map((label) => `  version in effect from ${label}: unchanged`),
            '',
          ].join('\n'),
        );
      });

      it("evaluates the store's data by the store's rules; --program overrides them", async () => {
        const store = await flags();
        const dir = modifiedDefinition();
        const load = await runCli(['program', 'load', '--program', dir, ...store]);
        expect(load.stderr).toBe('');
        expect(load.stdout.split('\n')[0]).toBe(
          `${dir}: program microsoft-partner-network: ${VERSIONS.length} versions added, 0 updated, 0 unchanged`,
        );
        // The store's program is the one an import checks against: it knows the product the bundled definition does not.
        const fragment = join(mkdtempSync(join(tmpdir(), 'attain-fragment-')), 'extra.json');
        writeFileSync(
          fragment,
          JSON.stringify({
            revenue: [
              {
                id: 'R-X',
                customerId: 'C-ADATUM',
                product: 'X-TEST-PRODUCT',
                date: '2017-06-01',
                amount: 5,
                currency: 'USD',
                netNew: true,
              },
            ],
          }),
        );
        expect((await runCli(['import', EXAMPLE, ...store])).code).toBe(0);
        expect((await runCli(['import', fragment, ...store])).code).toBe(0);
        const bundled = await runCli(['import', fragment, '--program', DEFAULT_PROGRAM_PATH, ...store]);
        expect(bundled.code).toBe(2);
        expect(bundled.stderr).toContain('X-TEST-PRODUCT');
        // An import given --program into a store that keeps a program does not replace it.
        expect(JSON.parse((await runCli(['program', 'list', '--format', 'json', ...store])).stdout)[0].source).toBe(dir);

        const evaluateArgs = ['evaluate', '--as-of', '2017-07-07', '--format', 'json', ...store];
        const fromStore = await runCli(evaluateArgs);
        expect(fromStore.stderr).toBe('');
        expect(northwindRevenue(fromStore.stdout)).toMatchObject({ met: true, required: 90000 });
        // The bundled rules do not know the extra product's line: judge the example's data only.
        const exampleOnly = await runCli(['evaluate', EXAMPLE, '--as-of', '2017-07-07', '--format', 'json']);
        expect(northwindRevenue(exampleOnly.stdout)).toMatchObject({ met: false, required: 100000 });
        const overridden = await runCli([...evaluateArgs, '--program', dir]);
        expect(overridden.stdout).toBe(fromStore.stdout);
        const forced = await runCli([...evaluateArgs.slice(0, 3), '--program-version', '2017-10-13', ...evaluateArgs.slice(3)]);
        expect(forced.code).toBe(0);
        expect(JSON.parse(forced.stdout).programVersion).toBe('2017-10-13');
        // A file is judged by the bundled rules, whatever the store keeps.
        expect((await runCli(['evaluate', EXAMPLE, '--as-of', '2017-07-07', '--format', 'json', ...store])).stdout).toBe(
          exampleOnly.stdout,
        );
      });

      it('an import given --program into a store without rules keeps those; --program overrides them when evaluating', async () => {
        const store = await flags();
        const dir = modifiedDefinition();
        expect((await runCli(['import', EXAMPLE, '--program', dir, ...store])).code).toBe(0);
        expect(JSON.parse((await runCli(['program', 'list', '--format', 'json', ...store])).stdout)[0].source).toBe(dir);
        const plan = await runCli(['plan', '--partner', 'P-NORTHWIND', '--as-of', '2017-07-07', '--format', 'json', ...store]);
        expect(plan.code).toBe(0);
        const stored = await runCli(['evaluate', '--as-of', '2017-07-07', '--format', 'json', ...store]);
        expect(northwindRevenue(stored.stdout)).toMatchObject({ met: true, required: 90000 });
        const bundled = await runCli([
          'evaluate',
          '--as-of',
          '2017-07-07',
          '--format',
          'json',
          '--program',
          DEFAULT_PROGRAM_PATH,
          ...store,
        ]);
        expect(bundled.code).toBe(0);
        expect(northwindRevenue(bundled.stdout)).toMatchObject({ met: false, required: 100000 });
      });

      it('refuses a broken definition (exit 2), storing nothing', async () => {
        const store = await flags();
        const dir = copyOfBundledDefinition();
        writeFileSync(join(dir, SEED), 'competencies: [\n');
        const { code, stderr } = await runCli(['program', 'load', '--program', dir, ...store]);
        expect(code).toBe(2);
        expect(stderr.split('\n')[0]).toMatch(/: 1 problem; nothing was stored$/);
        expect(JSON.parse((await runCli(['program', 'list', '--format', 'json', ...store])).stdout)).toEqual([]);
        const evaluated = await runCli(['evaluate', '--as-of', '2017-07-07', '--program', dir, ...store]);
        expect(evaluated.code).toBe(2);
      });
    });
  }
});
