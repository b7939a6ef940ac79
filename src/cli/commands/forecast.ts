/** `attain forecast <dataset.json> --partner ID`: when each attained level lapses, and a projection of the next. */
import { forecastPartner, PreparedProgram } from '../../engine/index.js';
import { asJson, asOfDate, checkPartners, loadInputs, versionFor, withNote, type InputOptions } from '../inputs.js';
import type { Translator } from '../../i18n/index.js';
import type { CliIo } from '../io.js';
import { renderForecastTable } from '../render/forecast-table.js';

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
  const asOf = asOfDate(options.asOf, io);
  const inputs = await loadInputs(datasetPath, options, io, options.partner);
  checkPartners(inputs, [options.partner]);
  versionFor(inputs, asOf); // a clear error before the first version
  const forecast = forecastPartner(new PreparedProgram(inputs.program, inputs.dataset, inputs.forced), options.partner, asOf);
  io.stdout(
    options.format === 'json'
      ? asJson(inputs, forecast)
      : withNote(inputs, tr, renderForecastTable(forecast, inputs.program, inputs.dataset, tr)),
  );
}
