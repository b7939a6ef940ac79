/**
 * `attain forecast <dataset.json> --partner ID`: when each attained level lapses, and a projection of the next.
 * With `--scored`: per month ahead a partner's points, band and status under the scored rules, and when they fall.
 */
import { forecast } from '../../app/reports.js';
import { asJson, asOfDate, CLI_INPUTS, loadInputs, orExit, programVersionOf, withNote, type InputOptions } from '../inputs.js';
import type { Translator } from '../../i18n/index.js';
import type { CliIo } from '../io.js';
import { renderForecastTable } from '../../render/forecast-table.js';
import { lastDayOf, noScoredVersionProblem, scoredForecast, scoredForecastJson, scoredVersionOn } from '../../engine/index.js';
import { renderScoredForecastTable } from '../../render/scored-forecast-table.js';
import { UsageError } from '../usage-error.js';
import { enrolmentOf, type EnrolmentOptions } from './enrolment.js';
import { isScored, loadScoredInput, refuseWith, refuseWithout, requirePartners, scoredMonth } from './scored-options.js';

export interface ForecastCommandOptions extends InputOptions, EnrolmentOptions {
  readonly partner: string;
  readonly asOf?: string | undefined;
  readonly format: string;
  /** Forecast scoring records under the scored rules (the bundled scored definition, or this folder). */
  readonly scored?: boolean | string | undefined;
  /** With `--scored`: the evaluation month M the forecast starts from. */
  readonly month?: string | undefined;
  /** With `--scored`: how many months ahead. */
  readonly months?: number | undefined;
}

export async function runForecast(
  datasetPath: string | undefined,
  options: ForecastCommandOptions,
  io: CliIo,
  tr: Translator,
): Promise<void> {
  if (isScored(options.scored)) {
    await forecastScored(datasetPath, options, io, tr);
    return;
  }
  // The flags that only a scored forecast reads.
  refuseWithout(
    [
      [options.month, '--month'],
      [options.months, '--months'],
      [options.enrolled, '--enrolled'],
      [options.anniversary, '--anniversary'],
      [options.legacy, '--legacy'],
    ],
    '--scored',
  );
  const rules = { asOf: asOfDate(options.asOf, io), programVersion: programVersionOf(options) };
  const inputs = await loadInputs(datasetPath, options, io, options.partner);
  const result = orExit(forecast(inputs, options.partner, rules, CLI_INPUTS));
  io.stdout(
    options.format === 'json'
      ? asJson(inputs, result)
      : withNote(inputs, tr, renderForecastTable(result, inputs.program, inputs.dataset, tr)),
  );
}

/** `attain forecast records.json --scored --partner ID --month M`: the scored outlook with statuses, month by month. */
async function forecastScored(given: string | undefined, options: ForecastCommandOptions, io: CliIo, tr: Translator): Promise<void> {
  // The threshold forecast's inputs mean nothing to the scored one.
  refuseWith(
    [
      [options.asOf, '--as-of'],
      [options.programVersion, '--program-version'],
      [options.program, '--program'],
      [options.assume, '--assume'],
    ],
    '--scored',
  );
  const month = scoredMonth(options.month);
  const { versions, data, source } = await loadScoredInput(given, options.scored, options, io, options.partner);
  requirePartners(data, [options.partner], source);
  const horizon = options.months ?? 12;
  // M must be judged by some version (another month is the way out); the months after it may fall in a gap (reported as such).
  if (!scoredVersionOn(versions, lastDayOf(month))) {
    throw new UsageError([noScoredVersionProblem(versions, lastDayOf(month), '--month', '--month')]);
  }
  const enrolment = enrolmentOf(options, versions, lastDayOf(month + horizon), data.enrolments.get(options.partner));
  const result = scoredForecast(versions, data, options.partner, month, horizon, enrolment);
  io.stdout(
    options.format === 'json'
      ? `${JSON.stringify(scoredForecastJson(result), null, 2)}\n`
      : renderScoredForecastTable(result, versions, tr),
  );
}
