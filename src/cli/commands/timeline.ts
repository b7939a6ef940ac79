/** `attain timeline <dataset.json> --partner ID --from D1 --to D2`: levels and measures at every step. */
import { isIsoDate, PreparedProgram, problem, stepDates, timelineOf, type Step } from '../../engine/index.js';
import { asJson, checkPartners, loadInputs, versionFor, withNote, type InputOptions } from '../inputs.js';
import type { Translator } from '../../i18n/index.js';
import type { CliIo } from '../io.js';
import { renderTimelineCsv, renderTimelineTable } from '../render/timeline-table.js';
import { UsageError } from '../usage-error.js';

export interface TimelineCommandOptions extends InputOptions {
  readonly partner: string;
  readonly from: string;
  readonly to: string;
  readonly step: Step;
  readonly format: string;
}

/** Enough for ten years of weeks; more is a mistake in --from / --to, not a chart. */
const MAX_POINTS = 600;

export async function runTimeline(
  datasetPath: string | undefined,
  options: TimelineCommandOptions,
  io: CliIo,
  tr: Translator,
): Promise<void> {
  const problems = (['from', 'to'] as const)
    .filter((flag) => !isIsoDate(options[flag]))
    .map((flag) => problem(`--${flag}`, '', 'flagNotCalendarDate', { value: options[flag] }));
  if (problems.length === 0 && options.to < options.from) {
    problems.push(problem('--to', '', 'toBeforeFrom', { to: options.to, flag: '--from', from: options.from }));
  }
  if (problems.length > 0) throw new UsageError(problems);
  const dates = stepDates(options.from, options.to, options.step);
  if (dates.length > MAX_POINTS) {
    throw new UsageError([
      problem('--to', '', 'tooManySteps', { count: String(dates.length), from: options.from, max: String(MAX_POINTS) }),
    ]);
  }

  const inputs = await loadInputs(datasetPath, options, io);
  checkPartners(inputs, [options.partner]);
  versionFor(inputs, options.from, '--from'); // every later date then has a version too
  const timeline = timelineOf(
    new PreparedProgram(inputs.program, inputs.dataset, inputs.forced),
    options.partner,
    options.from,
    options.to,
    options.step,
  );
  if (options.format === 'json') io.stdout(asJson(inputs, timeline));
  else if (options.format === 'csv') io.stdout(renderTimelineCsv(timeline));
  else io.stdout(withNote(inputs, tr, renderTimelineTable(timeline, inputs.program, tr)));
}
