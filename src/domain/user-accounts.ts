import { DuplicateValueError, NotFoundError, ValidationError, type FieldErrors } from './errors.js';
import type { Store } from './ports.js';
import type { User, UserRole } from './users.js';

export const ADMIN_USERNAME = 'admin';

const USERNAME_TAKEN = 'The username has already been taken.';

export async function checkNewUser(store: Store, input: { username?: string }): Promise<FieldErrors> {
  if (input.username !== undefined && (await store.users.findByUsername(input.username))) {
    return { username: [USERNAME_TAKEN] };
  }
  return {};
}

export async function createUser(store: Store, input: { username: string; role: UserRole }): Promise<User> {
  const errors = await checkNewUser(store, input);
  if (Object.keys(errors).length) throw new ValidationError(errors);
  try {
    return await store.users.create({ username: input.username, role: input.role, created_at: store.clock.now() });
  } catch (error) {
    // Taken by a concurrent create since the check: the same answer the check gives.
    if (error instanceof DuplicateValueError) throw ValidationError.field('username', USERNAME_TAKEN);
    throw error;
  }
}

/** The user behind PARLEY_ADMIN_TOKEN and the first generated admin key. */
export async function ensureAdminUser(store: Store): Promise<User> {
  const existing = await store.users.findByUsername(ADMIN_USERNAME);
  if (existing) return existing;
  return store.users.create({ username: ADMIN_USERNAME, role: 'admin', created_at: store.clock.now() });
}

export async function getUser(store: Store, id: number): Promise<User> {
  const user = await store.users.findById(id);
  if (!user) throw new NotFoundError();
  return user;
}
