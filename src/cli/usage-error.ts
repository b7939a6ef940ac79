import type { Problem } from '../engine/index.js';
import { formatProblem, wordProblem, type WordedProblem } from '../i18n/index.js';

/** The command line itself is wrong (a bad flag value): exit 2, like bad input. */
export class UsageError extends Error {
  /** Worded in English for callers that print them as they are; main.ts words them again in the user's locale. */
  readonly problems: readonly WordedProblem[];

  constructor(problems: readonly Problem[]) {
    super(problems.map((p) => formatProblem(p)).join('\n'));
    this.name = 'UsageError';
    this.problems = problems.map((p) => wordProblem(p));
  }
}
