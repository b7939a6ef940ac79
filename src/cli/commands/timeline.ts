/** `attain timeline <dataset.json> --partner ID --from D1 --to D2`: levels and measures at every step. */
import { isIsoDate, PreparedProgram, stepDates, timelineOf, type Step } from '../../engine/index.js';
import { assumptionsNote, checkPartners, loadInputs, versionFor, type InputOptions } from '../inputs.js';
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

export function runTimeline(datasetPath: string, options: TimelineCommandOptions, io: CliIo): void {
  const problems = (['from', 'to'] as const)
    .filter((flag) => !isIsoDate(options[flag]))
    .map((flag) => ({ record: `--${flag}`, field: '', message: `"${options[flag]}" is not a calendar date (YYYY-MM-DD)` }));
  if (problems.length === 0 && options.to < options.from) {
    problems.push({ record: '--to', field: '', message: `${options.to} is before --from ${options.from}` });
  }
  if (problems.length > 0) throw new UsageError(problems);
  const dates = stepDates(options.from, options.to, options.step);
  if (dates.length > MAX_POINTS) {
    throw new UsageError([{ record: '--to', field: '', message: `${dates.length} steps from ${options.from}; at most ${MAX_POINTS}` }]);
  }

  const inputs = loadInputs(datasetPath, options);
  checkPartners(inputs, [options.partner]);
  versionFor(inputs, options.from, '--from'); // every later date then has a version too
  const timeline = timelineOf(
    new PreparedProgram(inputs.program, inputs.dataset, inputs.forced),
    options.partner,
    options.from,
    options.to,
    options.step,
  );
  if (options.format === 'json')
    io.stdout(`${JSON.stringify(inputs.assumptions ? { ...timeline, assumptions: inputs.assumptions } : timeline, null, 2)}\n`);
  else if (options.format === 'csv') io.stdout(renderTimelineCsv(timeline));
  else {
    const note = assumptionsNote(inputs.assumptions);
    io.stdout(`${note ? `${note}\n\n` : ''}${renderTimelineTable(timeline)}`);
  }
}
