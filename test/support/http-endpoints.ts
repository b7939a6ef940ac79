/**
 * Every endpoint of the API, as the isolation matrix and the fuzz test
 * drive them: method, path (OpenAPI style), what kind of access it needs,
 * and a valid request for a partner.
 */
import { readProgramDefinitions } from '../../src/files/program-files.js';

/**
 * read: a partner's data; write: a partner's data changed; admin: program-admin only; user: anyone signed in; public: anyone;
 * accounts: program-admin, or a partner-admin for its own partner's partner-viewers (the partner named by the body or the account).
 */
export type Access = 'read' | 'write' | 'admin' | 'accounts' | 'user' | 'public';

export interface Context {
  /** The partner of the URL. */
  readonly partner: string;
  /** A person of that partner. */
  readonly person: string;
  /** A number unique to this request, for names that must not collide. */
  readonly n: number;
  /** The signed-in user's name (sign-in bodies). */
  readonly username: string;
}

export interface ValidRequest {
  readonly path: string;
  readonly body?: unknown;
  /** The status of success. */
  readonly ok: number;
}

export interface Endpoint {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly access: Access;
  readonly valid: (c: Context) => ValidRequest;
  /** An answer that never ends (server-sent events): driven by its own tests (test/http-events.test.ts), not by those reading whole answers. */
  readonly streams?: true;
}

/** The endpoints whose answers end: what the fuzz and isolation suites read whole. */
export const FINITE_ENDPOINTS = (): readonly Endpoint[] => ENDPOINTS.filter((e) => !e.streams);

const PROGRAM = 'microsoft-partner-network';
const definitions = () => readProgramDefinitions().definitions.map((d) => d.definition);

