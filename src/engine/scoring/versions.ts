/**
 * Scored versions through time: checked one by one, ordered by effective
 * date; the version judging a date is the latest in effect on it. A program's
 * eras (threshold competencies, then scores) are told apart by which list
 * holds the version in force: `eraOn` compares the two lists' dates.
 */
import type { IsoDate } from '../calendar.js';
import { problem, problemsFromZod, type Problem } from '../problems.js';
import { scoredVersionDefinition, type ScoredVersionDefinition } from './schema.js';

export type ScoredVersionsResult =
  | { readonly ok: true; readonly versions: readonly ScoredVersionDefinition[] }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/** Checks each labelled document; references inside a version (a metric `of`, a certification, a segment) too. */
export function assembleScoredVersions(documents: readonly { readonly label: string; readonly document: unknown }[]): ScoredVersionsResult {
  const problems: Problem[] = [];
  const versions: ScoredVersionDefinition[] = [];
  for (const { label, document } of documents) {
    const parsed = scoredVersionDefinition.safeParse(document, { reportInput: true });
    if (!parsed.success) {
      problems.push(...problemsFromZod(parsed.error.issues, label));
      continue;
    }
    const v = parsed.data;
    const certifications = new Set(v.certifications.map((c) => c.id));
    const workloads = new Set(v.workloads.flatMap((w) => [w.id, ...w.products]));
    const types = new Set(v.associationTypes);
    const names = (field: string, kind: string, ids: readonly string[], known: ReadonlySet<string>): void => {
      for (const id of ids) if (!known.has(id)) problems.push(problem(label, field, 'namesUnknown', { field, kind, id }));
    };
    v.paths.forEach((path, p) =>
      path.metrics.forEach((metric, m) => {
        const at = `paths[${p}].metrics[${m}]`;
        if ('associations' in metric)
          names(
            `${at}.associations`,
            'associationType',
            [...metric.associations.eligible, ...metric.associations.displaces.flatMap((d) => [...d.by, ...d.over])],
            types,
          );
        if (metric.kind === 'certified-count') names(`${at}.certifications`, 'certification', metric.certifications, certifications);
        if (metric.kind === 'revenue-sum' || metric.kind === 'net-customer-adds')
          names(`${at}.products`, 'product', metric.products, workloads);
        if ('workloads' in metric) names(`${at}.workloads`, 'product', metric.workloads, workloads);
        if (metric.kind === 'headcount-growth' && !path.metrics.some((o) => o.id === metric.of && o.kind === 'certified-count')) {
          problems.push(problem(label, `${at}.of`, 'namesUnknown', { field: `${at}.of`, kind: 'metric', id: metric.of }));
        }
      }),
    );
    versions.push(v);
  }
  const sorted = [...versions].sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : a.effectiveFrom > b.effectiveFrom ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.effectiveFrom === sorted[i - 1]!.effectiveFrom)
      problems.push(
        problem(`version ${sorted[i]!.effectiveFrom}`, 'effectiveFrom', 'sameEffectiveDate', { date: sorted[i]!.effectiveFrom }),
      );
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, versions: sorted };
}

/** The scored version in force on a date: the latest taking effect on or before it, unless it ended before the date (`endsOn`). */
export function scoredVersionOn(versions: readonly ScoredVersionDefinition[], date: IsoDate): ScoredVersionDefinition | undefined {
  let found: ScoredVersionDefinition | undefined;
  for (const v of versions) if (v.effectiveFrom <= date) found = v;
  return found?.endsOn !== undefined && date > found.endsOn ? undefined : found;
}

/**
 * Which era judges a date when a program has threshold versions (their
 * effective dates) and scored versions: the kind of the latest version in
 * force on it; `none` before both.
 */
export function eraOn(
  thresholdDates: readonly IsoDate[],
  scored: readonly ScoredVersionDefinition[],
  date: IsoDate,
): 'threshold' | 'scored' | 'none' {
  const lastThreshold = thresholdDates
    .filter((d) => d <= date)
    .sort()
    .at(-1);
  const lastScored = scored.filter((v) => v.effectiveFrom <= date).at(-1);
  if (lastScored !== undefined && (lastThreshold === undefined || lastScored.effectiveFrom >= lastThreshold)) {
    // A scored version that has ended (`endsOn`) leaves no rules, not the threshold era's.
    return scoredVersionOn(scored, date) ? 'scored' : 'none';
  }
  return lastThreshold === undefined ? 'none' : 'threshold';
}

/**
 * Why no scored version judges a date: it is before the first, or the version in force then had ended (`endsOn`).
 * `flag` is the way out the problem suggests (naming a version, or another date).
 */
export function noScoredVersionProblem(
  versions: readonly ScoredVersionDefinition[],
  date: IsoDate,
  input: string,
  flag = '--program-version',
): Problem {
  const program = versions[0]?.id ?? '';
  let last: ScoredVersionDefinition | undefined;
  for (const v of versions) if (v.effectiveFrom <= date) last = v;
  if (last?.endsOn !== undefined) {
    return problem(input, '', 'scoredVersionEnded', {
      date,
      program,
      version: last.effectiveFrom,
      ended: last.endsOn,
      flag,
    });
  }
  return problem(input, '', 'beforeFirstVersion', {
    date,
    program,
    dates: versions.map((v) => v.effectiveFrom).join(', '),
    flag,
  });
}
