import { errorResponses } from '../common.js';
import { CreateGameBody, GameEnvelope, GameListQuery, GameSlugParam, PutTemplateBody, TemplateEnvelope, TemplateServiceParams, CatalogueGameSchema } from '../games.js';
import { Paginated } from '../pagination.js';
import { BEARER, JSON_OR_FORM, operation } from './operation.js';

const games = ['Games'];
const templates = ['Offer templates'];
const admin = ['Admin'];

/** GameBoost's games catalogue under /v2: any key may read it. */
export const gameOperations = {
  list: operation('GET', '/games', {
    operationId: 'listGames',
    tags: games, security: BEARER, summary: 'List games',
    description: 'The whole catalogue, by name unless sorted; one page of up to 1000 games by default, so a single call sees every game. Any key (seller, buyer, admin) may read it.',
    querystring: GameListQuery,
    response: { 200: Paginated(CatalogueGameSchema), ...errorResponses(401, 422, 429) },
  }),
  get: operation('GET', '/games/:game', {
    operationId: 'getGame',
    tags: games, security: BEARER, summary: 'Get a game by its slug',
    params: GameSlugParam,
    response: { 200: GameEnvelope, ...errorResponses(401, 404, 429) },
  }),
};

/** `GET /v2/{account|item|currency}-offers/templates/{game}`: one operation per service. */
function templateOperation(collection: string, operationId: string, label: string) {
  return operation('GET', `/${collection}/templates/:game`, {
    operationId,
    tags: templates, security: BEARER, summary: `Get the ${label} offer template of a game`,
    description: `Sample values of every field a ${label} offer takes and the rules of the game's own fields. 404 for an unknown game or a game without a ${label} template. Any key may read it.`,
    params: GameSlugParam,
    response: { 200: TemplateEnvelope, ...errorResponses(401, 404, 429) },
  });
}

export const templateOperations = {
  accounts: templateOperation('account-offers', 'getAccountOfferTemplate', 'account'),
  items: templateOperation('item-offers', 'getItemOfferTemplate', 'item'),
  currencies: templateOperation('currency-offers', 'getCurrencyOfferTemplate', 'currency'),
};

/** The operator's side of the catalogue (/admin/v1). */
export const adminGameOperations = {
  createGame: operation('POST', '/games', {
    operationId: 'adminCreateGame',
    tags: admin, security: BEARER, summary: 'Create a game',
    description: 'name and slug are required; acronym (default null), services and game_item_collections (default []) are the catalogue fields.',
    body: CreateGameBody, consumes: JSON_OR_FORM,
    response: { 201: GameEnvelope, ...errorResponses(400, 401, 403, 413, 415, 422, 429) },
  }),
  putTemplate: operation('PUT', '/games/:game/templates/:service', {
    operationId: 'adminPutGameTemplate',
    tags: admin, security: BEARER, summary: 'Add or replace the offer template of a game and service',
    description: 'The body is what GET /v2/{kind}-offers/templates/{game} answers: {template} (JSON; a form cannot carry its nested fields and answers 422). The template needs the rules of its service (account_data, item_data or currency_data); `game`, when given, must be the path\'s slug, and is filled in when not. 201 when the game had no template for the service, 200 when it replaced one; the service is added to the game\'s services.',
    params: TemplateServiceParams,
    body: PutTemplateBody, consumes: JSON_OR_FORM,
    response: {
      200: { ...TemplateEnvelope, description: 'Replaced' },
      201: { ...TemplateEnvelope, description: 'Created' },
      ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429),
    },
  }),
};
