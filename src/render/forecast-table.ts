/** The `--format table` view of a forecast. */
import { versionFrom, type Dataset, type PartnerForecast, type Program } from '../engine/index.js';
import type { Translator } from '../i18n/index.js';
import { names, quantity } from './format.js';

export function renderForecastTable(forecast: PartnerForecast, program: Program, dataset: Dataset, tr: Translator): string {
  const partner = dataset.partners.find((p) => p.id === forecast.partnerId);
  // Requirements are named as the version judging each date names them: a lapse or a projection may fall under later rules.
  const namesOf = (date: string) => names(versionFrom(program, date) ?? program.versions.at(-1)!, tr);
  const name = namesOf(forecast.programVersion);
  const lines = [
    tr.t('cli.forecast.header', {
      partnerId: forecast.partnerId,
      name: partner?.name ?? '',
      asOf: tr.date(forecast.asOf),
      version: tr.date(forecast.programVersion),
    }),
  ];
  for (const o of forecast.options) {
    const requirement = (id: string) => name.requirement(o.competency, o.option, id);
    lines.push(
      '',
      tr.t('cli.optionLevel', { option: name.option(o.competency, o.option), level: name.level(o.competency, o.option, o.level) }),
    );
    if (o.level !== null) {
      if (!o.lapse) lines.push(`  ${tr.t('cli.forecast.holds')}`);
      else {
        const then = namesOf(o.lapse.programVersion);
        const values = {
          date: tr.date(o.lapse.date),
          level: then.level(o.competency, o.option, o.lapse.levelAfter),
          version: tr.date(o.lapse.programVersion),
        };
        lines.push(
          `  ${tr.t(o.lapse.programVersion !== forecast.programVersion ? 'cli.forecast.lapsesNewRules' : 'cli.forecast.lapses', values)}`,
        );
        for (const f of o.lapse.failing) {
          lines.push(
            `    ${tr.t('cli.forecast.failing', {
              requirement: then.requirement(o.competency, o.option, f.requirement),
              actual: quantity(tr, f.kind, f.actual),
              required: quantity(tr, f.kind, f.required),
              shortfall: quantity(tr, f.kind, f.shortfall),
            })}`,
          );
        }
      }
    }
    const p = o.projection;
    if (p) {
      const rates = p.monthlyRevenue.map((m) =>
        tr.t('cli.forecast.rate', { amount: tr.usd(m.amount), requirement: tr.t('cli.quoted', { text: requirement(m.requirement) }) }),
      );
      lines.push(`  ${tr.t('cli.forecast.projection', { rates: rates.length > 0 ? tr.list(rates) : tr.t('cli.forecast.noRevenue') })}`);
      const level = name.level(o.competency, o.option, p.level);
      if (p.reachedOn) lines.push(`    ${tr.t('cli.forecast.reached', { level, date: tr.date(p.reachedOn) })}`);
      else {
        lines.push(`    ${tr.t('cli.forecast.notReached', { level })}`);
        const then = namesOf(p.programVersion);
        for (const f of p.blockedBy) {
          const blocked = then.requirement(o.competency, o.option, f.requirement);
          lines.push(`    ${tr.t('cli.forecast.blocked', { requirement: blocked, shortfall: quantity(tr, f.kind, f.shortfall) })}`);
        }
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
