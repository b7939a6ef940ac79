/** `attain evaluate <dataset.json>`: every partner's level and every requirement's shortfall. */
import { evaluate, prepare, prepareColumns, type EvaluationReport } from '../../engine/index.js';
import {
  writeJson,
  asOfDate,
  checkPartners,
  loadInputs,
  loadStoreColumns,
  versionFor,
  withNote,
  type ColumnInputs,
  type InputOptions,
  type Inputs,
} from '../inputs.js';
import type { Translator } from '../../i18n/index.js';
import type { CliIo } from '../io.js';
import { renderEvaluationTable, type PartnerNames } from '../render/evaluation-table.js';

export interface EvaluateCommandOptions extends InputOptions {
  readonly asOf?: string | undefined;
  readonly partner?: readonly string[] | undefined;
  readonly format: string;
}

export const FORMATS = ['table', 'json'] as const;

export async function runEvaluate(
  datasetPath: string | undefined,
  options: EvaluateCommandOptions,
  io: CliIo,
  tr: Translator,
): Promise<void> {
  const asOf = asOfDate(options.asOf, io);
  const partnerIds = options.partner && options.partner.length > 0 ? [...new Set(options.partner)] : undefined;
  // One partner from the store: its neighbourhood only. Else the whole store, as is: read as columns,
  // never an object per revenue line, person or pass.
  const one = partnerIds?.length === 1 ? partnerIds[0] : undefined;
  const fromColumns = datasetPath === undefined && options.assume === undefined && one === undefined;
  const inputs: Inputs | ColumnInputs = fromColumns ? await loadStoreColumns(options, io) : await loadInputs(datasetPath, options, io, one);
  const version = versionFor(inputs, asOf);
  checkPartners(inputs, partnerIds ?? []);

  let report: EvaluationReport;
  let names: PartnerNames;
  if ('columns' in inputs) {
    const prepared = prepareColumns(version, inputs.columns);
    report = evaluate(prepared, { asOf, partnerIds });
    const { names: partnerNames, countries } = inputs.columns.partners;
    names = (id) => {
      const p = prepared.partnerIndex.get(id);
      return p === undefined ? undefined : { name: partnerNames[p]!, country: countries[p]! };
    };
  } else {
    report = evaluate(prepare(version, inputs.dataset), { asOf, partnerIds });
    const partners = new Map(inputs.dataset.partners.map((p) => [p.id, p] as const));
    names = (id) => partners.get(id);
  }
  if (options.format === 'json') writeJson(io, inputs, report, 'partners');
  else io.stdout(withNote(inputs, tr, renderEvaluationTable(report, version, names, tr)));
}
