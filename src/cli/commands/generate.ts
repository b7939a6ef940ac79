/**
 * `attain generate`: a synthetic dataset at program scale, deterministic per seed, as CSV files (one per entity);
 * with `--scored`, the scoring records of the scored version in force in `--month`: one JSON records file, or with
 * `--format csv` a folder of CSV files, one per collection (what `attain import --scored FOLDER` reads).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMonth, lastDayOf, monthIndex, problem } from '../../engine/index.js';
import { loadProgram } from '../../files/program-files.js';
import { writeScoringCsvFolder } from '../../files/scoring-csv.js';
import { writeCsv } from '../../generate/index.js';
import { generateScoredRecords } from '../../generate/scored.js';
import type { Translator } from '../../i18n/index.js';
import type { CliIo } from '../io.js';
import { UsageError } from '../usage-error.js';
import { chooseScoredVersion, loadScoredVersions } from './score.js';
import { isScored, refuseWithout, scoredFolder } from './scored-options.js';

export interface GenerateCommandOptions {
  readonly partners: number;
  readonly seed: number;
  readonly out: string;
  /** The definition whose countries, products and exams the data uses (default: the bundled one). */
  readonly program?: string | undefined;
  /** A scoring records file instead, for the scored definition (bundled: true; or a folder). */
  readonly scored?: string | boolean | undefined;
  /** With `scored`: the evaluation month (YYYY-MM) the history leads up to. */
  readonly month?: string | undefined;
  /** With `scored`: one JSON records file (default) or a folder of CSV files. */
  readonly format?: 'json' | 'csv' | undefined;
}

export async function runGenerate(options: GenerateCommandOptions, io: CliIo, tr: Translator): Promise<void> {
  if (isScored(options.scored)) return runGenerateScored(options, io, tr);
  refuseWithout(
    [
      [options.month, '--month'],
      [options.format, '--format'],
    ],
    '--scored',
  );
  const program = loadProgram(options.program);
  const dir = resolve(options.out);
  const counts = await writeCsv(program, { partners: options.partners, seed: options.seed }, dir);
  io.stdout(
    `${tr.t('cli.generate.done', {
      partners: counts.partners,
      seed: options.seed,
      lines: counts.revenue,
      people: counts.people,
      passes: counts.examPasses,
      dir,
    })}\n`,
  );
}

/** The records of the scored version in force in the month: one JSON file `attain score` and `evaluate --scored` read, or CSV files. */
function runGenerateScored(options: GenerateCommandOptions, io: CliIo, tr: Translator): void {
  if (options.month === undefined)
    throw new UsageError([problem('--month', '', 'optionNeedsOption', { option: '--scored', requires: '--month' })]);
  if (!isMonth(options.month))
    throw new UsageError([problem('--month', '', 'notMonth', { subject: '--month', value: JSON.stringify(options.month) })]);
  const folder = scoredFolder(options.scored);
  const month = monthIndex(options.month);
  const version = chooseScoredVersion(loadScoredVersions(folder), lastDayOf(month), undefined, '--month');
  const records = generateScoredRecords(version, { partners: options.partners, month, seed: options.seed });
  const file = resolve(options.out);
  if (options.format === 'csv') writeScoringCsvFolder(records, file);
  else {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(records)}\n`);
  }
  io.stdout(
    `${tr.t('cli.generate.scoredDone', {
      partners: records.partners.length,
      seed: options.seed,
      version: version.effectiveFrom,
      month: options.month,
      tenants: records.tenants.length,
      billing: records.billing.length,
      people: records.people.length,
      file,
    })}\n`,
  );
}
