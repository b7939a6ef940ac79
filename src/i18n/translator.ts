/**
 * Texts and numbers for one locale: catalog messages formatted by
 * intl-messageformat, money, numbers and dates by Intl. Dates are calendar
 * dates: formatted in UTC so that no time zone can move them a day.
 */
import { IntlMessageFormat } from 'intl-messageformat';
import { CATALOGS, type Catalog } from './catalog.js';
import { formatMessage, formatList, percentFormat } from './typography.js';
import type { MessageValues } from '../engine/problems.js';
import type { Locale } from './locales.js';

// The engine defines the values problems carry; every message takes the same kind.
export type { MessageValues };

/** A text in several locales, as the program definition carries it. */
export type LocalizedText = { readonly en: string } & { readonly [locale: string]: string | undefined };

export interface Translator {
  readonly locale: Locale;
  /** The catalog message `key` with its placeholders filled. */
  t(key: string, values?: MessageValues): string;
  /** US dollars. */
  usd(amount: number): string;
  number(value: number): string;
  /** A number of percent (15 for 15 %), with the locale's sign and spacing: `15%`, `15 %`. */
  percent(value: number): string;
  /** A calendar date `YYYY-MM-DD`, written the locale's way. */
  date(iso: string): string;
  /** "a, b and c" the locale's way. */
  list(items: readonly string[]): string;
  /** A definition's text in this locale (English where a custom definition lacks it). */
  text(value: LocalizedText): string;
}

const cache = new Map<Locale, Translator>();

export function translator(locale: Locale): Translator {
  let found = cache.get(locale);
  if (!found) {
    found = create(locale, CATALOGS[locale]);
    cache.set(locale, found);
  }
  return found;
}

function create(locale: Locale, catalog: Catalog): Translator {
  const compiled = new Map<string, IntlMessageFormat>();
  const usd = new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const number = new Intl.NumberFormat(locale);
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const list = new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' });
  const percent = percentFormat(locale, (value) => number.format(value));
  return {
    locale,
    t(key, values) {
      let message = compiled.get(key);
      if (!message) {
        const text = catalog[key];
        // A missing key is a bug the catalog tests catch; fail loudly rather than show a key to a user.
        if (text === undefined) throw new RangeError(`no message "${key}" in the ${locale} catalog`);
        message = new IntlMessageFormat(text, locale, undefined, { ignoreTag: true });
        compiled.set(key, message);
      }
      return formatMessage(message, locale, values);
    },
    usd: (amount) => usd.format(amount),
    number: (value) => number.format(value),
    percent,
    date(iso) {
      const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
      return date.format(new Date(Date.UTC(y, m - 1, d)));
    },
    list: (items) => formatList(list, locale, items),
    text: (value) => value[locale] ?? value.en,
  };
}
