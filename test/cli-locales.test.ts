/** Every command in the user's language: tables, plans, forecasts, errors; JSON the same in all. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { CATALOGS } from '../src/i18n/index.js';

const run = (args: string[], env: Record<string, string> = {}) => runCli(args, { env, now: new Date(2017, 10, 1) });

const EXAMPLE = 'examples/cloud-business-applications.json';

/** Runs of three or more words of an English catalog message, placeholders removed. */
function englishRuns(): string[] {
  const runs = new Set<string>();
  for (const text of Object.values(CATALOGS.en)) {
    const literal = text.replace(/\{[^{}]*(\{[^{}]*\}[^{}]*)*\}/g, '|');
    for (const piece of literal.split('|')) {
      const words = piece.match(/[A-Za-z][A-Za-z’']*/g) ?? [];
      for (let i = 0; i + 3 <= words.length; i++) runs.add(words.slice(i, i + 3).join(' '));
    }
  }
  return [...runs];
}

const COMMANDS: string[][] = [
  ['evaluate', EXAMPLE, '--as-of', '2017-11-01'],
  ['plan', EXAMPLE, '--partner', 'P-TAILSPIN', '--as-of', '2017-11-01'],
  ['plan', EXAMPLE, '--partner', 'P-NORTHWIND', '--as-of', '2017-07-07'],
  ['forecast', EXAMPLE, '--partner', 'P-CONTOSO', '--as-of', '2017-07-07'],
  ['forecast', EXAMPLE, '--partner', 'P-FABRIKAM', '--as-of', '2017-11-01'],
  ['timeline', EXAMPLE, '--partner', 'P-FABRIKAM', '--from', '2017-07-07', '--to', '2017-11-07'],
];

describe('--locale', () => {
  it('prints the evaluation table in French', async () => {
    const { code, stdout } = await run(['evaluate', EXAMPLE, '--as-of', '2017-07-07', '--partner', 'P-NORTHWIND', '--locale', 'fr-FR']);
    expect(code).toBe(0);
    expect(stdout).toContain(
      'P-NORTHWIND Northwind Partners (DE, Marchés développés), au 7 juil. 2017, règles en vigueur depuis le 7 juil. 2017',
    );
    // The option as Microsoft's French page names it.
    expect(stdout).toContain('Option Engagement client : aucun niveau atteint');
    expect(stdout).toMatch(/98\u202f693,20\u00a0\$US\s+100\u202f000,00\u00a0\$US\s+1\u202f306,80\u00a0\$US\s+non remplie/);
  });

  it('falls back to LC_ALL, then LANG', async () => {
    const zh = await run(['plan', EXAMPLE, '--partner', 'P-TAILSPIN', '--as-of', '2017-11-01'], { LANG: 'zh_TW.UTF-8' });
    expect(zh.stdout).toContain('P-TAILSPIN Tailspin Dynamics 的計畫，截至 2017年11月1日');
    expect(zh.stdout).toContain('測驗：還需通過 12 場測驗，需新增 4 位人員');
    const english = await run(['plan', EXAMPLE, '--partner', 'P-TAILSPIN', '--as-of', '2017-11-01'], { LC_ALL: 'C', LANG: 'zh_TW.UTF-8' });
    expect(english.stdout).toContain('Plan for P-TAILSPIN');
  });

  for (const locale of ['fr-FR', 'zh-TW']) {
    it(`leaves no English sentence of the catalog in ${locale} output`, async () => {
      const runs = englishRuns();
      for (const command of COMMANDS) {
        const { code, stdout } = await run([...command, '--locale', locale]);
        expect(code, command.join(' ')).toBe(0);
        const found = runs.filter((r) => stdout.includes(r));
        expect(found, `${command.join(' ')} --locale ${locale}`).toEqual([]);
      }
    });
  }

  it('keeps JSON locale-neutral: the same bytes in every locale', async () => {
    for (const command of COMMANDS) {
      const outputs = await Promise.all(
        ['en', 'fr-FR', 'zh-TW'].map(async (l) => (await run([...command, '--format', 'json', '--locale', l])).stdout),
      );
      expect(new Set(outputs).size, command.join(' ')).toBe(1);
    }
  });

  it('says input problems in the user’s language', async () => {
    const { code, stderr } = await run(['evaluate', '/nonexistent/data.json', '--locale', 'zh-TW']);
    expect(code).toBe(2);
    expect(stderr).toContain('attain: /nonexistent/data.json：1 個問題；未進行任何評估');
    const usage = await run(['evaluate', EXAMPLE, '--as-of', '2017-02-30', '--locale', 'fr-FR']);
    expect(usage.code).toBe(2);
    expect(usage.stderr.trim()).toBe('attain: --as-of: "2017-02-30" n’est pas une date valide (YYYY-MM-DD)');
  });

  it('refuses a locale it does not speak', async () => {
    const { code, stderr } = await run(['evaluate', EXAMPLE, '--locale', 'de']);
    expect(code).toBe(2);
    expect(stderr.trim()).toBe('attain: --locale: "de" is not a locale of Attain (en, fr-FR, zh-TW)');
  });
});

describe('attain docs', () => {
  it('writes the requirement page as a standalone HTML page in the language asked', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'attain-docs-')), 'pages', 'cba.zh-TW.html');
    const { code } = await run(['docs', '--locale', 'zh-TW', '--format', 'html', '--out', out, '--as-of', '2017-07-07']);
    expect(code).toBe(0);
    expect(existsSync(out)).toBe(true);
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('<html lang="zh-TW">');
    expect(html).toContain('有記錄可查的數位合作夥伴');
    expect(html).toContain('https://www.microsoft.com/en-us/learning/exam-mb2-715.aspx');
  });

  it('prints Markdown in French by default format', async () => {
    const { code, stdout } = await run(['docs', '--locale', 'fr-FR', '--program-version', '2017-07-07']);
    expect(code).toBe(0);
    expect(stdout).toContain('Partenaire de référence numérique');
  });
});
