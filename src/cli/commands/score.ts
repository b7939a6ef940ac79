/**
 * `attain score [records.json]`: a partner's points under the scored version in force in a month (PCI, PCS),
 * from a records file, or from the store's scoring records when no file is named.
 */
import { chooseScored, scoreAnswer, scoreOf } from '../../app/scores.js';
import {
  InvalidInputError,
  isMonth,
  keyedRecordLabel,
  monthIndex,
  problem,
  validatedScoring,
  type IsoDate,
  type ScoredVersionDefinition,
  type ScoringDataset,
} from '../../engine/index.js';
import { readJsonFile } from '../../files/dataset-file.js';
import { readScoredDefinitions } from '../../files/scored-files.js';
import type { Translator } from '../../i18n/index.js';
import { renderScoreTable } from '../../render/score-table.js';
import { withStore, type StoreFlags } from '../inputs.js';
import type { CliIo } from '../io.js';
import { UsageError } from '../usage-error.js';

export interface ScoreCommandOptions extends StoreFlags {
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
  const validated = validatedScoring(readJsonFile(path), versions);
  if (!validated.ok) throw new InvalidInputError(path, validated.problems);
  return { versions, data: validated.dataset };
}

/**
 * The scoring records of a file, or of the store when no file is named (`attain import --scored` fills it),
 * validated against the scored definition the same way; problems of the store's name it as `store`. From the
 * store only the neighbourhood of `partners` is read (what scores them, at the cost of their records), its
 * problems naming records by their keys: scoring every stored partner reads them a chunk at a time instead
 * (`scoreStoredPartners`).
 */
export async function loadScoringInput(
  path: string | undefined,
  folder: string | undefined,
  flags: StoreFlags,
  io: CliIo,
  partners: readonly string[],
): Promise<{ versions: readonly ScoredVersionDefinition[]; data: ScoringDataset; source: string }> {
  if (path !== undefined) return { ...loadScoring(path, folder), source: path };
  const versions = loadScoredVersions(folder);
  const records = await withStore(flags, io, (store) => store.scoringNeighbourhood(partners));
  const validated = validatedScoring(records, versions, keyedRecordLabel(records));
  if (!validated.ok) throw new InvalidInputError('store', validated.problems);
  return { versions, data: validated.dataset, source: 'store' };
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

export async function runScore(path: string | undefined, options: ScoreCommandOptions, io: CliIo, tr: Translator): Promise<void> {
  if (!isMonth(options.month))
    throw new UsageError([problem('--month', '', 'notMonth', { subject: '--month', value: JSON.stringify(options.month) })]);
  const { versions, data, source } = await loadScoringInput(path, options.scoredProgram, options, io, [options.partner]);
  const month = monthIndex(options.month);
  const choice = { programVersion: options.programVersion, outlook: options.outlook };
  const names = { month: '--month', programVersion: '--program-version', partner: '--partner', dataset: source };
  if (options.format === 'json') {
    const answer = scoreAnswer(versions, data, options.partner, month, choice, names);
    if (!answer.ok) throw new UsageError(answer.problems);
    io.stdout(`${JSON.stringify(answer.value, null, 2)}\n`);
    return;
  }
  const scored = scoreOf(versions, data, options.partner, month, choice, names);
  if (!scored.ok) throw new UsageError(scored.problems);
  const { report, version, window, outlook, status } = scored.value;
  io.stdout(renderScoreTable(report, version, window, tr, outlook, status));
}
