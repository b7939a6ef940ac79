import { formatProblem, type Problem } from '../engine/index.js';

/** The command line itself is wrong (a bad flag value): exit 2, like bad input. */
export class UsageError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(problems.map((p) => formatProblem(p)).join('\n'));
    this.name = 'UsageError';
  }
}
