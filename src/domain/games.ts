import { DuplicateValueError, ValidationError, type FieldErrors } from './errors.js';
import type { Game, Store } from './ports.js';

const SLUG_TAKEN = 'The slug has already been taken.';

export async function checkNewGame(store: Store, input: { slug?: string }): Promise<FieldErrors> {
  if (input.slug !== undefined && (await store.games.findBySlug(input.slug))) return { slug: [SLUG_TAKEN] };
  return {};
}

export async function createGame(store: Store, input: { name: string; slug: string }): Promise<Game> {
  const errors = await checkNewGame(store, input);
  if (Object.keys(errors).length) throw new ValidationError(errors);
  try {
    return await store.games.create(input);
  } catch (error) {
    // Taken by a concurrent create since the check: the same answer the check gives.
    if (error instanceof DuplicateValueError) throw ValidationError.field('slug', SLUG_TAKEN);
    throw error;
  }
}
