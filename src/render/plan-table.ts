/** The `--format table` view of a plan. */
import Table from 'cli-table3';
import type { Dataset, PartnerPlan, ProgramVersion } from '../engine/index.js';
import type { Translator } from '../i18n/index.js';
import { BORDERLESS, indent, names, partnerHeader, TABLE_STYLE } from './format.js';

export function renderPlanTable(plan: PartnerPlan, version: ProgramVersion, dataset: Dataset, tr: Translator): string {
  const name = names(version, tr);
  const lines = [partnerHeader('cli.plan.header', plan, dataset, tr)];
  if (plan.targets.length === 0) lines.push('', tr.t('cli.plan.nothing'));
  for (const t of plan.targets) {
    const requirement = (id: string) => name.requirement(t.competency, t.option, id);
    // Requirement names hold commas and "and": quoted when listed together.
    const quotedRequirement = (id: string) => tr.t('cli.quoted', { text: requirement(id) });
    lines.push(
      '',
      tr.t('cli.plan.target', {
        option: name.option(t.competency, t.option),
        level: name.level(t.competency, t.option, t.level),
        met: t.met,
      }),
    );

    // A threshold never published for the market: no sale closes it, so it is said before any plan.
    for (const g of t.revenue) {
      if (g.shortfall === null) lines.push(`  ${tr.t('cli.forecast.noThreshold', { requirement: requirement(g.requirement) })}`);
    }
    const gaps = t.revenue.filter((g): g is typeof g & { shortfall: number } => g.shortfall !== null && g.shortfall > 0);
    if (gaps.length === 0) {
      if (t.revenue.every((g) => g.shortfall !== null)) lines.push(`  ${tr.t('cli.plan.revenueMet')}`);
    } else {
      lines.push(`  ${tr.t('cli.plan.revenueToClose', { amount: tr.usd(t.revenueToClose), gaps: gaps.length })}`);
      for (const g of gaps)
        lines.push(`    ${tr.t('cli.plan.short', { amount: tr.usd(g.shortfall), requirement: requirement(g.requirement) })}`);
      for (const s of t.sales) {
        const products = tr.list(
          s.products.map((id) => {
            const p = version.products.get(id);
            return p ? tr.text(p.name) : id;
          }),
        );
        lines.push(
          `    ${tr.t('cli.plan.sale', { amount: tr.usd(s.amount), netNew: s.netNew, products, requirements: tr.list(s.closes.map(quotedRequirement)) })}`,
        );
      }
    }

    if (!t.exams.feasible) {
      const blocked = t.exams.requirements.filter((r) => !r.feasible).map((r) => quotedRequirement(r.requirement));
      lines.push(`  ${tr.t('cli.plan.examsBlocked', { requirements: tr.list(blocked) })}`);
    } else if (t.exams.additionalPasses === 0) {
      lines.push(`  ${tr.t('cli.plan.examsMet')}`);
    } else {
      const key = t.exams.newPeople > 0 ? 'cli.plan.examsEnroll' : 'cli.plan.exams';
      lines.push(`  ${tr.t(key, { passes: t.exams.additionalPasses, newPeople: t.exams.newPeople })}`);
      for (const r of t.exams.requirements.filter((x) => x.additionalPasses > 0)) {
        const values = {
          requirement: requirement(r.requirement),
          qualified: tr.t('cli.people', { count: r.qualified }),
          required: r.required,
        };
        const path = r.alternative
          ? tr.t('cli.quoted', { text: name.alternative(t.competency, t.option, r.requirement, r.alternative) })
          : undefined;
        lines.push(`    ${path ? tr.t('cli.plan.examsRequirementPath', { ...values, path }) : tr.t('cli.plan.examsRequirement', values)}`);
      }
      const table = new Table({
        head: [tr.t('cli.plan.column.person'), tr.t('cli.plan.column.takes')],
        chars: BORDERLESS,
        style: TABLE_STYLE,
      });
      for (const a of t.exams.assignments) {
        const person = dataset.people.find((p) => p.id === a.personId && p.partnerId === plan.partnerId);
        table.push([person ? `${a.personId} ${person.name}` : tr.t('cli.plan.toEnroll', { personId: a.personId }), tr.list(a.exams)]);
      }
      lines.push(indent(table.toString(), '    '));
    }

    if (t.unattributedRevenue.length > 0) {
      lines.push(`  ${tr.t('cli.plan.unattributed')}`);
      for (const u of t.unattributedRevenue)
        lines.push(`    ${tr.t('cli.plan.unattributedLine', { customer: u.customerId, amount: tr.usd(u.amount) })}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
