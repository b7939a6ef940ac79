/** Who is signed in, and how: the accounts the API and the dashboard speak of. */
import { z } from 'zod';

/**
 * Spelled out rather than taken from the store's ROLES: the contract is read
 * by the browser and may not import the store. test/contract.test.ts holds
 * the two lists equal.
 */
export const role = z.enum(['program-admin', 'partner-admin', 'partner-viewer']);

export const userSchema = z.object({
  id: z.number().int(),
  username: z.string(),
  role,
  partnerId: z.string().nullable(),
  createdAt: z.string(),
});

/** The answer to a sign-in: the CSRF token goes back in X-CSRF-Token with every write. */
export const signedIn = z.object({ user: userSchema, csrfToken: z.string(), expiresAt: z.string() });

/** Who the request is from (`local`: the local administrator, the command line on the server's machine); the CSRF token only for a browser session. */
export const whoAmI = z.object({ user: userSchema, via: z.enum(['token', 'session', 'local']), csrfToken: z.string().nullable() });

/** An API token as listed: never its secret, which is shown once when it is made. */
export const apiTokenSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  lastUsedAt: z.string().nullable(),
  expired: z.boolean(),
});

/** A new API token: its secret, shown this once. */
export const newApiToken = z.object({ id: z.number().int(), name: z.string(), token: z.string(), expiresAt: z.string() });

export type Role = z.infer<typeof role>;
export type ApiToken = z.infer<typeof apiTokenSchema>;
export type User = z.infer<typeof userSchema>;
export type SignedIn = z.infer<typeof signedIn>;
export type WhoAmI = z.infer<typeof whoAmI>;
