/**
 * A requirement page as one standalone HTML file: the Markdown rendered by
 * marked, with a small embedded stylesheet. No external resource, so the
 * file reads the same offline, attached to a mail or on a file share.
 */
import { Marked } from 'marked';
import type { Locale } from '../i18n/index.js';

export interface HtmlPageOptions {
  readonly title: string;
  readonly locale: Locale;
}

const STYLE = `
  :root { color-scheme: light dark; }
  body {
    max-width: 48rem;
    margin: 2rem auto;
    padding: 0 1.25rem;
    font-family: system-ui, -apple-system, "Segoe UI", "Microsoft JhengHei", "PingFang TC", sans-serif;
    line-height: 1.6;
  }
  h1, h2, h3 { line-height: 1.25; }
  h2 { margin-top: 2.5rem; padding-bottom: 0.25rem; border-bottom: 1px solid #8884; }
  h3 { margin-top: 1.75rem; }
  ul, ol { padding-left: 1.75rem; }
  li { margin: 0.25rem 0; }
  li > p { margin: 0.4rem 0; }
  table { border-collapse: collapse; margin: 1rem 0; }
  th, td { border: 1px solid #8886; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
  th { background: #8882; }
  a { color: #0a5bb5; }
  @media (prefers-color-scheme: dark) { a { color: #6cb0ff; } }
  @media print { body { max-width: none; margin: 0; } a { color: inherit; } }
`;

/** The page as a complete HTML document in the locale's language. */
export function toHtmlPage(markdown: string, options: HtmlPageOptions): string {
  const body = new Marked({ gfm: true }).parse(markdown, { async: false });
  return [
    '<!doctype html>',
    `<html lang="${escapeHtml(options.locale)}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(options.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    body.trimEnd(),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
