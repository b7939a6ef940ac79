/** `attain forecast <dataset.json> --partner ID`: when each attained level lapses, and a projection of the next. */
import { forecast } from '../../app/reports.js';
import { asJson, asOfDate, CLI_INPUTS, loadInputs, orExit, programVersionOf, withNote, type InputOptions } from '../inputs.js';
import type { Translator } from '../../i18n/index.js';
import type { CliIo } from '../io.js';
import { renderForecastTable } from '../../render/forecast-table.js';

export interface ForecastCommandOptions extends InputOptions {
  readonly partner: string;
  readonly asOf?: string | undefined;
  readonly format: string;
}

export async function runForecast(
  datasetPath: string | undefined,
  options: ForecastCommandOptions,
  io: CliIo,
  tr: Translator,
): Promise<void> {
  const rules = { asOf: asOfDate(options.asOf, io), programVersion: programVersionOf(options) };
  const inputs = await loadInputs(datasetPath, options, io, options.partner);
  const result = orExit(forecast(inputs, options.partner, rules, CLI_INPUTS));
  io.stdout(
    options.format === 'json'
      ? asJson(inputs, result)
      : withNote(inputs, tr, renderForecastTable(result, inputs.program, inputs.dataset, tr)),
  );
}
