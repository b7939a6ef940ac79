/** `attain timeline <dataset.json> --partner ID --from D1 --to D2`: levels and measures at every step. */
import { PreparedProgram, timelineOf, type Step } from '../../engine/index.js';
import { timelineSteps } from '../../app/rules.js';
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

export async function runTimeline(
  datasetPath: string | undefined,
  options: TimelineCommandOptions,
  io: CliIo,
  tr: Translator,
): Promise<void> {
  const steps = timelineSteps(options.from, options.to, options.step, { from: '--from', to: '--to' });
  if (!steps.ok) throw new UsageError(steps.problems);

  const inputs = await loadInputs(datasetPath, options, io, options.partner);
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
