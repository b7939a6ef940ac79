/**
 * `attain timeline <dataset.json> --partner ID --from D1 --to D2`: levels and measures at every step.
 * With `--scored`: one timeline across eras — threshold versions, scored versions (PCI, PCS) and the gaps between.
 */
import { erasTimelineJson, erasTimelineOf, problem, programHistory, stepDates, type IsoDate, type Step } from '../../engine/index.js';
import { timeline, timelineRange } from '../../app/reports.js';
import { asJson, CLI_INPUTS, loadInputs, orExit, programVersionOf, withNote, type InputOptions } from '../inputs.js';
import { loadProgram } from '../../files/program-files.js';
import type { Translator } from '../../i18n/index.js';
import type { CliIo } from '../io.js';
import { renderErasTimelineCsv, renderErasTimelineTable } from '../../render/eras-timeline-table.js';
import { renderTimelineCsv, renderTimelineTable } from '../../render/timeline-table.js';
import { UsageError } from '../usage-error.js';
import { enrolmentOf, type EnrolmentOptions } from './enrolment.js';
import { loadScoring } from './score.js';

export interface TimelineCommandOptions extends InputOptions, EnrolmentOptions {
  readonly partner: string;
  readonly from: string;
  readonly to: string;
  readonly step: Step;
  readonly format: string;
  /** The dataset is a scoring records file: a timeline across eras (the bundled scored definition, or this folder). */
  readonly scored?: boolean | string | undefined;
  /** With `--scored`: the threshold dataset whose levels the threshold era's dates show. */
  readonly thresholdDataset?: string | undefined;
}

/** The flags that only a timeline across eras reads, refused without `--scored`. */
const SCORED_ONLY = [
  ['thresholdDataset', '--threshold-dataset'],
  ['enrolled', '--enrolled'],
  ['anniversary', '--anniversary'],
  ['legacy', '--legacy'],
] as const;

export async function runTimeline(
  datasetPath: string | undefined,
  options: TimelineCommandOptions,
  io: CliIo,
  tr: Translator,
): Promise<void> {
  if (options.scored !== undefined && options.scored !== false) {
    await timelineAcrossEras(datasetPath, options, io, tr);
    return;
  }
  for (const [key, flag] of SCORED_ONLY)
    if (options[key] !== undefined) throw new UsageError([problem(flag, '', 'optionNeedsOption', { option: flag, requires: '--scored' })]);
  const range = orExit(timelineRange(options.from, options.to, options.step, CLI_INPUTS));
  const inputs = await loadInputs(datasetPath, options, io, options.partner);
  const result = orExit(timeline(inputs, options.partner, range, programVersionOf(options), CLI_INPUTS));
  if (options.format === 'json') io.stdout(asJson(inputs, result));
  else if (options.format === 'csv') io.stdout(renderTimelineCsv(result));
  else io.stdout(withNote(inputs, tr, renderTimelineTable(result, inputs.program, tr)));
}

/**
 * `attain timeline records.json --scored --partner ID --from D1 --to D2 [--threshold-dataset dataset.json]`:
 * each date judged by the version `programHistory` says is in force — the threshold competency the scored
 * program continues, a scored version, or none — with what it says.
 */
async function timelineAcrossEras(path: string | undefined, options: TimelineCommandOptions, io: CliIo, tr: Translator): Promise<void> {
  if (path === undefined) throw new UsageError([problem('--scored', '', 'noDatasetFiles', { paths: 'store' })]);
  // Each date is judged by the version in force on it, across eras: no one version can be forced on all.
  if (options.programVersion !== undefined)
    throw new UsageError([problem('--program-version', '', 'optionsExclusive', { option: '--program-version', other: '--scored' })]);
  const range = orExit(timelineRange(options.from, options.to, options.step, CLI_INPUTS));
  const { versions, data } = loadScoring(path, typeof options.scored === 'string' ? options.scored : undefined);
  if (!data.partners.has(options.partner))
    throw new UsageError([problem('--partner', '', 'notAPartner', { id: options.partner, dataset: path })]);
  const inputs =
    options.thresholdDataset === undefined ? undefined : await loadInputs(options.thresholdDataset, options, io, options.partner);
  const program = inputs?.program ?? loadProgram(options.program);
  const continued = versions.find((v) => v.continues !== undefined)?.continues;
  const history = programHistory(
    program.versions.map((v) => v.effectiveFrom as IsoDate),
    versions,
  );
  const enrolment = enrolmentOf(options, versions, range.to);
  const threshold =
    inputs &&
    ((date: IsoDate) =>
      orExit(
        timeline(inputs, options.partner, { from: date, to: date, step: range.step }, undefined, CLI_INPUTS),
      ).points[0]!.options.filter((o) => continued === undefined || o.competency === continued.competency));
  const result = erasTimelineOf(
    { history, scored: versions, data, partnerId: options.partner, enrolment, threshold },
    stepDates(range.from, range.to, range.step),
  );
  if (options.format === 'json') io.stdout(`${JSON.stringify({ ...range, ...erasTimelineJson(result) }, null, 2)}\n`);
  else if (options.format === 'csv') io.stdout(renderErasTimelineCsv(result));
  else io.stdout(renderErasTimelineTable(result, range, program, versions, tr));
}
