/**
 * The dashboard's texts: the `web` catalogs of src/i18n/messages (the same
 * ICU MessageFormat files the command line's catalogs live beside, checked
 * by test/i18n.test.ts), formatted with intl-messageformat; numbers, money
 * and dates by Intl, dates in UTC as the command line writes them.
 */
import { IntlMessageFormat } from 'intl-messageformat';
import { createContext, useContext } from 'react';
import en from '../../src/i18n/messages/en/web.json';
import fr from '../../src/i18n/messages/fr-FR/web.json';
import zh from '../../src/i18n/messages/zh-TW/web.json';
import { LOCALES, matchLocale, type Locale } from '../../src/i18n/locales.js';
import { formatMessage, percentFormat } from '../../src/i18n/typography.js';
import type { LocalizedText } from './api.ts';

export { LOCALES, type Locale };

const CATALOGS: Record<Locale, Record<string, string>> = { en, 'fr-FR': fr, 'zh-TW': zh };

export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', 'fr-FR': 'Français', 'zh-TW': '繁體中文' };

export type Values = Record<string, string | number | boolean | null | undefined>;

export interface Texts {
  readonly locale: Locale;
  t(key: string, values?: Values): string;
  /** US dollars, whole (at a glance). */
  usd(amount: number): string;
  /** US dollars to the cent (evidence, totals). */
  usdCents(amount: number): string;
  /** An amount in its own currency, as billed. */
  money(amount: number, currency: string): string;
  /** An exchange rate: US dollars per unit, to six significant digits. */
  rate(value: number): string;
  /** US dollars abbreviated by the locale's own rules (225K, 22.5萬), never rounded to fewer than three significant digits. */
  compactUsd(amount: number): string;
  number(value: number): string;
  /** A number of percent (15 for 15 %), with the locale's sign and spacing. */
  percent(value: number): string;
  date(iso: string): string;
  month(iso: string): string;
  /** A definition's text in this locale, English when it lacks one. */
  text(value: LocalizedText | undefined, fallback: string): string;
}

const cache = new Map<Locale, Texts>();

export function texts(locale: Locale): Texts {
  const found = cache.get(locale);
  if (found) return found;
  const catalog = CATALOGS[locale];
  const compiled = new Map<string, IntlMessageFormat>();
  const usd = new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
  const number = new Intl.NumberFormat(locale);
  const usdCents = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  const rate = new Intl.NumberFormat(locale, { maximumSignificantDigits: 6 });
  const compactUsd = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: 'USD',
    notation: 'compact',
    maximumSignificantDigits: 3,
  });
  const currencies = new Map<string, Intl.NumberFormat>();
  const inCurrency = (currency: string) => {
    let format = currencies.get(currency);
    if (!format) {
      try {
        format = new Intl.NumberFormat(locale, { style: 'currency', currency, currencyDisplay: 'code' });
      } catch {
        format = new Intl.NumberFormat(locale, { minimumFractionDigits: 2 });
      }
      currencies.set(currency, format);
    }
    return format;
  };
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const month = new Intl.DateTimeFormat(locale, { year: '2-digit', month: 'short', timeZone: 'UTC' });
  const made: Texts = {
    locale,
    t(key, values) {
      let message = compiled.get(key);
      if (!message) {
        const text = catalog[key] ?? CATALOGS.en[key];
        if (text === undefined) return key;
        message = new IntlMessageFormat(text, locale, undefined, { ignoreTag: true });
        compiled.set(key, message);
      }
      return formatMessage(message, locale, values);
    },
    usd: (amount) => usd.format(amount),
    usdCents: (amount) => usdCents.format(amount),
    money: (amount, currency) => inCurrency(currency).format(amount),
    rate: (value) => rate.format(value),
    compactUsd: (amount) => compactUsd.format(amount),
    number: (value) => number.format(value),
    percent: percentFormat(locale, (value) => number.format(value)),
    date: (iso) => date.format(new Date(`${iso}T00:00:00Z`)),
    month: (iso) => month.format(new Date(`${iso}T00:00:00Z`)),
    text: (value, fallback) => (value ? (value[locale] ?? value.en) : fallback),
  };
  cache.set(locale, made);
  return made;
}

const STORAGE_KEY = 'attain.locale';

/** The locale chosen before, else the browser's first language we speak, else English. */
export function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && (LOCALES as readonly string[]).includes(saved)) return saved as Locale;
  } catch {
    // storage refused: fall through
  }
  for (const language of navigator.languages ?? [navigator.language]) {
    const matched = matchLocale(language);
    if (matched) return matched;
  }
  return 'en';
}

export function saveLocale(locale: Locale): void {
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // not kept: fine
  }
}

export const TextsContext = createContext<Texts>(texts('en'));

export function useTexts(): Texts {
  return useContext(TextsContext);
}
