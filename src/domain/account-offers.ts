import { ListParamsReader, type ListParams } from './list-params.js';
import { DELIVERY_TIME_UNITS, type DeliveryTimeUnit } from './delivery-time.js';
import { ForbiddenError, NotFoundError, ValidationError, type FieldErrors } from './errors.js';
import { attributeName } from './money.js';
import type { OrderSettings } from './orders.js';
import {
  ACCOUNT_OFFER_STATUSES,
  type AccountOfferCredentialRecord,
  type AccountOfferFields,
  type AccountOfferListQuery,
  type AccountOfferPatch,
  type AccountOfferRecord,
  type AccountOfferSortColumn,
  type AccountOfferStatus,
  type Game,
  type LegacyAccountCredentials,
  type Store,
} from './ports.js';
import type { Actor } from './users.js';

/**
 * Account offers: the legacy format (one account, its login inline) and the new format (a stock
 * of credentials, one sold per purchase). Sellers see and change their own offers only; another
 * seller's offer is a 404 (GameBoost's offer docs). Admin keys see and change every offer.
 */

export const MIN_PRICE_CENTS = 99;
export const MAX_PRICE_CENTS = 99_999_999_99;
export const MAX_CREDENTIAL_LENGTH = 500;
export const AT_LEAST_ONE_CREDENTIAL = 'At least one credential is required';
export const NOT_LISTED = 'The account offer is not listed.';
export const NO_STOCK = 'The account offer has no stock left.';
export const LEGACY_HAS_NO_STOCK = 'Credentials are only available for account offers created with credentials (not legacy offers).';
export const SOLD_CREDENTIAL_UPDATE = 'A sold credential cannot be updated.';
export const SOLD_CREDENTIAL_DELETE = 'A sold credential cannot be deleted.';

export type AccountOfferFormat = 'legacy' | 'stock';
const LEGACY_CREDENTIAL_FIELDS = ['login', 'password', 'email_login', 'email_password', 'email_provider'] as const;

/** Sellers own their offers; admins act on every one; anyone else is told it does not exist. */
function visible(actor: Actor, offer: AccountOfferRecord | undefined): AccountOfferRecord {
  if (!offer || (!actor.isAdmin && offer.seller_id !== actor.user.id)) throw new NotFoundError();
  return offer;
}

export async function getAccountOffer(store: Store, actor: Actor, id: number): Promise<AccountOfferRecord> {
  return visible(actor, await store.accountOffers.findById(id));
}

/** Units left to sell: unsold credentials, or the one inline account of a legacy offer until it is bought. */
export async function offerStock(store: Store, offer: AccountOfferRecord): Promise<number> {
  if (offer.is_legacy) return offer.account_order_ids.length === 0 ? 1 : 0;
  return store.accountOffers.countUnsold(offer.id);
}

/** Laravel's `numeric` price (a number or a numeric string such as "12.500000"), in cents; at least 0.99. */
export function parseOfferPrice(value: unknown, field: string, errors: FieldErrors): number | undefined {
  const attr = attributeName(field);
  if (typeof value === 'number' && (!Number.isFinite(value) || value > MAX_PRICE_CENTS / 100)) {
    errors[field] = [`The ${attr} field must not be greater than ${MAX_PRICE_CENTS / 100}.`];
    return undefined;
  }
  const text = typeof value === 'number' ? value.toFixed(10).replace(/0+$/, '').replace(/\.$/, '') : typeof value === 'string' ? value.trim() : null;
  const match = text === null ? null : /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) {
    errors[field] = [`The ${attr} field must be a number.`];
    return undefined;
  }
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  if (match[1] === '-') {
    errors[field] = [`The ${attr} field must be at least ${MIN_PRICE_CENTS / 100}.`];
    return undefined;
  }
  if (fraction.length > 2) {
    errors[field] = [`The ${attr} field must have 0-2 decimal places.`];
    return undefined;
  }
  const whole = match[2]!.replace(/^0+(?=\d)/, '');
  if (whole.length > 8) {
    errors[field] = [`The ${attr} field must not be greater than ${MAX_PRICE_CENTS / 100}.`];
    return undefined;
  }
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  if (cents < MIN_PRICE_CENTS) {
    errors[field] = [`The ${attr} field must be at least ${MIN_PRICE_CENTS / 100}.`];
    return undefined;
  }
  return cents;
}

