/** Attain's languages: catalogs, locale resolution, formatting. Pure: shared by the CLI, the docs generator and the web UI. */
export * from './locales.js';
export { CATALOGS, type Catalog } from './catalog.js';
export { translator, type LocalizedText, type MessageValues, type Translator } from './translator.js';
export { formatProblem, invalidInput, problemMessage, wordProblem, type WordedProblem } from './problems.js';
