import { ListParamsReader, type ListParams } from './list-params.js';
import { CATALOGUE } from './catalogue/index.js';
import { DuplicateValueError, NotFoundError, ValidationError, type FieldErrors } from './errors.js';
import {
  GAME_TEMPLATE_SERVICES,
  type CatalogueGame,
  type GameTemplateService,
  type NewGame,
  type Store,
} from './ports.js';

const SLUG_TAKEN = 'The slug has already been taken.';

export async function checkNewGame(store: Store, input: { slug?: string }): Promise<FieldErrors> {
  if (input.slug !== undefined && (await store.games.findBySlug(input.slug))) return { slug: [SLUG_TAKEN] };
  return {};
}

/** Services given twice count once, in the order first given. */
function distinct(values: string[]): string[] {
  return [...new Set(values)];
}

export async function createGame(store: Store, input: NewGame): Promise<CatalogueGame> {
  const errors = await checkNewGame(store, input);
  if (Object.keys(errors).length) throw new ValidationError(errors);
  try {
    return await store.games.create({ ...input, services: distinct(input.services ?? []) });
  } catch (error) {
    // Taken by a concurrent create since the check: the same answer the check gives.
    if (error instanceof DuplicateValueError) throw ValidationError.field('slug', SLUG_TAKEN);
    throw error;
  }
}

export async function getGameBySlug(store: Store, slug: string): Promise<CatalogueGame> {
  const game = await store.games.findBySlug(slug);
  if (!game) throw new NotFoundError();
  return game;
}

// ---------------------------------------------------------------------------------------------
// The list

/** Large enough that a client reading `GET /v2/games` once sees every game (spec 2). */
export const GAMES_DEFAULT_PER_PAGE = 1000;
export const GAMES_MAX_PER_PAGE = 1000;

type GameSortKey = 'name' | 'id' | 'slug';
const GAME_SORT_KEYS: readonly GameSortKey[] = ['name', 'id', 'slug'];

export type GameListParams = ListParams;

export interface GamePage {
  rows: CatalogueGame[];
  total: number;
  page: number;
  perPage: number;
}

/** Code-point order of the lower-cased text: the same on every database and platform. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const SORT_VALUE: Record<GameSortKey, (game: CatalogueGame) => string | number> = {
  name: (game) => game.name.toLowerCase(),
  id: (game) => game.id,
  slug: (game) => game.slug,
};

function matches(game: CatalogueGame, search: string): boolean {
  if (/^\d{1,15}$/.test(search) && game.id === Number(search)) return true;
  const needle = search.toLowerCase();
  return [game.name, game.slug, game.acronym ?? ''].some((text) => text.toLowerCase().includes(needle));
}

/**
 * `GET /v2/games`: the whole catalogue, filtered, sorted and paged here rather than in SQL. It is
 * a few hundred rows at most (GameBoost's own has a few hundred games), read in one query, and
 * this way search and name order are the same on SQLite and PostgreSQL, whatever their collations.
 */