/** Lowercase words joined by dashes; never empty. */
export function slugify(text: string): string {
  const slug = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 255);
  return slug === '' ? 'account-offer' : slug;
}

/** Laravel's `boolean`: true, false, 1, 0, "1", "0". */
function parseBoolean(value: unknown): boolean | undefined {
  if (value === true || value === 1 || value === '1') return true;
  if (value === false || value === 0 || value === '0') return false;
  return undefined;
}

type Body = Record<string, unknown>;

/** What a create or a PATCH resolves to: the offer's new field values, or the errors. */
interface ResolvedInput {
  errors: FieldErrors;
  fields: Partial<AccountOfferFields>;
  game?: Game;
  /** New-format create: the stock, duplicates dropped. */
  credentials?: string[];
}

/**
 * The rules beyond the schema, on a body whose schema-failed top-level fields are in `skip`
 * (they already have their messages): game, price, delivery, the credentials rules of each
 * format. `existing` is the offer a PATCH changes.
 */
async function resolveInput(
  store: Store,
  body: Body,
  options: { format: AccountOfferFormat; existing?: AccountOfferRecord; skip?: ReadonlySet<string>; settings: OrderSettings },
): Promise<ResolvedInput> {
  const { existing, format, settings } = options;
  const skip = options.skip ?? new Set<string>();
  const creating = existing === undefined;
  const errors: FieldErrors = {};
  const fields: Partial<AccountOfferFields> = {};
  const has = (name: string) => !skip.has(name) && body[name] !== undefined && body[name] !== null;
  const given = (name: string) => body[name] !== undefined && body[name] !== null;
  const text = (name: string) => (has(name) ? (body[name] as string) : undefined);

  // The game: game_id, else the slug in `game`.
  let game: Game | undefined;
  if (has('game_id')) {
    const id = body.game_id as number;
    game = id >= 1 ? await store.games.findById(id) : undefined;
    if (!game) errors.game_id = ['The selected game id is invalid.'];
  } else if (has('game')) {
    game = await store.games.findBySlug(body.game as string);
    if (!game) errors.game = ['The selected game is invalid.'];
  } else if (creating && !given('game_id') && !given('game') && !skip.has('game_id') && !skip.has('game')) {
    errors.game_id = ['The game id field is required when game is not present.'];
  }
  if (game) fields.game_id = game.id;

  for (const name of ['title', 'description'] as const) {
    const value = text(name);
    if (value !== undefined) fields[name] = value;
  }
  if (has('slug') || (creating && fields.title !== undefined)) fields.slug = slugify(text('slug') ?? fields.title!);
  if (has('dump') || creating) fields.dump = text('dump') ?? '';
  if (body.external_id !== undefined && !skip.has('external_id')) fields.external_id = (body.external_id as string | null) ?? null;
  if (body.delivery_instructions !== undefined && !skip.has('delivery_instructions')) {
    fields.delivery_instructions = (body.delivery_instructions as string | null) ?? null;
  }
  if (body.image_urls !== undefined && !skip.has('image_urls')) fields.image_urls = (body.image_urls as string[] | null) ?? [];
  if (body.account_data !== undefined && !skip.has('account_data')) fields.parameters = (body.account_data as Record<string, unknown> | null) ?? {};
  const details = { ...(existing?.details ?? {}) };
  if (body.game_items !== undefined && !skip.has('game_items')) details.game_items = body.game_items ?? null;
  if (body.private_note !== undefined && !skip.has('private_note')) details.private_note = body.private_note ?? null;
  fields.details = details;

  if (has('price')) {
    const cents = parseOfferPrice(body.price, 'price', errors);
    if (cents !== undefined) {
      fields.price_amount = cents;
      fields.price_usd_amount = Math.round(cents * settings.eurUsdRate);
    }
  }

  // Delivery: instant unless is_manual; a manual offer needs its delivery time.
  let manual = existing?.is_manual_delivery ?? false;
  if (has('is_manual')) {
    const parsed = parseBoolean(body.is_manual);
    if (parsed === undefined) errors.is_manual = ['The is manual field must be true or false.'];
    else manual = parsed;
  }
  fields.is_manual_delivery = manual;
  if (!skip.has('delivery_time') && !skip.has('is_manual')) {
    const time = body.delivery_time as { duration?: number; unit?: DeliveryTimeUnit } | null | undefined;
    const givenTime = time != null && (time.duration !== undefined || time.unit !== undefined);
    if (manual && givenTime) {
      if (time.duration === undefined) errors['delivery_time.duration'] = ['The delivery time.duration field is required.'];
      if (time.unit === undefined) errors['delivery_time.unit'] = ['The delivery time.unit field is required.'];
      if (time.duration !== undefined && time.unit !== undefined && DELIVERY_TIME_UNITS.includes(time.unit)) {
        fields.delivery_time_duration = time.duration;
        fields.delivery_time_unit = time.unit;
      }
    } else if (manual && (creating || !existing!.is_manual_delivery)) {
      errors.delivery_time = ['The delivery time field is required when is manual is true.'];
    } else if (!manual) {
      fields.delivery_time_duration = 0;
      fields.delivery_time_unit = 'minutes';
    }
  }

  // Credentials: inline on a legacy offer, a stock on a new-format one.
  const resolved: ResolvedInput = { errors, fields, ...(game ? { game } : {}) };
  const isLegacy = existing?.is_legacy ?? format === 'legacy';
  if (isLegacy) {
    const current: LegacyAccountCredentials = existing?.credentials ?? { login: null, password: null, email_login: null, email_password: null, email_provider: null };
    const next = { ...current };
    for (const name of LEGACY_CREDENTIAL_FIELDS) {
      if (body[name] !== undefined && !skip.has(name)) next[name] = (body[name] as string | null) ?? null;
    }
    // abhay's client spells the mail domain `mail_provider`.
    if (body.email_provider === undefined && body.mail_provider !== undefined && !skip.has('mail_provider')) {
      next.email_provider = (body.mail_provider as string | null) ?? null;
    }
    if (!manual && !skip.has('is_manual')) {
      for (const name of ['login', 'password'] as const) {
        if (next[name] === null && !skip.has(name)) errors[name] = [`The ${name} field is required when is manual is false.`];
      }
    }
    fields.credentials = next;
  } else {
    if (!creating) {
      for (const name of LEGACY_CREDENTIAL_FIELDS) {
        if (given(name) && !skip.has(name)) errors[name] = [`The ${attributeName(name)} field is prohibited.`];
      }
    } else if (!skip.has('credentials')) {
      const list = (body.credentials as string[] | null | undefined) ?? [];
      if (list.length === 0) errors.credentials = [AT_LEAST_ONE_CREDENTIAL];
      resolved.credentials = [...new Set(list)];
    }
  }
  return resolved;
}

