/** `attain timeline <dataset.json> --partner ID --from D1 --to D2`: levels and measures at every step. */
import type { Step } from '../../engine/index.js';
import { timeline, timelineRange } from '../../app/reports.js';
import { asJson, CLI_INPUTS, loadInputs, orExit, programVersionOf, withNote, type InputOptions } from '../inputs.js';
import type { Translator } from '../../i18n/index.js';
import type { CliIo } from '../io.js';
import { renderTimelineCsv, renderTimelineTable } from '../../render/timeline-table.js';

export interface TimelineCommandOptions extends InputOptions {
  readonly partner: string;
  readonly from: string;
  readonly to: string;
  readonly step: Step;
  readonly format: string;
}

export async function runTimeline(
  datasetPath: string | undefined,
  options: TimelineCommandOptions,
  io: CliIo,
  tr: Translator,
): Promise<void> {
  const range = orExit(timelineRange(options.from, options.to, options.step, CLI_INPUTS));
  const inputs = await loadInputs(datasetPath, options, io, options.partner);
  const result = orExit(timeline(inputs, options.partner, range, programVersionOf(options), CLI_INPUTS));
  if (options.format === 'json') io.stdout(asJson(inputs, result));
  else if (options.format === 'csv') io.stdout(renderTimelineCsv(result));
  else io.stdout(withNote(inputs, tr, renderTimelineTable(result, inputs.program, tr)));
}