export async function listGames(store: Store, params: GameListParams): Promise<GamePage> {
  const reader = new ListParamsReader(params, { defaultPerPage: GAMES_DEFAULT_PER_PAGE, maxPerPage: GAMES_MAX_PER_PAGE });
  const { page, perPage } = reader;

  const sort: { key: GameSortKey; direction: 1 | -1 }[] = [];
  for (const part of (params.sort ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const descending = part.startsWith('-');
    const name = descending ? part.slice(1) : part;
    const key = GAME_SORT_KEYS.find((k) => k === name);
    if (!key) {
      reader.fail('sort', `The selected sort is invalid. Allowed: ${GAME_SORT_KEYS.join(', ')} (prefix - for descending).`);
      break;
    }
    sort.push({ key, direction: descending ? -1 : 1 });
  }
  reader.throwIfInvalid();
  // Default: by name; the id breaks every tie, so pages never overlap.
  if (sort.length === 0) sort.push({ key: 'name', direction: 1 });
  if (!sort.some((s) => s.key === 'id')) sort.push({ key: 'id', direction: 1 });

  const search = params.filter.search;
  const games = (await store.games.all()).filter((game) => search === undefined || matches(game, search));
  games.sort((a, b) => {
    for (const { key, direction } of sort) {
      const x = SORT_VALUE[key](a);
      const y = SORT_VALUE[key](b);
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : compareText(String(x), String(y));
      if (order !== 0) return order * direction;
    }
    return 0;
  });
  return { rows: games.slice(reader.offset, reader.offset + perPage), total: games.length, page, perPage };
}

// ---------------------------------------------------------------------------------------------
// Offer templates

/** The key of a template that holds the per-field rules of its service. */
export const TEMPLATE_DATA_KEY: Record<GameTemplateService, string> = {
  accounts: 'account_data',
  items: 'item_data',
  currencies: 'currency_data',
};

export function parseTemplateService(raw: string): GameTemplateService {
  const service = GAME_TEMPLATE_SERVICES.find((s) => s === raw);
  if (!service) throw new NotFoundError();
  return service;
}

/** `required|integer|min:1`: Laravel rule names, separated by `|` (spec 3.8's vocabulary and a few more). */
const CONDITION = /^(required|nullable|sometimes|string|boolean|integer|numeric|array|url|email|(min|max|size|digits):\d+)(\|(required|nullable|sometimes|string|boolean|integer|numeric|array|url|email|(min|max|size|digits):\d+))*$/;

/**
 * The rules the body schema cannot state: the service's data map is required, each condition is
 * made of known rules, and a `game` sample, when given, names the game of the path.
 */
export function checkTemplate(service: GameTemplateService, slug: string, body: { template?: unknown }): FieldErrors {
  const errors: FieldErrors = {};
  const template = body.template;
  if (template === null || typeof template !== 'object' || Array.isArray(template)) return errors;
  const fields = template as Record<string, unknown>;
  const dataKey = TEMPLATE_DATA_KEY[service];
  const data = fields[dataKey];
  if (data === undefined || data === null) errors[`template.${dataKey}`] = [`The template.${dataKey.replace(/_/g, ' ')} field is required.`];
  else if (typeof data === 'object' && !Array.isArray(data)) {
    for (const [field, rule] of Object.entries(data as Record<string, unknown>)) {
      const condition = (rule as { condition?: unknown } | null)?.condition;
      if (typeof condition === 'string' && !CONDITION.test(condition)) {
        errors[`template.${dataKey}.${field}.condition`] = [`The template.${dataKey.replace(/_/g, ' ')}.${field}.condition field format is invalid.`];
      }
    }
  }
  if (typeof fields.game === 'string' && fields.game !== slug) errors['template.game'] = ['The selected template.game is invalid.'];
  return errors;
}

export async function getTemplate(store: Store, slug: string, service: GameTemplateService): Promise<Record<string, unknown>> {
  const game = await getGameBySlug(store, slug);
  const template = await store.games.findTemplate(game.id, service);
  if (!template) throw new NotFoundError();
  return template.template;
}

/**
 * Adds or replaces the game's template of one service, and lists the service among the game's
 * services if it was not (a client reads `services` to know which templates to ask for).
 */
export async function putTemplate(
  store: Store,
  game: CatalogueGame,
  service: GameTemplateService,
  template: Record<string, unknown>,
): Promise<{ template: Record<string, unknown>; created: boolean }> {
  const stored = { game: game.slug, ...template };
  return store.transaction(async (tx) => {
    const now = tx.clock.now();
    const { created } = await tx.games.putTemplate({ game_id: game.id, service, template: stored, created_at: now, updated_at: now });
    const current = await tx.games.findById(game.id);
    if (current && !current.services.includes(service)) await tx.games.setServices(game.id, [...current.services, service]);
    return { template: stored, created };
  });
}

/**
 * The catalogue's games and templates (src/domain/catalogue), into any database, any number of
 * times: a game whose slug exists is left as it is, a template that exists (seeded or replaced
 * by an operator) is kept. Answers the games by slug.
 */
export async function seedCatalogue(store: Store): Promise<Map<string, CatalogueGame>> {
  const games = new Map<string, CatalogueGame>();
  for (const entry of CATALOGUE) {
    let game = await store.games.findBySlug(entry.game.slug);
    if (!game) {
      try {
        game = await store.games.create(entry.game);
      } catch (error) {
        if (!(error instanceof DuplicateValueError)) throw error;
        game = await getGameBySlug(store, entry.game.slug);
      }
    }
    games.set(game.slug, game);
    const now = store.clock.now();
    for (const [service, template] of Object.entries(entry.templates) as [GameTemplateService, Record<string, unknown>][]) {
      await store.games.putTemplate({ game_id: game.id, service, template, created_at: now, updated_at: now }, { onlyIfAbsent: true });
    }
  }
  return games;
}
