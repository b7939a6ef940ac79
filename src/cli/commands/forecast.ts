/** `attain forecast <dataset.json> --partner ID`: when each attained level lapses, and a projection of the next. */
import { forecastPartner, PreparedProgram } from '../../engine/index.js';
import { asOfDate, assumptionsNote, checkPartners, loadInputs, versionFor, type InputOptions } from '../inputs.js';
import type { CliIo } from '../io.js';
import { renderForecastTable } from '../render/forecast-table.js';

export interface ForecastCommandOptions extends InputOptions {
  readonly partner: string;
  readonly asOf?: string | undefined;
  readonly format: string;
}

export function runForecast(datasetPath: string, options: ForecastCommandOptions, io: CliIo): void {
  const asOf = asOfDate(options.asOf, io);
  const inputs = loadInputs(datasetPath, options);
  checkPartners(inputs, [options.partner]);
  const version = versionFor(inputs, asOf);
  const forecast = forecastPartner(new PreparedProgram(inputs.program, inputs.dataset, inputs.forced), options.partner, asOf);
  if (options.format === 'json') {
    io.stdout(`${JSON.stringify(inputs.assumptions ? { ...forecast, assumptions: inputs.assumptions } : forecast, null, 2)}\n`);
  } else {
    const note = assumptionsNote(inputs.assumptions);
    io.stdout(`${note ? `${note}\n\n` : ''}${renderForecastTable(forecast, version, inputs.dataset)}`);
  }
}
