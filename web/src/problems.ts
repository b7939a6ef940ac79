/**
 * A problem from the API in the dashboard's words. The API's own details are
 * written for programs and the command line — "(see errors)" names a field
 * of the answer, "give --entity" a flag — so where they would, the dashboard
 * says it itself (the `problem.*` texts of the web catalogs) from the
 * problem's code, and lists the first problems of the input after it.
 */
import type { Problem, ProblemItem } from './api.ts';
import type { Texts } from './i18n.tsx';

/** Problem codes whose API detail points at the answer's fields: worded by the dashboard. */
const WORDED_DETAILS = new Set(['badRules', 'badTarget', 'badDates']);

/** Codes of input problems whose API message speaks of the command line: worded by the dashboard. */
const WORDED_ITEMS = new Set(['noEntity', 'severalStoredPrograms', 'partnerRequired', 'partnerNotAllowed']);

/** How many problems of the input a one-line message lists. */
const LISTED = 3;

/** One problem of the input, in the dashboard's words. */
export function problemItemText(item: Pick<ProblemItem, 'code' | 'message'>, tx: Texts): string {
  return WORDED_ITEMS.has(item.code) ? tx.t(`problem.item.${item.code}`) : item.message;
}

/** The headline of a problem: the API's detail, unless it is written for programs. */
export function problemHeadline(problem: Problem, tx: Texts): string {
  const count = problem.total ?? problem.errors?.length ?? 0;
  if (problem.status === 0) return tx.t('app.networkError');
  if (problem.code !== undefined && WORDED_DETAILS.has(problem.code)) return tx.t(`problem.${problem.code}`);
  if (problem.source !== undefined && problem.errors !== undefined) return tx.t('problem.invalidInput', { source: problem.source, count });
  if (problem.status === 400 && problem.errors !== undefined && problem.errors.length > 0) return tx.t('problem.invalidRequest', { count });
  return problem.detail || problem.title;
}

/** The whole problem on one line: its headline, then the first problems of the input. */
export function problemText(problem: Problem, tx: Texts): string {
  const head = problemHeadline(problem, tx);
  const items = (problem.errors ?? []).slice(0, LISTED).map((e) => problemItemText(e, tx));
  if (items.length === 0 || head === problem.detail) return head;
  return tx.t('problem.withItems', { problem: head, items: items.join(tx.t('problem.separator')) });
}
