/**
 * `--enrolled`, `--anniversary` and `--legacy`: the partner's enrolment in a
 * Solutions Partner designation (docs/rules.md, section 15.6), overriding the
 * records' `enrolments` record of the partner when given. Parsed and checked
 * here, at the edge: exit 2 naming the flag.
 */
import { enrolmentProblems, problem, type Enrolment, type IsoDate, type ScoredVersionDefinition } from '../../engine/index.js';
import { dateFlag } from '../inputs.js';
import { UsageError } from '../usage-error.js';

export interface EnrolmentOptions {
  readonly enrolled?: string | undefined;
  readonly anniversary?: string | undefined;
  readonly legacy?: boolean | undefined;
}

/**
 * The enrolment the flags give, checked against the statuses of the latest
 * version that has them, up to the last day judged; without any of them, the
 * partner's `enrolments` record (`recorded`, checked with the records), else none.
 */
export function enrolmentOf(
  options: EnrolmentOptions,
  versions: readonly ScoredVersionDefinition[],
  last: IsoDate,
  recorded: Enrolment = { kind: 'none' },
): Enrolment {
  if (options.legacy && options.enrolled !== undefined)
    throw new UsageError([problem('--legacy', '', 'optionsExclusive', { option: '--legacy', other: '--enrolled' })]);
  if (options.anniversary !== undefined && options.enrolled === undefined)
    throw new UsageError([problem('--anniversary', '', 'optionNeedsOption', { option: '--anniversary', requires: '--enrolled' })]);
  if (options.legacy) return { kind: 'legacy' };
  if (options.enrolled === undefined) return recorded;
  const enrolment: Enrolment = {
    kind: 'enrolled',
    date: dateFlag(options.enrolled, '--enrolled'),
    ...(options.anniversary === undefined ? {} : { anniversary: dateFlag(options.anniversary, '--anniversary') }),
  };
  const rules = versions.filter((v) => v.statuses !== undefined).at(-1)?.statuses;
  const problems = rules ? enrolmentProblems(rules, enrolment, last, { enrolled: '--enrolled', anniversary: '--anniversary' }) : [];
  if (problems.length > 0) throw new UsageError(problems);
  return enrolment;
}