export const ENDPOINTS: readonly Endpoint[] = [
  {
    method: 'POST',
    path: '/api/v1/session',
    access: 'public',
    valid: (c) => ({ path: '/api/v1/session', body: { username: c.username, password: 'correct horse battery staple' }, ok: 200 }),
  },
  { method: 'DELETE', path: '/api/v1/session', access: 'user', valid: () => ({ path: '/api/v1/session', ok: 204 }) },
  { method: 'GET', path: '/api/v1/me', access: 'user', valid: () => ({ path: '/api/v1/me', ok: 200 }) },
  { method: 'GET', path: '/api/v1/store-summary', access: 'user', valid: () => ({ path: '/api/v1/store-summary', ok: 200 }) },
  { method: 'GET', path: '/api/v1/events', access: 'user', streams: true, valid: () => ({ path: '/api/v1/events', ok: 200 }) },
  {
    method: 'POST',
    path: '/api/v1/me/tokens',
    access: 'user',
    valid: (c) => ({ path: '/api/v1/me/tokens', body: { name: `matrix ${c.n}` }, ok: 201 }),
  },
  { method: 'GET', path: '/api/v1/me/tokens', access: 'user', valid: () => ({ path: '/api/v1/me/tokens', ok: 200 }) },
  {
    method: 'DELETE',
    path: '/api/v1/me/tokens/{tokenId}',
    access: 'user',
    // A token id nobody has: revoking what is not the caller's answers as this does (test/http-hardening.test.ts revokes real ones).
    valid: () => ({ path: '/api/v1/me/tokens/999999999', ok: 404 }),
  },
  { method: 'GET', path: '/api/v1/partners', access: 'user', valid: () => ({ path: '/api/v1/partners?asOf=2017-07-07', ok: 200 }) },
  {
    method: 'GET',
    path: '/api/v1/partner-counts',
    access: 'user',
    valid: () => ({ path: '/api/v1/partner-counts?asOf=2017-07-07', ok: 200 }),
  },
  {
    method: 'GET',
    path: '/api/v1/partners/{partnerId}',
    access: 'read',
    valid: (c) => ({ path: `/api/v1/partners/${c.partner}`, ok: 200 }),
  },
  {
    method: 'GET',
    path: '/api/v1/partners/{partnerId}/evaluation',
    access: 'read',
    valid: (c) => ({ path: `/api/v1/partners/${c.partner}/evaluation?asOf=2017-11-01`, ok: 200 }),
  },
  {
    method: 'GET',
    path: '/api/v1/partners/{partnerId}/plan',
    access: 'read',
    valid: (c) => ({ path: `/api/v1/partners/${c.partner}/plan?asOf=2017-07-07`, ok: 200 }),
  },
  {
    method: 'GET',
    path: '/api/v1/partners/{partnerId}/forecast',
    access: 'read',
    valid: (c) => ({ path: `/api/v1/partners/${c.partner}/forecast?asOf=2017-07-07`, ok: 200 }),
  },
  {
    method: 'GET',
    path: '/api/v1/partners/{partnerId}/qualifications',
    access: 'read',
    valid: (c) => ({ path: `/api/v1/partners/${c.partner}/qualifications?asOf=2017-07-07`, ok: 200 }),
  },
  {
    method: 'GET',
    path: '/api/v1/partners/{partnerId}/timeline',
    access: 'read',
    valid: (c) => ({ path: `/api/v1/partners/${c.partner}/timeline?from=2017-07-07&to=2018-01-07`, ok: 200 }),
  },
  {
    method: 'GET',
    path: '/api/v1/partners/{partnerId}/score',
    access: 'read',
    // The test store holds no scoring records: a partner one may see answers 404 (no score) as one may not (test/http-score.test.ts scores).
    valid: (c) => ({ path: `/api/v1/partners/${c.partner}/score?month=2020-11`, ok: 404 }),
  },
  {
    method: 'GET',
    path: '/api/v1/partners/{partnerId}/score/plan',
    access: 'read',
    // As the score: no scoring records in the test store, 404 (test/http-score-plan.test.ts plans).
    valid: (c) => ({ path: `/api/v1/partners/${c.partner}/score/plan?month=2020-11`, ok: 404 }),
  },
  { method: 'GET', path: '/api/v1/scored-versions', access: 'user', valid: () => ({ path: '/api/v1/scored-versions', ok: 200 }) },
  {
    method: 'GET',
    path: '/api/v1/partners/{partnerId}/people',
    access: 'read',
    valid: (c) => ({ path: `/api/v1/partners/${c.partner}/people`, ok: 200 }),
  },
  {
    method: 'POST',
    path: '/api/v1/partners/{partnerId}/people',
    access: 'write',
    // A new person: the server makes its id (a partner account names only its own people).
    valid: (c) => ({ path: `/api/v1/partners/${c.partner}/people`, body: { name: `Matrix ${c.n}` }, ok: 200 }),
  },
  {
    method: 'GET',
    path: '/api/v1/partners/{partnerId}/exam-passes',
    access: 'read',
    valid: (c) => ({ path: `/api/v1/partners/${c.partner}/exam-passes`, ok: 200 }),
  },
  {
    method: 'POST',
    path: '/api/v1/partners/{partnerId}/exam-passes',
    access: 'write',
    valid: (c) => ({
      path: `/api/v1/partners/${c.partner}/exam-passes`,
      body: { personId: c.person, exam: 'MB2-715', date: '2017-06-01' },
      ok: 200,
    }),
  },
  {
    method: 'GET',
    path: '/api/v1/partners/{partnerId}/revenue',
    access: 'read',
    valid: (c) => ({ path: `/api/v1/partners/${c.partner}/revenue`, ok: 200 }),
  },
  {
    method: 'POST',
    path: '/api/v1/imports',
    access: 'admin',
    valid: () => ({ path: '/api/v1/imports', body: { examPasses: [{ personId: 'NW-01', exam: 'MB2-716', date: '2017-01-15' }] }, ok: 200 }),
  },
  {
    method: 'POST',
    path: '/api/v1/imports/scoring',
    access: 'admin',
    valid: () => ({ path: '/api/v1/imports/scoring', body: { partners: [{ id: 'P-SCORED', country: 'US' }] }, ok: 200 }),
  },
  { method: 'GET', path: '/api/v1/imports', access: 'admin', valid: () => ({ path: '/api/v1/imports', ok: 200 }) },
  { method: 'GET', path: '/api/v1/programs', access: 'user', valid: () => ({ path: '/api/v1/programs', ok: 200 }) },
  {
    method: 'POST',
    path: '/api/v1/programs',
    access: 'admin',
    valid: () => ({ path: '/api/v1/programs', body: { definitions: definitions(), source: 'matrix' }, ok: 200 }),
  },
  {
    method: 'GET',
    path: '/api/v1/programs/{programId}/versions/{effectiveFrom}',
    access: 'user',
    valid: () => ({ path: `/api/v1/programs/${PROGRAM}/versions/2017-07-07`, ok: 200 }),
  },
  {
    method: 'GET',
    path: '/api/v1/programs/{programId}/versions/{effectiveFrom}/page',
    access: 'user',
    valid: () => ({ path: `/api/v1/programs/${PROGRAM}/versions/2017-10-13/page?locale=fr-FR`, ok: 200 }),
  },
  { method: 'GET', path: '/api/v1/users', access: 'accounts', valid: () => ({ path: '/api/v1/users', ok: 200 }) },
  {
    method: 'POST',
    path: '/api/v1/users',
    access: 'accounts',
    valid: (c) => ({
      path: '/api/v1/users',
      body: { username: `matrix-${c.n}`, role: 'partner-viewer', partnerId: c.partner },
      ok: 201,
    }),
  },
  {
    method: 'GET',
    path: '/api/v1/users/{username}/tokens',
    access: 'admin',
    valid: () => ({ path: '/api/v1/users/admin/tokens', ok: 200 }),
  },
  {
    method: 'POST',
    path: '/api/v1/users/{username}/tokens',
    access: 'admin',
    valid: (c) => ({ path: '/api/v1/users/admin/tokens', body: { name: `matrix ${c.n}` }, ok: 201 }),
  },
  {
    method: 'DELETE',
    path: '/api/v1/users/{username}/tokens/{tokenId}',
    access: 'admin',
    valid: () => ({ path: '/api/v1/users/admin/tokens/999999999', ok: 404 }),
  },
  // doomed-N: a partner-viewer of the partner, made by the test before (test/http-isolation.test.ts).
  {
    method: 'DELETE',
    path: '/api/v1/users/{username}',
    access: 'accounts',
    valid: (c) => ({ path: `/api/v1/users/doomed-${c.n}`, ok: 204 }),
  },
  { method: 'GET', path: '/healthz', access: 'public', valid: () => ({ path: '/healthz', ok: 200 }) },
];
