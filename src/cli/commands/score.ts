/**
 * `attain score [records.json]`: a partner's points under the scored version in force in a month (PCI, PCS),
 * from a records file, or from the store's scoring records when no file is named.
 */
import {
  InvalidInputError,
  isMonth,
  lastDayOf,
  noScoredVersionProblem,
  monthIndex,
  problem,
  qualificationWindow,
  scoredVersionOn,
  scorePartner,
  scoreOutlook,
  scoreReportJson,
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
 * validated against the scored definition the same way; problems of the store's name it as `store`.
 */
export async function loadScoringInput(
  path: string | undefined,
  folder: string | undefined,
  flags: StoreFlags,
  io: CliIo,
): Promise<{ versions: readonly ScoredVersionDefinition[]; data: ScoringDataset; source: string }> {
  if (path !== undefined) return { ...loadScoring(path, folder), source: path };
  const versions = loadScoredVersions(folder);
  const validated = validatedScoring(await withStore(flags, io, (store) => store.scoringRecords()), versions);
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
  const version = forced === undefined ? scoredVersionOn(versions, date) : versions.find((v) => v.effectiveFrom === forced);
  if (version) return version;
  const dates = versions.map((v) => v.effectiveFrom).join(', ');
  throw new UsageError([
    forced === undefined
      ? noScoredVersionProblem(versions, date, input)
      : problem('--program-version', '', 'notAVersion', { value: forced, program: versions[0]?.id ?? '', dates }),
  ]);
}

export async function runScore(path: string | undefined, options: ScoreCommandOptions, io: CliIo, tr: Translator): Promise<void> {
  if (!isMonth(options.month))
    throw new UsageError([problem('--month', '', 'notMonth', { subject: '--month', value: JSON.stringify(options.month) })]);
  const { versions, data, source } = await loadScoringInput(path, options.scoredProgram, options, io);
  if (!data.partners.has(options.partner)) {
    throw new UsageError([problem('--partner', '', 'notAPartner', { id: options.partner, dataset: source })]);
  }
  const month = monthIndex(options.month);
  const version = chooseScoredVersion(versions, lastDayOf(month), options.programVersion, '--month');
  const report = scorePartner(version, data, options.partner, month);
  const window = qualificationWindow(versions, data, options.partner, month);
  const outlook = options.outlook === undefined ? undefined : scoreOutlook(versions, data, options.partner, month, options.outlook);
  if (options.format === 'json') {
    const ahead = outlook && {
      months: outlook.months.map((m) => ({
        month: m.month,
        version: m.version,
        band: m.band,
        totals: scoreReportJson(m.report).paths.map((p) => ({ path: p.id, total: p.total })),
      })),
      firstDrop: outlook.firstDrop,
    };
    io.stdout(
      `${JSON.stringify({ ...scoreReportJson(report), qualificationWindow: window ?? null, ...(ahead ? { outlook: ahead } : {}) }, null, 2)}\n`,
    );
  } else io.stdout(renderScoreTable(report, version, window, tr, outlook));
}
