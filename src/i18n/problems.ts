/**
 * Problems in words. The engine reports a problem as data (record, field,
 * code, values); the shells word it here, from the `problem` catalog, in the
 * language of whoever reads it — English when nobody chose one (a library's
 * caller, a log, what the store keeps of a rejected import).
 */
import { InvalidInputError, type Problem } from '../engine/problems.js';
import { translator, type Translator } from './translator.js';

/** A problem with its message in one locale, for a shell that hands problems on as text. */
export interface WordedProblem extends Problem {
  readonly message: string;
}

/** The message alone, without the record: `currency "EURO" is not an ISO 4217 code`. */
export function problemMessage(p: Problem, tr: Translator = translator('en')): string {
  return tr.t(`problem.${p.code}`, p.values);
}

/** `record: message`, in the translator's locale (English by default). */
export function formatProblem(p: Problem, tr?: Translator): string;
/** As an array callback (`problems.map(formatProblem)`): in English. */
export function formatProblem(p: Problem, index: number): string;
export function formatProblem(p: Problem, tr?: Translator | number): string {
  return `${p.record}: ${problemMessage(p, typeof tr === 'object' ? tr : undefined)}`;
}

/** The problem with its message in the translator's locale (English by default). */
export function wordProblem(p: Problem, tr?: Translator): WordedProblem {
  return { ...p, message: problemMessage(p, tr) };
}

/**
 * An InvalidInputError whose message is worded in English, for an adapter
 * (files, store) whose errors are read as they are: by a library's caller, in
 * a log. The CLI and the API word its problems again in their reader's language.
 */
export function invalidInput(source: string, problems: readonly Problem[], total?: number): InvalidInputError {
  return new InvalidInputError(source, problems, total, (p) => formatProblem(p));
}
