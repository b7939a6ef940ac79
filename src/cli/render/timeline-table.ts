/** The table and CSV views of a timeline: one row per date, option and requirement. */
import Table from 'cli-table3';
import { stringify } from 'csv-stringify/sync';
import type { PartnerTimeline } from '../../engine/index.js';
import { BORDERLESS } from './format.js';

function rows(timeline: PartnerTimeline): { levels: string[]; rows: (string | number)[][] } {
  const levels = [
    ...new Set(timeline.points.flatMap((p) => p.options.flatMap((o) => o.requirements.flatMap((r) => Object.keys(r.required))))),
  ];
  const out = timeline.points.flatMap((point) =>
    point.options.flatMap((o) =>
      o.requirements.map((r) => [
        point.date,
        point.programVersion,
        o.option,
        o.level ?? '',
        r.id,
        r.kind,
        r.actual,
        ...levels.map((l) => r.required[l] ?? ''),
      ]),
    ),
  );
  return { levels, rows: out };
}

export function renderTimelineCsv(timeline: PartnerTimeline): string {
  const { levels, rows: body } = rows(timeline);
  return stringify([
    ['date', 'programVersion', 'option', 'level', 'requirement', 'kind', 'actual', ...levels.map((l) => `required_${l}`)],
    ...body,
  ]);
}

export function renderTimelineTable(timeline: PartnerTimeline): string {
  const { levels, rows: body } = rows(timeline);
  const table = new Table({
    head: ['Date', 'Rules of', 'Option', 'Level', 'Requirement', 'Kind', 'Actual', ...levels.map((l) => `Required (${l})`)],
    chars: BORDERLESS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 2 },
  });
  for (const row of body) table.push(row.map((cell, i) => (i === 3 && cell === '' ? 'none' : String(cell))));
  return `Timeline of ${timeline.partnerId} from ${timeline.from} to ${timeline.to}, every ${timeline.step}\n${table.toString().replace(/ +$/gm, '')}\n`;
}
