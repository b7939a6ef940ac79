/** Checks of text that every validator applies alike. */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** String.prototype.isWellFormed (Node 20 has it; the TypeScript library this project targets predates it). */
const wellFormed = (text: string): boolean => (text as string & { isWellFormed(): boolean }).isWellFormed();

/**
 * Where the first lone surrogate of the text is (its index), or −1 when the text is Unicode throughout: UTF-8
 * cannot carry a lone surrogate, and the stores would turn it into U+FFFD. `isWellFormed` answers first, without
 * a match object (validation asks this of every text field of millions of records); the pattern only says where.
 */
export function loneSurrogateAt(text: string): number {
  return wellFormed(text) ? -1 : (LONE_SURROGATE.exec(text)?.index ?? -1);
}
