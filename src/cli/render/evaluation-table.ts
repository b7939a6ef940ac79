/** The `--format table` view of an evaluation report: what a person reads in a terminal. */
import Table from 'cli-table3';
import type { Dataset, EvaluationReport, Program, RequirementEvaluation } from '../../engine/index.js';

const BORDERLESS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '',
};

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2 });

function quantity(requirement: RequirementEvaluation, value: number): string {
  return requirement.kind === 'revenue' ? usd.format(value) : `${value} ${value === 1 ? 'person' : 'people'}`;
}

export function renderEvaluationTable(report: EvaluationReport, program: Program, dataset: Dataset): string {
  const partners = new Map(dataset.partners.map((p) => [p.id, p] as const));
  const marketName = new Map(program.markets.map((m) => [m.id, m.name.en] as const));
  const blocks = report.partners.map((evaluation) => {
    const partner = partners.get(evaluation.partnerId);
    const lines = [
      `${evaluation.partnerId} ${partner?.name ?? ''} (${partner?.country ?? '?'}, ${marketName.get(evaluation.market) ?? evaluation.market}), as of ${report.asOf}`,
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
          levelEvaluation.requirements.forEach((requirementEvaluation, i) => {
            const requirement = level?.requirements.find((r) => r.id === requirementEvaluation.id);
            table.push([
              i === 0 ? `${level?.name.en ?? levelEvaluation.level}${levelEvaluation.met ? ' (met)' : ''}` : '',
              requirement?.name?.en ?? requirementEvaluation.id,
              quantity(requirementEvaluation, requirementEvaluation.actual),
              quantity(requirementEvaluation, requirementEvaluation.required),
              quantity(requirementEvaluation, requirementEvaluation.shortfall),
              requirementEvaluation.met ? 'met' : 'not met',
            ]);
          });
        }
        lines.push(table.toString().replace(/ +$/gm, '').replace(/^/gm, '    '));
      }
    }
    return lines.join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}
