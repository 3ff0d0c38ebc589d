import { ValidationError } from './errors.js';
import type { Game, Store } from './ports.js';

export async function createGame(store: Store, input: { name: string; slug: string }): Promise<Game> {
  if (await store.games.findBySlug(input.slug)) throw ValidationError.field('slug', 'The slug has already been taken.');
  return store.games.create(input);
}
