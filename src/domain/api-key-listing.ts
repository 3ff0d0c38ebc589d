import { NotFoundError } from './errors.js';
import type { ApiKeyRecord, Store } from './ports.js';

/** A user's keys for the operator (`parley keys list`); an unknown user is a 404. */
export async function listApiKeys(store: Store, userId: number): Promise<ApiKeyRecord[]> {
  if (!(await store.users.findById(userId))) throw new NotFoundError();
  return store.apiKeys.listByUser(userId);
}
