/**
 * What the three languages' typography asks of formatted text beyond the messages themselves, shared by the
 * command line's translator and the dashboard's texts so both write the same: Chinese spacing beside values and
 * in lists, and percentages with the locale's own sign and spacing.
 */
import type { IntlMessageFormat } from 'intl-messageformat';

export type Values = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** A catalog message with its values, spaced as the locale writes (see `spaceValuesAsChinese`). */
export function formatMessage(message: IntlMessageFormat, locale: string, values?: Values): string {
  if (locale === 'zh-TW') return spaceValuesAsChinese(message, values);
  return String(message.format(values));
}

/** "a, b and c" the locale's way; in Chinese, 和 spaced from Latin names and numbers. */
export function formatList(list: Intl.ListFormat, locale: string, items: readonly string[]): string {
  return locale === 'zh-TW' ? chineseList(list, items) : list.format(items);
}

/**
 * A number of percent (15 for 15 %) written by `number`, with the locale's sign and spacing from Intl (`15%`,
 * `15 %`): the number is not divided by 100 in floating point, so 12.5 stays 12.5.
 */
export function percentFormat(locale: string, number: (value: number) => string): (value: number) => string {
  const parts = new Intl.NumberFormat(locale, { style: 'percent' }).formatToParts(0.5);
  const digits = parts.findIndex((p) => p.type === 'integer');
  const join = (from: number, to: number) =>
    parts
      .slice(from, to)
      .map((p) => p.value)
      .join('');
  const before = join(0, digits);
  const after = join(digits + 1, parts.length);
  return (value) => `${before}${number(value)}${after}`;
}

/** Han ideographs: Chinese text sets no space between them, and (in these catalogs) one between them and Latin text. */
const HAN = /\p{Script=Han}/u;
const LATIN_OR_DIGIT = /[\p{Script=Latin}\p{Nd}]/u;
/** Marks around a value while its message is formatted, so that only the spaces beside values are touched. */
const OPEN = '\u0001';
const CLOSE = '\u0002';

/**
 * Chinese messages put a space between their own words and a value, written for Latin values (`無法達到 {band}：`):
 * beside a value that begins or ends in Han (a band named 金會員) the space goes, so the sentence reads as one.
 * Spaces inside a value (a partner's name) are the value's own and are kept.
 */
function spaceValuesAsChinese(message: IntlMessageFormat, values: Values | undefined): string {
  // A value holding a mark itself (control characters from data) could not be told from the marks: written as is.
  if (values === undefined || Object.values(values).some((v) => typeof v === 'string' && (v.includes(OPEN) || v.includes(CLOSE))))
    return String(message.format(values));
  const chosen = chosenArguments(message);
  const marked: Record<string, string | number | boolean | null | undefined> = {};
  for (const [name, value] of Object.entries(values))
    marked[name] = typeof value === 'string' && !chosen.has(name) ? OPEN + value + CLOSE : value;
  const text = String(message.format(marked));
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === OPEN || c === CLOSE) continue;
    if (c === ' ') {
      // Before a value beginning in Han, after a literal Han; or after a value ending in Han, before a literal Han.
      const before = text[i - 1];
      const after = text[i + 1];
      if (after === OPEN && before !== undefined && HAN.test(before) && HAN.test(text[i + 2] ?? '')) continue;
      if (before === CLOSE && after !== undefined && HAN.test(after) && HAN.test(text[i - 2] ?? '')) continue;
    }
    out += c;
  }
  return out;
}

type Element = ReturnType<IntlMessageFormat['getAst']>[number];

/**
 * The names a message chooses by (`{qualify, select, …}`, `{count, plural, …}`): matched as given, never marked.
 * Found by shape (the elements with options), so the dashboard's bundle takes no parser package for it.
 */
function chosenArguments(message: IntlMessageFormat): ReadonlySet<string> {
  const known = chosenArgumentsOf.get(message);
  if (known) return known;
  const chosen = new Set<string>();
  const walk = (elements: readonly Element[]): void => {
    for (const element of elements) {
      if (!('options' in element)) continue;
      chosen.add(element.value);
      for (const option of Object.values(element.options)) walk(option.value);
    }
  };
  walk(message.getAst());
  chosenArgumentsOf.set(message, chosen);
  return chosen;
}
const chosenArgumentsOf = new WeakMap<IntlMessageFormat, ReadonlySet<string>>();

/** Chinese lists join with 和 and 、: a space between 和 and a Latin or digit end of an item, as around Latin text elsewhere. */
function chineseList(list: Intl.ListFormat, items: readonly string[]): string {
  const parts = list.formatToParts(items);
  let out = '';
  parts.forEach((part, k) => {
    let value = part.value;
    if (part.type === 'literal' && HAN.test(value)) {
      if (LATIN_OR_DIGIT.test(parts[k - 1]?.value.at(-1) ?? '') && !value.startsWith(' ')) value = ` ${value}`;
      if (LATIN_OR_DIGIT.test(parts[k + 1]?.value[0] ?? '') && !value.endsWith(' ')) value = `${value} `;
    }
    out += value;
  });
  return out;
}
