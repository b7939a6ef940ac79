/**
 * The message catalogs: ICU MessageFormat texts by key, one file per locale
 * and namespace (cli: the command line; problem: input problems; docs: the
 * requirement pages; web: the dashboard, web/, which imports its files).
 */
import enCli from './messages/en/cli.json' with { type: 'json' };
import enDocs from './messages/en/docs.json' with { type: 'json' };
import enProblem from './messages/en/problem.json' with { type: 'json' };
import enWeb from './messages/en/web.json' with { type: 'json' };
import frCli from './messages/fr-FR/cli.json' with { type: 'json' };
import frDocs from './messages/fr-FR/docs.json' with { type: 'json' };
import frProblem from './messages/fr-FR/problem.json' with { type: 'json' };
import frWeb from './messages/fr-FR/web.json' with { type: 'json' };
import zhCli from './messages/zh-TW/cli.json' with { type: 'json' };
import zhDocs from './messages/zh-TW/docs.json' with { type: 'json' };
import zhProblem from './messages/zh-TW/problem.json' with { type: 'json' };
import zhWeb from './messages/zh-TW/web.json' with { type: 'json' };
import type { Locale } from './locales.js';

export type Catalog = Readonly<Record<string, string>>;

function namespaced(namespaces: Record<string, Record<string, string>>): Catalog {
  return Object.fromEntries(
    Object.entries(namespaces).flatMap(([ns, messages]) => Object.entries(messages).map(([key, text]) => [`${ns}.${key}`, text])),
  );
}

export const CATALOGS: Readonly<Record<Locale, Catalog>> = {
  en: namespaced({ cli: enCli, problem: enProblem, docs: enDocs, web: enWeb }),
  'fr-FR': namespaced({ cli: frCli, problem: frProblem, docs: frDocs, web: frWeb }),
  'zh-TW': namespaced({ cli: zhCli, problem: zhProblem, docs: zhDocs, web: zhWeb }),
};
