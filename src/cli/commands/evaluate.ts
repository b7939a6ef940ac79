/** `attain evaluate <dataset.json>`: every partner's level and every requirement's shortfall. */
import { evaluation, evaluationOfColumns } from '../../app/reports.js';
import {
  writeJson,
  asOfDate,
  CLI_INPUTS,
  loadInputs,
  loadStoreColumns,
  orExit,
  programVersionOf,
  withNote,
  type InputOptions,
} from '../inputs.js';
import type { Translator } from '../../i18n/index.js';
import type { CliIo } from '../io.js';
import { renderEvaluationTable, type PartnerNames } from '../../render/evaluation-table.js';

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
  const rules = { asOf: asOfDate(options.asOf, io), programVersion: programVersionOf(options) };
  const partnerIds = options.partner && options.partner.length > 0 ? [...new Set(options.partner)] : undefined;
  // One partner from the store: its neighbourhood only. Else the whole store, as is: read as columns,
  // never an object per revenue line, person or pass.
  const one = partnerIds?.length === 1 ? partnerIds[0] : undefined;
  const fromColumns = datasetPath === undefined && options.assume === undefined && one === undefined;
  const inputs = fromColumns ? await loadStoreColumns(options, io) : await loadInputs(datasetPath, options, io, one);

  let names: PartnerNames;
  let judged;
  if ('columns' in inputs) {
    const evaluated = orExit(evaluationOfColumns(inputs, partnerIds, rules, CLI_INPUTS));
    const { names: partnerNames, countries } = inputs.columns.partners;
    names = (id) => {
      const p = evaluated.prepared.partnerIndex.get(id);
      return p === undefined ? undefined : { name: partnerNames[p]!, country: countries[p]! };
    };
    judged = evaluated;
  } else {
    judged = orExit(evaluation(inputs, partnerIds, rules, CLI_INPUTS));
    const partners = new Map(inputs.dataset.partners.map((p) => [p.id, p] as const));
    names = (id) => partners.get(id);
  }
  if (options.format === 'json') writeJson(io, inputs, judged.result, 'partners');
  else io.stdout(withNote(inputs, tr, renderEvaluationTable(judged.result, judged.version, names, tr)));
}
