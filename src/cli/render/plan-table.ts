/** The `--format table` view of a plan. */
import Table from 'cli-table3';
import type { Dataset, PartnerPlan, ProgramVersion } from '../../engine/index.js';
import { BORDERLESS, dollars, levelName, optionName, people, requirementName } from './format.js';

export function renderPlanTable(plan: PartnerPlan, version: ProgramVersion, dataset: Dataset): string {
  const partner = dataset.partners.find((p) => p.id === plan.partnerId);
  const lines = [`Plan for ${plan.partnerId} ${partner?.name ?? ''}, as of ${plan.asOf}, rules in effect from ${plan.programVersion}`];
  if (plan.targets.length === 0) lines.push('', 'Every option is at its highest level: nothing to plan.');
  for (const t of plan.targets) {
    lines.push(
      '',
      `${optionName(version, t.competency, t.option)} → ${levelName(version, t.competency, t.option, t.level)}: ${t.met ? 'already met' : 'not met'}`,
    );

    const gaps = t.revenue.filter((g) => g.shortfall > 0);
    if (gaps.length === 0) lines.push('  Revenue: every threshold is met');
    else {
      lines.push(`  Revenue: ${dollars(t.revenueToClose)} of new revenue closes ${gaps.length === 1 ? 'the gap' : 'every gap'}`);
      for (const g of gaps)
        lines.push(`    short ${dollars(g.shortfall)}: ${requirementName(version, t.competency, t.option, g.requirement)}`);
      for (const s of t.sales) {
        lines.push(
          `    book ${dollars(s.amount)} of ${s.netNew ? 'net new ' : ''}revenue from ${s.products.join(', ')} (counts for ${s.closes.join(', ')})`,
        );
      }
    }

    if (!t.exams.feasible) {
      const blocked = t.exams.requirements.filter((r) => !r.feasible).map((r) => r.requirement);
      lines.push(`  Exams: ${blocked.join(', ')} cannot be reached: the exams it needs have retired`);
    } else if (t.exams.additionalPasses === 0) {
      lines.push('  Exams: enough people qualify');
    } else {
      const enrolled =
        t.exams.newPeople > 0 ? `, ${t.exams.newPeople} of them by new ${t.exams.newPeople === 1 ? 'person' : 'people'}` : '';
      lines.push(`  Exams: ${t.exams.additionalPasses} more passes${enrolled}`);
      for (const r of t.exams.requirements.filter((x) => x.additionalPasses > 0)) {
        const path = r.alternative ? ` (by ${r.alternative})` : '';
        lines.push(
          `    ${requirementName(version, t.competency, t.option, r.requirement)}${path}: ${people(r.qualified)} of ${r.required} qualify`,
        );
      }
      const table = new Table({
        head: ['Person', 'Takes'],
        chars: BORDERLESS,
        style: { head: [], border: [], 'padding-left': 0, 'padding-right': 2 },
      });
      for (const a of t.exams.assignments) {
        const name = dataset.people.find((p) => p.id === a.personId)?.name;
        table.push([name ? `${a.personId} ${name}` : `${a.personId} (to enroll)`, a.exams.join(', ')]);
      }
      lines.push(table.toString().replace(/ +$/gm, '').replace(/^/gm, '    '));
    }

    if (t.unattributedRevenue.length > 0) {
      lines.push('  Revenue of your customers that counts for nobody (no DPOR on the line date):');
      for (const u of t.unattributedRevenue) lines.push(`    ${u.customerId}: ${dollars(u.amount)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
