/** The `--format table` view of a forecast. */
import type { Dataset, FailingRequirement, PartnerForecast, ProgramVersion } from '../../engine/index.js';
import { dollars, levelName, optionName, people, requirementName } from './format.js';

export function renderForecastTable(forecast: PartnerForecast, version: ProgramVersion, dataset: Dataset): string {
  const partner = dataset.partners.find((p) => p.id === forecast.partnerId);
  const lines = [
    `Forecast for ${forecast.partnerId} ${partner?.name ?? ''}, as of ${forecast.asOf}, rules in effect from ${forecast.programVersion}`,
  ];
  for (const o of forecast.options) {
    const name = optionName(version, o.competency, o.option);
    const quantity = (f: FailingRequirement, value: number) => (f.kind === 'revenue' ? dollars(value) : people(value));
    lines.push('', `${name}: ${levelName(version, o.competency, o.option, o.level)}`);
    if (o.level !== null) {
      if (!o.lapse) lines.push('  If no new revenue arrives, it holds.');
      else {
        const after = levelName(version, o.competency, o.option, o.lapse.levelAfter);
        lines.push(
          `  If no new revenue arrives, it lapses on ${o.lapse.date} (then ${after}${o.lapse.programVersion !== forecast.programVersion ? `, rules of ${o.lapse.programVersion}` : ''}):`,
        );
        for (const f of o.lapse.failing) {
          lines.push(
            `    ${requirementName(version, o.competency, o.option, f.requirement)}: ${quantity(f, f.actual)} of ${quantity(f, f.required)}, short ${quantity(f, f.shortfall)}`,
          );
        }
      }
    }
    const p = o.projection;
    if (p) {
      const rate = p.monthlyRevenue
        .map((m) => `${dollars(m.amount)} a month for ${requirementName(version, o.competency, o.option, m.requirement)}`)
        .join('; ');
      lines.push(`  Projection, if revenue kept arriving at the TTM average rate (${rate || 'no revenue'}):`);
      if (p.reachedOn) lines.push(`    ${levelName(version, o.competency, o.option, p.level)} would be reached on ${p.reachedOn}.`);
      else {
        lines.push(`    ${levelName(version, o.competency, o.option, p.level)} would not be reached within 12 months; still missing:`);
        for (const f of p.blockedBy)
          lines.push(`    ${requirementName(version, o.competency, o.option, f.requirement)}: short ${quantity(f, f.shortfall)}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
