/**
 * The tenancy rule, in one place. A program-admin sees every partner; a
 * partner-admin or partner-viewer sees only the partner their account
 * belongs to. Another partner — existing or not — answers 404, the same
 * answer as a partner that does not exist, so that nothing tells which
 * partners there are. What needs a role (imports, programs, users, writes)
 * answers 403 to the other roles, but only once the partner in the path, if
 * any, is theirs: a partner-scoped URL of another partner is 404 for
 * everyone who may not see it.
 */
import type { FastifyRequest } from 'fastify';
import type { Role } from '../store/accounts.js';
import type { PartnerRow } from '../store/queries.js';
import type { Store } from '../store/store.js';
import { principalOf, type Principal } from './auth.js';
import { HttpProblem } from './problems.js';

/** Whether the principal may see this partner's data at all. */
export function maySee(principal: Principal, partnerId: string): boolean {
  return principal.user.role === 'program-admin' || principal.user.partnerId === partnerId;
}

/** The partners a list may show the principal: all of them, or only theirs. */
export function visiblePartners(principal: Principal): { readonly all: true } | { readonly only: string } {
  return principal.user.role === 'program-admin' ? { all: true } : { only: principal.user.partnerId ?? '' };
}

/** 404 when the principal may not see the partner or it does not exist; the partner otherwise. */
export async function partnerScope(store: Store, request: FastifyRequest, partnerId: string): Promise<PartnerRow> {
  const principal = principalOf(request);
  const partner = maySee(principal, partnerId) ? await store.queries.partner(partnerId) : undefined;
  if (!partner) throw new HttpProblem(404, 'noPartner');
  return partner;
}

/** 403 unless the principal has one of the roles. */
export function requireRole(request: FastifyRequest, ...roles: Role[]): Principal {
  const principal = principalOf(request);
  if (!roles.includes(principal.user.role)) throw new HttpProblem(403, 'role', { role: principal.user.role });
  return principal;
}

/** A partner's data to change: the partner (404 as partnerScope), then 403 for a partner-viewer. */
export async function writablePartner(store: Store, request: FastifyRequest, partnerId: string): Promise<PartnerRow> {
  const partner = await partnerScope(store, request, partnerId);
  requireRole(request, 'program-admin', 'partner-admin');
  return partner;
}
