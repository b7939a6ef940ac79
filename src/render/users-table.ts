/** The views of `attain users`: the accounts a store keeps, and what adding one or a token gives once. */
import Table from 'cli-table3';
import type { Translator } from '../i18n/index.js';
import type { ApiToken, User } from '../store/accounts.js';
import { BORDERLESS, indent, TABLE_STYLE } from './format.js';

/** The account just added; with the generated password, shown this once. */
export function renderUserAdded(user: User, password: string | undefined, tr: Translator): string {
  const lines = [
    user.partnerId === null
      ? tr.t('cli.users.added', { username: user.username, role: user.role })
      : tr.t('cli.users.addedPartner', { username: user.username, role: user.role, partner: user.partnerId }),
  ];
  if (password !== undefined) lines.push(tr.t('cli.users.password', { password }), tr.t('cli.users.passwordOnce'));
  return `${lines.join('\n')}\n`;
}

/** A new API token, on a line of its own, when it expires, and how to use it. */
export function renderToken(username: string, name: string, token: string, tr: Translator, expiresAt?: string): string {
  const lines = [tr.t('cli.users.token', { username, name }), token, tr.t('cli.users.tokenOnce')];
  if (expiresAt !== undefined) lines.push(tr.t('cli.users.tokenExpires', { date: instantFormat(tr).format(new Date(expiresAt)) }));
  lines.push(tr.t('cli.users.tokenUse'));
  return `${lines.join('\n')}\n`;
}

/** An instant, in UTC: the same for every reader of a shared store. */
function instantFormat(tr: Translator): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(tr.locale, { dateStyle: 'medium', timeStyle: 'long', timeZone: 'UTC' });
}

/** An account's API tokens, without their secrets. */
export function renderTokens(username: string, tokens: readonly ApiToken[], tr: Translator): string {
  if (tokens.length === 0) return `${tr.t('cli.users.noTokens', { username })}\n`;
  const instant = instantFormat(tr);
  const table = new Table({
    head: [
      tr.t('cli.users.column.id'),
      tr.t('cli.users.column.name'),
      tr.t('cli.users.column.createdAt'),
      tr.t('cli.users.column.expiresAt'),
      tr.t('cli.users.column.lastUsedAt'),
    ],
    chars: BORDERLESS,
    style: TABLE_STYLE,
  });
  for (const t of tokens) {
    const expires = instant.format(new Date(t.expiresAt));
    table.push([
      String(t.id),
      t.name,
      instant.format(new Date(t.createdAt)),
      t.expired ? tr.t('cli.users.expired', { date: expires }) : expires,
      t.lastUsedAt === null ? '' : instant.format(new Date(t.lastUsedAt)),
    ]);
  }
  return `${indent(table.toString(), '')}\n`;
}

export function renderUsers(users: readonly User[], tr: Translator): string {
  if (users.length === 0) return `${tr.t('cli.users.none')}\n`;
  // An instant, in UTC: the same for every reader of a shared store.
  const instant = new Intl.DateTimeFormat(tr.locale, { dateStyle: 'medium', timeStyle: 'long', timeZone: 'UTC' });
  const table = new Table({
    head: [
      tr.t('cli.users.column.username'),
      tr.t('cli.users.column.role'),
      tr.t('cli.users.column.partner'),
      tr.t('cli.users.column.createdAt'),
    ],
    chars: BORDERLESS,
    style: TABLE_STYLE,
  });
  for (const u of users) table.push([u.username, u.role, u.partnerId ?? '', instant.format(new Date(u.createdAt))]);
  return `${indent(table.toString(), '')}\n`;
}
