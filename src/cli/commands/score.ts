/** `attain score <records.json>`: a partner's points under the scored version in force in a month (PCI, PCS). */
import { chooseScored, scoreAnswer, scoreOf } from '../../app/scores.js';
import {
  InvalidInputError,
  isMonth,
  monthIndex,
  problem,
  validateScoringRecords,
  type IsoDate,
  type ScoredVersionDefinition,
  type ScoringDataset,
  type ScoringRecords,
} from '../../engine/index.js';
import { readJsonFile } from '../../files/dataset-file.js';
import { readScoredDefinitions } from '../../files/scored-files.js';
import type { Translator } from '../../i18n/index.js';
import { renderScoreTable } from '../../render/score-table.js';
import type { CliIo } from '../io.js';
import { UsageError } from '../usage-error.js';

export interface ScoreCommandOptions {
  readonly partner: string;
  readonly month: string;
  readonly scoredProgram?: string | undefined;
  readonly programVersion?: string | undefined;
  /** Months ahead to score with nothing new: when the band is lost. */
  readonly outlook?: number | undefined;
  readonly format: string;
}

/** The scored definition's versions (bundled, or a folder); bad input names the folder. */
export function loadScoredVersions(folder: string | undefined): readonly ScoredVersionDefinition[] {
  const read = readScoredDefinitions(folder);
  if (!read.ok) throw new InvalidInputError(folder ?? 'definitions/microsoft-business-applications', read.problems);
  return read.versions;
}

/** The scored definition (bundled, or a folder) and a records file, validated against it. */
export function loadScoring(
  path: string,
  folder: string | undefined,
): { versions: readonly ScoredVersionDefinition[]; data: ScoringDataset } {
  const versions = loadScoredVersions(folder);
  const raw = readJsonFile(path);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new InvalidInputError(path, [problem('dataset', '', 'datasetNotObject', { collection: 'partners' })]);
  const workloads = new Set(versions.flatMap((v) => v.workloads.flatMap((w) => [w.id, ...w.products])));
  const validated = validateScoringRecords(raw as ScoringRecords, {
    products: workloads,
    workloads,
    associationTypes: new Set(versions.flatMap((v) => v.associationTypes)),
    countries: new Set(versions.flatMap((v) => Object.keys(v.countries))),
  });
  if (!validated.ok) throw new InvalidInputError(path, validated.problems);
  return { versions, data: validated.dataset };
}

/** The version in force on the date, or the one `--program-version` names; a usage error naming `input` otherwise. */
export function chooseScoredVersion(
  versions: readonly ScoredVersionDefinition[],
  date: IsoDate,
  forced: string | undefined,
  input: string,
): ScoredVersionDefinition {
  const chosen = chooseScored(versions, date, forced, { month: input, programVersion: '--program-version' });
  if (!chosen.ok) throw new UsageError(chosen.problems);
  return chosen.value;
}

export function runScore(path: string, options: ScoreCommandOptions, io: CliIo, tr: Translator): void {
  if (!isMonth(options.month))
    throw new UsageError([problem('--month', '', 'notMonth', { subject: '--month', value: JSON.stringify(options.month) })]);
  const { versions, data } = loadScoring(path, options.scoredProgram);
  const month = monthIndex(options.month);
  const choice = { programVersion: options.programVersion, outlook: options.outlook };
  const names = { month: '--month', programVersion: '--program-version', partner: '--partner', dataset: path };
  if (options.format === 'json') {
    const answer = scoreAnswer(versions, data, options.partner, month, choice, names);
    if (!answer.ok) throw new UsageError(answer.problems);
    io.stdout(`${JSON.stringify(answer.value, null, 2)}\n`);
    return;
  }
  const scored = scoreOf(versions, data, options.partner, month, choice, names);
  if (!scored.ok) throw new UsageError(scored.problems);
  const { report, version, window, outlook } = scored.value;
  io.stdout(renderScoreTable(report, version, window, tr, outlook));
}
