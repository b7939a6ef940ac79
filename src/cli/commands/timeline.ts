/**
 * `attain timeline <dataset.json> --partner ID --from D1 --to D2`: levels and measures at every step.
 * With `--scored`: one timeline across eras — threshold versions, scored versions (PCI, PCS) and the gaps between.
 */
import { erasTimelineJson, erasTimelineOf, programHistory, stepDates, type IsoDate, type Step } from '../../engine/index.js';
import { timeline, timelineRange } from '../../app/reports.js';
import { asJson, CLI_INPUTS, loadInputs, orExit, programVersionOf, withNote, type InputOptions } from '../inputs.js';
import { loadProgram } from '../../files/program-files.js';
import type { Translator } from '../../i18n/index.js';
import type { CliIo } from '../io.js';
import { renderErasTimelineCsv, renderErasTimelineTable } from '../../render/eras-timeline-table.js';
import { renderTimelineCsv, renderTimelineTable } from '../../render/timeline-table.js';
import { enrolmentOf, type EnrolmentOptions } from './enrolment.js';
import { isScored, loadScoredInput, refuseWith, refuseWithout, requirePartners } from './scored-options.js';

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

export async function runTimeline(
  datasetPath: string | undefined,
  options: TimelineCommandOptions,
  io: CliIo,
  tr: Translator,
): Promise<void> {
  if (isScored(options.scored)) {
    await timelineAcrossEras(datasetPath, options, io, tr);
    return;
  }
  // The flags that only a timeline across eras reads.
  refuseWithout(
    [
      [options.thresholdDataset, '--threshold-dataset'],
      [options.enrolled, '--enrolled'],
      [options.anniversary, '--anniversary'],
      [options.legacy, '--legacy'],
    ],
    '--scored',
  );
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
async function timelineAcrossEras(given: string | undefined, options: TimelineCommandOptions, io: CliIo, tr: Translator): Promise<void> {
  // Each date is judged by the version in force on it, across eras: no one version can be forced on all.
  refuseWith([[options.programVersion, '--program-version']], '--scored');
  const range = orExit(timelineRange(options.from, options.to, options.step, CLI_INPUTS));
  const { versions, data, source } = await loadScoredInput(given, options.scored, options, io, options.partner);
  requirePartners(data, [options.partner], source);
  const inputs =
    options.thresholdDataset === undefined ? undefined : await loadInputs(options.thresholdDataset, options, io, options.partner);
  const program = inputs?.program ?? loadProgram(options.program);
  const continued = versions.find((v) => v.continues !== undefined)?.continues;
  const history = programHistory(
    program.versions.map((v) => v.effectiveFrom as IsoDate),
    versions,
  );
  const enrolment = enrolmentOf(options, versions, range.to, data.enrolments.get(options.partner));
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
