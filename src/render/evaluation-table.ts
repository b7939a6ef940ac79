/** The `--format table` view of an evaluation report: what a person reads in a terminal. */
import Table from 'cli-table3';
import type { EvaluationReport, ProgramVersion, RequirementEvaluation } from '../engine/index.js';
import type { Translator } from '../i18n/index.js';
import { BORDERLESS, indent, lastPublishedLine, names, quantity, TABLE_STYLE } from './format.js';

function kindOf(requirement: RequirementEvaluation): string {
  // Alternatives show the figures of one of them: dollars or people as that one counts.
  return requirement.kind === 'any-of'
    ? (requirement.alternatives.find((a) => a.id === requirement.closest)?.kind ?? '')
    : requirement.kind;
}

function row(tr: Translator, levelCell: string, name: string, evaluation: RequirementEvaluation): string[] {
  const kind = kindOf(evaluation);
  // No threshold published for the market: not a shortfall, and said so instead of a number.
  if (evaluation.required === null || evaluation.shortfall === null) {
    return [levelCell, name, quantity(tr, kind, evaluation.actual), '—', '—', tr.t('cli.noThresholdPublished')];
  }
  return [
    levelCell,
    name,
    quantity(tr, kind, evaluation.actual),
    quantity(tr, kind, evaluation.required),
    quantity(tr, kind, evaluation.shortfall),
    evaluation.met ? tr.t('cli.met') : tr.t('cli.notMet'),
  ];
}

/** A partner's name and country by id: from a dataset's records or from the store's columns. */
export type PartnerNames = (partnerId: string) => { readonly name: string; readonly country: string } | undefined;

export function renderEvaluationTable(report: EvaluationReport, version: ProgramVersion, partners: PartnerNames, tr: Translator): string {
  const name = names(version, tr);
  const blocks = report.partners.map((evaluation) => {
    const partner = partners(evaluation.partnerId);
    const lines = [
      tr.t('cli.partnerHeader', {
        partnerId: evaluation.partnerId,
        name: partner?.name ?? '',
        country: partner?.country ?? '?',
        market: name.market(evaluation.market),
        asOf: tr.date(report.asOf),
        version: tr.date(report.programVersion),
      }),
      ...lastPublishedLine(report, tr),
    ];
    for (const competencyEvaluation of evaluation.competencies) {
      const competencyId = competencyEvaluation.competency;
      lines.push(name.competency(competencyId));
      for (const optionEvaluation of competencyEvaluation.options) {
        const optionId = optionEvaluation.option;
        const option = version.competencies.find((c) => c.id === competencyId)?.options.find((o) => o.id === optionId);
        lines.push(
          `  ${tr.t('cli.optionLevel', { option: name.option(competencyId, optionId), level: name.level(competencyId, optionId, optionEvaluation.level) })}`,
        );
        const table = new Table({
          head: [
            tr.t('cli.column.level'),
            tr.t('cli.column.requirement'),
            tr.t('cli.column.actual'),
            tr.t('cli.column.required'),
            tr.t('cli.column.shortfall'),
            '',
          ],
          colAligns: ['left', 'left', 'right', 'right', 'right', 'left'],
          chars: BORDERLESS,
          style: TABLE_STYLE,
        });
        for (const levelEvaluation of optionEvaluation.levels) {
          const level = option?.levels.find((l) => l.id === levelEvaluation.level);
          const levelName = name.level(competencyId, optionId, levelEvaluation.level);
          const levelCell = levelEvaluation.met ? tr.t('cli.levelMet', { level: levelName }) : levelName;
          levelEvaluation.requirements.forEach((evaluation, i) => {
            const requirement = level?.requirements.find((r) => r.id === evaluation.id);
            table.push(row(tr, i === 0 ? levelCell : '', requirement?.name ? tr.text(requirement.name) : evaluation.id, evaluation));
            if (evaluation.kind !== 'any-of' || requirement?.kind !== 'any-of') return;
            // Alternatives: each on its own line, the one carrying the requirement marked.
            for (const alternative of evaluation.alternatives) {
              const definition = requirement.alternatives.find((a) => a.id === alternative.id);
              const alternativeName = definition?.name ? tr.text(definition.name) : alternative.id;
              const label = evaluation.carriedBy === alternative.id ? tr.t('cli.carries', { name: alternativeName }) : alternativeName;
              table.push(row(tr, '', `  ${tr.t('cli.alternative', { name: label })}`, alternative));
            }
          });
        }
        lines.push(indent(table.toString(), '    '));
      }
    }
    return lines.join('\n');
  });
  return blocks.length > 0 ? `${blocks.join('\n\n')}\n` : `${tr.t('cli.noPartners')}\n`;
}
