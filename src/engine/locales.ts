/**
 * The locales Attain speaks. The engine owns the list because a program
 * definition's texts are keyed by it (`localizedText`); src/i18n, which
 * words everything in these locales, takes it from here.
 */
export const LOCALES = ['en', 'fr-FR', 'zh-TW'] as const;
export type Locale = (typeof LOCALES)[number];