/** The checks of a create, for the HTTP layer to report next to the schema's (fields failing it in `skip`). */
export async function checkNewAccountOffer(store: Store, body: Body, format: AccountOfferFormat, skip: ReadonlySet<string>, settings: OrderSettings): Promise<FieldErrors> {
  return (await resolveInput(store, body, { format, skip, settings })).errors;
}

export async function checkAccountOfferChanges(store: Store, offer: AccountOfferRecord, body: Body, skip: ReadonlySet<string>, settings: OrderSettings): Promise<FieldErrors> {
  return (await resolveInput(store, body, { format: offer.is_legacy ? 'legacy' : 'stock', existing: offer, skip, settings })).errors;
}

/** Only sellers sell: a buyer's or an admin's key may not create offers. */
export function assertCanCreateOffers(actor: Actor): void {
  if (actor.user.role !== 'seller') throw new ForbiddenError();
}

/** Creates a draft offer; a new-format one with its stock, in one transaction. */
export async function createAccountOffer(store: Store, actor: Actor, body: Body, format: AccountOfferFormat, settings: OrderSettings): Promise<AccountOfferRecord> {
  assertCanCreateOffers(actor);
  const { errors, fields, credentials } = await resolveInput(store, body, { format, settings });
  if (Object.keys(errors).length) throw new ValidationError(errors);
  const now = store.clock.now();
  const offer: AccountOfferFields = {
    seller_id: actor.user.id,
    game_id: fields.game_id!,
    external_id: fields.external_id ?? null,
    title: fields.title!,
    slug: fields.slug!,
    description: fields.description!,
    parameters: fields.parameters ?? {},
    dump: fields.dump ?? '',
    status: 'draft',
    is_manual_delivery: fields.is_manual_delivery ?? false,
    delivery_time_duration: fields.delivery_time_duration ?? 0,
    delivery_time_unit: fields.delivery_time_unit ?? 'minutes',
    delivery_instructions: fields.delivery_instructions ?? null,
    price_amount: fields.price_amount!,
    price_usd_amount: fields.price_usd_amount!,
    image_urls: fields.image_urls ?? [],
    is_legacy: format === 'legacy',
    credentials: format === 'legacy' ? fields.credentials ?? null : null,
    views: 0,
    details: fields.details ?? {},
    created_at: now,
    updated_at: now,
    listed_at: null,
  };
  return store.transaction(async (tx) => {
    const created = await tx.accountOffers.insert(offer);
    for (const text of credentials ?? []) await tx.accountOffers.insertCredential(created.id, text, now);
    return created;
  });
}

