/** The `--format table` view of an evaluation report: what a person reads in a terminal. */
import Table from 'cli-table3';
import type { Dataset, EvaluationReport, ProgramVersion, RequirementEvaluation } from '../../engine/index.js';
import { BORDERLESS, dollars, people } from './format.js';

function quantity(requirement: RequirementEvaluation, value: number): string {
  // Alternatives show the figures of one of them: dollars or people as that one counts.
  const kind = requirement.kind === 'any-of' ? requirement.alternatives.find((a) => a.id === requirement.closest)?.kind : requirement.kind;
  return kind === 'revenue' ? dollars(value) : people(value);
}

function row(levelCell: string, name: string, evaluation: RequirementEvaluation): string[] {
  return [
    levelCell,
    name,
    quantity(evaluation, evaluation.actual),
    quantity(evaluation, evaluation.required),
    quantity(evaluation, evaluation.shortfall),
    evaluation.met ? 'met' : 'not met',
  ];
}

export function renderEvaluationTable(report: EvaluationReport, program: ProgramVersion, dataset: Dataset): string {
  const partners = new Map(dataset.partners.map((p) => [p.id, p] as const));
  const marketName = new Map(program.markets.map((m) => [m.id, m.name.en] as const));
  const blocks = report.partners.map((evaluation) => {
    const partner = partners.get(evaluation.partnerId);
    const lines = [
      `${evaluation.partnerId} ${partner?.name ?? ''} (${partner?.country ?? '?'}, ${marketName.get(evaluation.market) ?? evaluation.market}), as of ${report.asOf}, rules in effect from ${report.programVersion}`,
    ];
    for (const competencyEvaluation of evaluation.competencies) {
      const competency = program.competencies.find((c) => c.id === competencyEvaluation.competency);
      lines.push(`${competency?.name.en ?? competencyEvaluation.competency}`);
      for (const optionEvaluation of competencyEvaluation.options) {
        const option = competency?.options.find((o) => o.id === optionEvaluation.option);
        const attained = option?.levels.find((l) => l.id === optionEvaluation.level);
        lines.push(`  ${option?.name.en ?? optionEvaluation.option}: ${attained ? attained.name.en : 'no level attained'}`);
        const table = new Table({
          head: ['Level', 'Requirement', 'Actual', 'Required', 'Shortfall', ''],
          colAligns: ['left', 'left', 'right', 'right', 'right', 'left'],
          chars: BORDERLESS,
          style: { head: [], border: [], 'padding-left': 0, 'padding-right': 2 },
        });
        for (const levelEvaluation of optionEvaluation.levels) {
          const level = option?.levels.find((l) => l.id === levelEvaluation.level);
          const levelCell = `${level?.name.en ?? levelEvaluation.level}${levelEvaluation.met ? ' (met)' : ''}`;
          levelEvaluation.requirements.forEach((evaluation, i) => {
            const requirement = level?.requirements.find((r) => r.id === evaluation.id);
            table.push(row(i === 0 ? levelCell : '', requirement?.name?.en ?? evaluation.id, evaluation));
            if (evaluation.kind !== 'any-of' || requirement?.kind !== 'any-of') return;
            // Alternatives: each on its own line, the one carrying the requirement marked.
            for (const alternative of evaluation.alternatives) {
              const definition = requirement.alternatives.find((a) => a.id === alternative.id);
              const carried = evaluation.carriedBy === alternative.id ? ' (carries it)' : '';
              table.push(row('', `  or: ${definition?.name?.en ?? alternative.id}${carried}`, alternative));
            }
          });
        }
        lines.push(table.toString().replace(/ +$/gm, '').replace(/^/gm, '    '));
      }
    }
    return lines.join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}
