/**
 * The first program-admin: a store without one gets `admin` (or `admin-2`…
 * when a partner account already has that name) with a generated password,
 * which the server prints once when it starts.
 */
import type { Store } from '../store/store.js';
import { newPassword } from '../accounts/secrets.js';

/** Creates a program-admin when the store has none and returns its credentials; undefined when there is one already. */
export async function ensureProgramAdmin(store: Store): Promise<{ username: string; password: string } | undefined> {
  // Checked and created under a lock on the users table: two servers starting together create one admin, not two.
  return store.withAccountsLocked(async (accounts) => {
    if ((await accounts.countProgramAdmins()) > 0) return undefined;
    const taken = new Set((await accounts.list()).map((u) => u.username));
    let username = 'admin';
    for (let n = 2; taken.has(username); n++) username = `admin-${n}`;
    const password = newPassword();
    const added = await accounts.add({ username, password, role: 'program-admin' });
    if (!added.ok) throw new Error(`cannot create the first program-admin ${username}: ${added.refusal}`);
    return { username, password };
  });
}