/** PATCH: every field optional; only what is sent changes. */
export async function updateAccountOffer(store: Store, actor: Actor, id: number, body: Body, settings: OrderSettings): Promise<AccountOfferRecord> {
  return store.transaction(async (tx) => {
    const offer = visible(actor, await tx.accountOffers.findById(id));
    const { errors, fields } = await resolveInput(tx, body, { format: offer.is_legacy ? 'legacy' : 'stock', existing: offer, settings });
    if (Object.keys(errors).length) throw new ValidationError(errors);
    const patch: AccountOfferPatch = { ...fields, updated_at: tx.clock.now() };
    return tx.accountOffers.update(offer.id, patch);
  });
}

export async function deleteAccountOffer(store: Store, actor: Actor, id: number): Promise<void> {
  await store.transaction(async (tx) => {
    const offer = visible(actor, await tx.accountOffers.findById(id));
    await tx.accountOffers.delete(offer.id, tx.clock.now());
  });
}

export type AccountOfferAction = 'list' | 'draft' | 'duplicate';

export interface AccountOfferActionResult {
  offer: AccountOfferRecord;
  message: string;
  previous_status: AccountOfferStatus | null;
}

/**
 * list: a draft (or sold-out, restocked) offer with stock becomes `listed`, `listed_at` set;
 * draft: any offer but a draft becomes `draft`; duplicate: a new draft copy (a new-format
 * offer's stock is not copied; a legacy offer's inline account is).
 */
export async function applyAccountOfferAction(store: Store, actor: Actor, id: number, action: AccountOfferAction): Promise<AccountOfferActionResult> {
  return store.transaction(async (tx) => {
    const offer = visible(actor, await tx.accountOffers.findById(id));
    const now = tx.clock.now();
    switch (action) {
      case 'list': {
        if (offer.status === 'listed') throw ValidationError.field('status', 'The account offer is already listed.');
        if ((await offerStock(tx, offer)) === 0) throw ValidationError.field('status', 'The account offer has no stock to list.');
        const listed = await tx.accountOffers.update(offer.id, { status: 'listed', listed_at: now, updated_at: now });
        return { offer: listed, message: 'Account offer listed successfully.', previous_status: offer.status };
      }
      case 'draft': {
        if (offer.status === 'draft') throw ValidationError.field('status', 'The account offer is already a draft.');
        const drafted = await tx.accountOffers.update(offer.id, { status: 'draft', updated_at: now });
        return { offer: drafted, message: 'Account offer moved to draft successfully.', previous_status: offer.status };
      }
      case 'duplicate': {
        const { id: _id, game: _game, account_order_ids: _orders, ...fields } = offer;
        const copy = await tx.accountOffers.insert({
          ...fields,
          status: 'draft',
          views: 0,
          created_at: now,
          updated_at: now,
          listed_at: null,
        });
        return { offer: copy, message: 'Account offer duplicated successfully.', previous_status: null };
      }
    }
  });
}

