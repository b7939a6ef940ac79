/**
 * Who is asking. A script sends `Authorization: Bearer attain_…` (an API
 * token); a browser sends the `attain_session` cookie set at sign-in; the
 * command line on the server's own machine sends the local administrator's
 * credential (below). A
 * write made with the cookie (POST, PUT, PATCH, DELETE) must also carry the
 * session's CSRF token in `X-CSRF-Token` — the synchronizer-token pattern,
 * the token kept server-side with the session — since a browser sends the
 * cookie whoever made the page; a bearer token is never sent by a browser
 * on its own, so it needs none.
 *
 * Every route under /api/v1 needs a principal unless its config says
 * `public: true` (sign-in) — decided on the matched route, not the URL as
 * sent. What the principal may see is decided in
 * tenancy.ts.
 */
import { timingSafeEqual } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../store/store.js';
import type { User } from '../store/accounts.js';
import { HttpProblem } from './problems.js';

export const SESSION_COOKIE = 'attain_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface Principal {
  readonly user: User;
  /** How the request authenticated: an API token, a browser session, or the local administrator's credential. */
  readonly via: 'token' | 'session' | 'local';
  /** The session's CSRF token (cookie sessions only). */
  readonly csrfToken?: string | undefined;
  /** The cookie's session token (cookie sessions only), to end it. */
  readonly sessionToken?: string | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Served without a principal (sign-in). */
    public?: boolean;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The built-in local administrator: a program-admin that is no account of
 * the store (id 0: no row has it), named with a space so that no account can
 * ever be called so. The credential that makes a request its own is a random
 * secret made when `attain serve` starts on an embedded store it owns, held
 * only in the server's memory and in the folder's `attain-server.json`
 * (mode 0600) — whoever can read that file can read the store's files
 * anyway. It is not an API token of a real account: such a token would be a
 * row of the store, outliving the server (a `kill -9` would leave a live
 * credential on disk), listed among that person's tokens, acting in their
 * name for commands they never ran. It dies with the server instead, and is
 * taken only from this machine (a loopback address or one of its own).
 */
export const LOCAL_ADMINISTRATOR: User = {
  id: 0,
  username: 'local administrator',
  role: 'program-admin',
  partnerId: null,
  createdAt: '1970-01-01T00:00:00Z',
};

/** Whether a connection comes from this machine: a loopback address, or one of its interfaces' own. */
function fromThisMachine(address: string | undefined): boolean {
  if (address === undefined) return false;
  const plain = address.replace(/^::ffff:/i, '');
  if (plain === '::1' || /^127\./.test(plain)) return true;
  return Object.values(networkInterfaces()).some((list) => list?.some((i) => i.address.replace(/^::ffff:/i, '') === plain));
}

/** The principal of a request, or undefined; a malformed or unknown bearer token is an error, not anonymity. */
async function resolvePrincipal(
  store: Store,
  request: FastifyRequest,
  reply: FastifyReply,
  localCredential: string | undefined,
): Promise<Principal | undefined> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S{1,512})\s*$/i.exec(authorization);
    // The socket's own peer, never X-Forwarded-For: only a process on this machine may be the local administrator.
    if (match && localCredential !== undefined && sameSecret(match[1]!, localCredential) && fromThisMachine(request.socket.remoteAddress)) {
      return { user: LOCAL_ADMINISTRATOR, via: 'local' };
    }
    const user = match ? await store.accounts.tokenUser(match[1]!) : undefined;
    if (!user) throw new HttpProblem(401, 'badToken', {}, [], 0, { 'www-authenticate': 'Bearer error="invalid_token"' });
    return { user, via: 'token' };
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (cookie === undefined || cookie === '') return undefined;
  const session = cookie.length <= 512 ? await store.accounts.session(cookie) : undefined;
  if (!session) {
    // Expired or signed out elsewhere: the browser may as well forget it.
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return undefined;
  }
  return { user: session.user, via: 'session', csrfToken: session.csrfToken, sessionToken: cookie };
}

/**
 * Resolves `request.principal` on every API request; refuses anonymous requests to non-public routes and cookie writes without the CSRF token.
 * `localCredential`: the local administrator's credential, when the server owns an embedded store (`attain serve`).
 */
export function registerAuth(app: FastifyInstance, store: Store, localCredential?: string): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request, reply) => {
    // Decided on the route the router matched, never on the raw target: an absolute-form target (`GET http://x/api/v1/…`),
    // odd slashes or encodings reach the same route and so the same check. No route matched: the 404 tells nothing.
    const route = request.routeOptions.url;
    if (route === undefined || !route.startsWith('/api/v1/')) return;
    const isPublic = request.routeOptions.config?.public === true;
    const principal = await resolvePrincipal(store, request, reply, localCredential);
    request.principal = principal ?? null;
    if (!principal) {
      if (isPublic) return;
      throw new HttpProblem(401, 'signInRequired', {}, [], 0, { 'www-authenticate': 'Bearer realm="attain"' });
    }
    if (principal.via === 'session' && UNSAFE.has(request.method) && !isPublic) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !sameSecret(sent, principal.csrfToken!))
        throw new HttpProblem(403, 'csrf', { header: 'X-CSRF-Token' });
    }
  });
}

/** The principal of a route that needs one (registerAuth has refused the others). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new HttpProblem(401, 'signInRequired', {}, [], 0, { 'www-authenticate': 'Bearer realm="attain"' });
  return request.principal;
}
