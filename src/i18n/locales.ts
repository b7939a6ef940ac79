import { LOCALES, type Locale } from '../engine/locales.js';

/** The locales Attain speaks, as the engine lists them: every text a user sees exists in all of them. */
export { LOCALES, type Locale };

export function isLocale(value: string): value is Locale {
  return (LOCALES as readonly string[]).includes(value);
}

/**
 * A POSIX locale (`fr_FR.UTF-8`, `zh_TW`, `fr`, `C`) or BCP 47 tag to one of
 * ours; undefined when we do not speak it (zh_CN is not zh-TW).
 */
export function matchLocale(value: string | undefined): Locale | undefined {
  if (!value) return undefined;
  const tag = value.split(/[.@]/)[0]!.replace('_', '-');
  const [language = '', region = ''] = tag.split('-');
  const lang = language.toLowerCase();
  const reg = region.toUpperCase();
  if (lang === 'en') return 'en';
  if (lang === 'fr') return 'fr-FR';
  if (lang === 'zh' && (reg === 'TW' || reg === 'HK' || reg === 'MO' || tag.toLowerCase().includes('hant'))) return 'zh-TW';
  return undefined;
}

/** `--locale`, else LC_ALL, else LC_MESSAGES, else LANG, else English. */
export function resolveLocale(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): Locale {
  if (flag !== undefined) {
    if (isLocale(flag)) return flag;
    const matched = matchLocale(flag);
    if (matched) return matched;
    throw new RangeError(`"${flag}" is not a locale of Attain (${LOCALES.join(', ')})`);
  }
  // The first variable set decides, as POSIX has it: LC_ALL=C means English even if LANG says French.
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG']) {
    const value = env[name];
    if (value) return matchLocale(value) ?? 'en';
  }
  return 'en';
}