/** A list's query as the client sent it. */
export type PageParams = ListParams;

export const OFFER_SORT_KEYS: Record<string, AccountOfferSortColumn> = {
  id: 'id',
  price: 'price_amount',
  views: 'views',
  delivery_time: 'delivery_time_seconds',
  created_at: 'created_at',
  updated_at: 'updated_at',
  listed_at: 'listed_at',
};

export interface Page<T> {
  rows: T[];
  total: number;
  page: number;
  perPage: number;
}

/** The caller's offers (every seller's for an admin key), newest first unless sorted. */
export async function listAccountOffers(store: Store, actor: Actor, params: PageParams): Promise<Page<AccountOfferRecord>> {
  const reader = new ListParamsReader(params);
  const { page, perPage } = reader;
  const query: AccountOfferListQuery = { sellerId: actor.isAdmin ? null : actor.user.id, sort: [], offset: reader.offset, limit: perPage };
  const ids = reader.idList('id');
  if (ids) query.ids = ids;
  const gameIds = reader.idList('game_id');
  if (gameIds) query.gameIds = gameIds;
  const statuses = reader.enumList('status', ACCOUNT_OFFER_STATUSES);
  if (statuses) query.statuses = statuses;
  if (params.filter.search !== undefined) query.search = params.filter.search;
  query.sort = reader.sort(OFFER_SORT_KEYS, 'id');
  reader.throwIfInvalid();
  const { rows, total } = await store.accountOffers.list(query);
  return { rows, total, page, perPage };
}

// --- The credentials stock of a new-format offer -------------------------------------------

/** The offer, if the caller may see it and it has a stock (legacy offers have none: 422). */
function stockOffer(actor: Actor, offer: AccountOfferRecord | undefined): AccountOfferRecord {
  const found = visible(actor, offer);
  if (found.is_legacy) throw ValidationError.field('account', LEGACY_HAS_NO_STOCK);
  return found;
}

export async function getStockOffer(store: Store, actor: Actor, id: number): Promise<AccountOfferRecord> {
  return stockOffer(actor, await store.accountOffers.findById(id));
}

/** Oldest first; `filter[id]` (comma list) and Parley's `filter[is_sold]` (true/false/1/0). */
export async function listOfferCredentials(store: Store, actor: Actor, offerId: number, params: PageParams): Promise<Page<AccountOfferCredentialRecord>> {
  const offer = stockOffer(actor, await store.accountOffers.findById(offerId));
  const reader = new ListParamsReader(params);
  const { page, perPage } = reader;
  const ids = reader.idList('id');
  let isSold: boolean | undefined;
  const sold = params.filter.is_sold;
  if (sold !== undefined) {
    isSold = sold === 'true' || sold === '1' ? true : sold === 'false' || sold === '0' ? false : undefined;
    if (isSold === undefined) reader.fail('filter.is_sold', 'The filter.is sold field must be true or false.');
  }
  reader.throwIfInvalid();
  const { rows, total } = await store.accountOffers.listCredentials(offer.id, {
    ...(ids ? { ids } : {}), ...(isSold !== undefined ? { isSold } : {}), offset: reader.offset, limit: perPage,
  });
  return { rows, total, page, perPage };
}

export interface AddedCredentials {
  created: AccountOfferCredentialRecord[];
  duplicates: number;
}

