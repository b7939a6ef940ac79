/** `attain evaluate <dataset.json>`: every partner's level and every requirement's shortfall. */
import { evaluation, evaluationOfColumns } from '../../app/reports.js';
import {
  writeJson,
  asOfDate,
  withStore,
  CLI_INPUTS,
  loadInputs,
  loadStoreColumns,
  orExit,
  programVersionOf,
  withNote,
  type InputOptions,
} from '../inputs.js';
import type { Translator } from '../../i18n/index.js';
import { openOutput, type CliIo } from '../io.js';
import { renderEvaluationTable, type PartnerNames } from '../../render/evaluation-table.js';
import { renderScoreTable } from '../../render/score-table.js';
import { collectionsJsonWriter } from '../../render/json-collections.js';
import { monthOfDate, scoreReportJson, type IsoDate, type ScoredVersionDefinition } from '../../engine/index.js';
import { scoreEach, scoreStoredPartners, type ScoredPartner } from '../../app/scores.js';
import { chooseScoredVersion, loadScoredVersions, loadScoringInput } from './score.js';
import { isScored, requirePartners, scoredFolder } from './scored-options.js';

export interface EvaluateCommandOptions extends InputOptions {
  readonly asOf?: string | undefined;
  readonly partner?: readonly string[] | undefined;
  readonly format: string;
  /** Score scoring records under the scored version in force instead (the bundled scored definition, or this folder). */
  readonly scored?: boolean | string | undefined;
}

export const FORMATS = ['table', 'json'] as const;

export async function runEvaluate(
  datasetPath: string | undefined,
  options: EvaluateCommandOptions,
  io: CliIo,
  tr: Translator,
): Promise<void> {
  if (isScored(options.scored)) {
    await evaluateScored(datasetPath, options, io, tr);
    return;
  }
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

/**
 * `attain evaluate [records.json] --scored`: every partner (or those of `--partner`) scored as of the
 * month of the as-of date, under the scored version in force on it (or `--program-version`); the
 * store's scoring records when no file is named.
 */
async function evaluateScored(datasetPath: string | undefined, options: EvaluateCommandOptions, io: CliIo, tr: Translator): Promise<void> {
  const named = options.partner && options.partner.length > 0 ? [...new Set(options.partner)] : undefined;
  let versions: readonly ScoredVersionDefinition[];
  let version: ScoredVersionDefinition;
  let asOf: IsoDate;
  let scored: ScoredPartner[];
  if (datasetPath === undefined && named === undefined) {
    versions = loadScoredVersions(scoredFolder(options.scored));
    asOf = asOfDate(options.asOf, io);
    version = chooseScoredVersion(versions, asOf, options.programVersion, '--as-of');
    scored = orExit(await withStore(options, io, (store) => scoreStoredPartners(store, versions, version, monthOfDate(asOf))));
  } else {
    // From the store (no file named), only the partners named: every stored partner is scored above.
    const input = await loadScoringInput(datasetPath, scoredFolder(options.scored), options, io, named ?? []);
    versions = input.versions;
    asOf = asOfDate(options.asOf, io);
    version = chooseScoredVersion(versions, asOf, options.programVersion, '--as-of');
    const ids = named ?? [...input.data.partners.keys()].sort();
    requirePartners(input.data, ids, input.source);
    scored = scoreEach(versions, input.data, ids, version, monthOfDate(asOf));
  }
  const output = openOutput(io, undefined);
  if (options.format === 'json') {
    // Written a partner at a time: a large store's report is longer than one string may be.
    const json = collectionsJsonWriter((text) => output.write(text));
    json.member('asOf', asOf);
    json.member('programVersion', version.effectiveFrom);
    json.array('partners');
    for (const { report, window } of scored) json.item('partners', { ...scoreReportJson(report), qualificationWindow: window ?? null });
    json.end();
  } else scored.forEach(({ report, window }, i) => output.write(`${i === 0 ? '' : '\n'}${renderScoreTable(report, version, window, tr)}`));
  output.close();
}
