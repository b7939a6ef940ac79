/** The `--format table` view of a forecast. */
import { versionFrom, type Dataset, type IsoDate, type PartnerForecast, type Program } from '../engine/index.js';
import type { Translator } from '../i18n/index.js';
import { names, partnerHeader, quantity } from './format.js';

export function renderForecastTable(forecast: PartnerForecast, program: Program, dataset: Dataset, tr: Translator): string {
  // Requirements are named as the version judging each date names them: a lapse or a projection may fall under later rules.
  const namesOf = (date: IsoDate) => names(versionFrom(program, date) ?? program.versions.at(-1)!, tr);
  const name = namesOf(forecast.programVersion);
  const lines = [partnerHeader('cli.forecast.header', forecast, dataset, tr)];
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
          const failing = then.requirement(o.competency, o.option, f.requirement);
          lines.push(
            f.required === null || f.shortfall === null
              ? `    ${tr.t('cli.forecast.noThreshold', { requirement: failing })}`
              : `    ${tr.t('cli.forecast.failing', {
                  requirement: failing,
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
          lines.push(
            f.shortfall === null
              ? `    ${tr.t('cli.forecast.noThreshold', { requirement: blocked })}`
              : `    ${tr.t('cli.forecast.blocked', { requirement: blocked, shortfall: quantity(tr, f.kind, f.shortfall) })}`,
          );
        }
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