/** Adds each credential not already in the offer (sold ones included) nor earlier in the list. */
export async function addOfferCredentials(store: Store, actor: Actor, offerId: number, credentials: string[]): Promise<AddedCredentials> {
  return store.transaction(async (tx) => {
    const offer = stockOffer(actor, await tx.accountOffers.findById(offerId));
    const known = new Set((await tx.accountOffers.credentialTexts(offer.id)).map((c) => c.credentials));
    const now = tx.clock.now();
    const created: AccountOfferCredentialRecord[] = [];
    let duplicates = 0;
    for (const text of credentials) {
      if (known.has(text)) {
        duplicates++;
        continue;
      }
      known.add(text);
      created.push(await tx.accountOffers.insertCredential(offer.id, text, now));
    }
    if (created.length > 0) await tx.accountOffers.update(offer.id, { updated_at: now });
    return { created, duplicates };
  });
}

/** A credential of the offer, or 404. */
function credentialOf(credential: AccountOfferCredentialRecord | undefined): AccountOfferCredentialRecord {
  if (!credential) throw new NotFoundError();
  return credential;
}

export async function getOfferCredential(store: Store, actor: Actor, offerId: number, credentialId: number): Promise<AccountOfferCredentialRecord> {
  const offer = stockOffer(actor, await store.accountOffers.findById(offerId));
  return credentialOf(await store.accountOffers.findCredential(offer.id, credentialId));
}

/** A sold credential is what its buyer got: it cannot change (422 on `credentials`). */
export async function updateOfferCredential(store: Store, actor: Actor, offerId: number, credentialId: number, text: string): Promise<AccountOfferCredentialRecord> {
  return store.transaction(async (tx) => {
    const offer = stockOffer(actor, await tx.accountOffers.findById(offerId));
    const credential = credentialOf(await tx.accountOffers.findCredential(offer.id, credentialId));
    if (credential.is_sold) throw ValidationError.field('credentials', SOLD_CREDENTIAL_UPDATE);
    const taken = (await tx.accountOffers.credentialTexts(offer.id)).some((c) => c.id !== credential.id && c.credentials === text);
    if (taken) throw ValidationError.field('credentials', 'The credentials has already been taken.');
    return tx.accountOffers.updateCredential(credential.id, text, tx.clock.now());
  });
}

export async function deleteOfferCredential(store: Store, actor: Actor, offerId: number, credentialId: number): Promise<void> {
  await store.transaction(async (tx) => {
    const offer = stockOffer(actor, await tx.accountOffers.findById(offerId));
    const credential = credentialOf(await tx.accountOffers.findCredential(offer.id, credentialId));
    if (credential.is_sold) throw ValidationError.field('credential', SOLD_CREDENTIAL_DELETE);
    await tx.accountOffers.deleteUnsoldCredentials(offer.id, [credential.id]);
  });
}

/** Deletes the unsold ones of `ids` that belong to the offer; sold, foreign and unknown ids are skipped. */
export async function bulkDeleteOfferCredentials(store: Store, actor: Actor, offerId: number, ids: number[]): Promise<number> {
  return store.transaction(async (tx) => {
    const offer = stockOffer(actor, await tx.accountOffers.findById(offerId));
    return tx.accountOffers.deleteUnsoldCredentials(offer.id, [...new Set(ids)]);
  });
}

/** "1 credential", "2 credentials". */
export function credentialCount(n: number): string {
  return `${n} credential${n === 1 ? '' : 's'}`;
}

/** What a legacy offer's buyer receives: one line per field the seller gave. */
export function legacyCredentialsText(credentials: LegacyAccountCredentials | null): string | null {
  if (!credentials) return null;
  const labels: Record<(typeof LEGACY_CREDENTIAL_FIELDS)[number], string> = {
    login: 'Login', password: 'Password', email_login: 'Email Login', email_password: 'Email Password', email_provider: 'Email Provider',
  };
  const lines = LEGACY_CREDENTIAL_FIELDS.filter((name) => credentials[name] !== null).map((name) => `${labels[name]}: ${credentials[name]}`);
  return lines.length ? lines.join('\n') : null;
}
