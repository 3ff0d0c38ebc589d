import { ValidationError, type FieldErrors } from './errors.js';
import type { Game, Store } from './ports.js';

export async function checkNewGame(store: Store, input: { slug?: string }): Promise<FieldErrors> {
  if (input.slug !== undefined && (await store.games.findBySlug(input.slug))) return { slug: ['The slug has already been taken.'] };
  return {};
}

export async function createGame(store: Store, input: { name: string; slug: string }): Promise<Game> {
  const errors = await checkNewGame(store, input);
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return store.games.create(input);
}
