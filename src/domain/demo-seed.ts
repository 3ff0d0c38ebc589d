import { applyAccountOfferAction, createAccountOffer, offerStock } from './account-offers.js';
import { issueApiKey } from './api-keys.js';
import { seedCatalogue } from './games.js';
import { applyOfferAction, createOffer, purchaseOffer } from './item-currency-offers.js';
import { sendOrderMessage } from './order-chat.js';
import { changeOrderStatus, createOrder, type CreateOrderInput, type OrderSettings } from './orders.js';
import type { AccountOfferRecord, ItemCurrencyOfferRecord, OrderRecord, Store } from './ports.js';
import { purchaseAccountOffer } from './purchases.js';
import { createUser } from './user-accounts.js';
import { actorFor } from './users.js';

export interface DemoSeed {
  sellerToken: string;
  buyerToken: string;
  /** The demo buyer's user id: what a purchase's `buyer_id` names. */
  buyerId: number;
  /** The demo seller's listed offers, as they stand after the demo purchases. */
  offers: {
    /** New-format, instant delivery. */
    account: AccountOfferRecord & { stock: number };
    item: ItemCurrencyOfferRecord;
    currency: ItemCurrencyOfferRecord;
  };
  /** Account orders, one per status; the `in_delivery` one was purchased from `offers.account`. */
  orders: OrderRecord[];
  /** The account order purchased from `offers.account` (also in `orders`). */
  accountOrder: OrderRecord;
  /** Purchased from `offers.item`. */
  itemOrder: OrderRecord;
  /** Purchased from `offers.currency`. */
  currencyOrder: OrderRecord;
}

/** The demo account offer's stock: one credential is bought by the demo, three stay for you. */
const DEMO_ACCOUNT_CREDENTIALS = [1, 2, 3, 4].map((n) => `login: demo-euw-plat-${n}\npassword: Parley-demo-${n}!\nemail: demo-euw-plat-${n}@example.com`);

/**
 * A small, realistic sandbox for a fresh database: one seller, one buyer, the catalogue's games
 * and offer templates, one listed offer of each kind (a new-format account offer with its
 * credentials stock, an item offer, a currency offer), an account order in each status with the
 * thread its history would have produced, and a pending item and currency order. The
 * `in_delivery` account order and the item and currency orders are purchases of the demo offers
 * by the demo buyer, through the same functions as the admin purchase routes (each with its
 * system message and its `*.order.purchased` event in the webhook outbox).
 */
export async function seedDemo(store: Store, settings: OrderSettings): Promise<DemoSeed> {
  const seller = await createUser(store, { username: 'demo-seller', role: 'seller' });
  const buyer = await createUser(store, { username: 'demo-buyer', role: 'buyer' });
  // The catalogue's games with their offer templates (League of Legends, Fortnite, Valorant,
  // World of Warcraft, Roblox); the demo account offer and orders are League of Legends ones.
  const games = await seedCatalogue(store);
  const game = games.get('league-of-legends')!;
  const sellerActor = actorFor(seller, null);
  const sellerKey = await issueApiKey(store, seller.id, { name: 'demo seller key', expires_at: null });
  const buyerKey = await issueApiKey(store, buyer.id, { name: 'demo buyer key', expires_at: null });

  const order = (input: Partial<CreateOrderInput> & Pick<CreateOrderInput, 'kind' | 'title' | 'price'>) =>
    createOrder(store, {
      seller_id: seller.id,
      buyer_id: buyer.id,
      game_id: game.id,
      description: 'Demo order seeded by Parley.',
      parameters: { server: 'EUW' },
      ...input,
    }, settings);
  const account = (title: string, price: string) =>
    order({
      kind: 'account', title, price,
      details: { is_manual_delivery: true, delivery_instructions: 'Change the e-mail and password after the first login.', image_urls: [] },
    });

  // The demo seller's offers, created and listed as the seller's API calls would.
  let accountOffer = await createAccountOffer(store, sellerActor, {
    game_id: game.id,
    title: 'EUW | Platinum II | 80 champions | Hand leveled',
    description: 'Hand leveled account, never banned. Full access: the e-mail comes with it.',
    price: '49.50',
    is_manual: false,
    delivery_instructions: 'Change the password and the e-mail after the first login.',
    image_urls: [],
    account_data: { server: 'Europe West', level_up_method: 'Hand leveled', current_tier: 'Platinum', current_division: 'II', is_ranked_ready: true, level: 212, champions: [] },
    credentials: DEMO_ACCOUNT_CREDENTIALS,
  }, 'stock', settings);
  accountOffer = (await applyAccountOfferAction(store, sellerActor, accountOffer.id, 'list')).offer;
  const roblox = games.get('roblox')!;
  let itemOffer = await createOffer(store, sellerActor, 'item', {
    game_id: roblox.id,
    title: 'Blox Fruits | Permanent Dragon fruit',
    description: 'Delivered by trade in game; join the private server link the seller sends.',
    price: '4.99',
    stock: 25,
    min_quantity: 1,
    delivery_time: { duration: 30, unit: 'minutes' },
    delivery_instructions: 'Send your Roblox username in the chat.',
    data: { experience: 'Blox Fruits', item_type: 'Fruit', rarity: 'Mythical', delivery_method: 'Trade' },
  }, settings);
  itemOffer = (await applyOfferAction(store, sellerActor, 'item', itemOffer.id, 'list')).offer;
  const warcraft = games.get('world-of-warcraft')!;
  let currencyOffer = await createOffer(store, sellerActor, 'currency', {
    game_id: warcraft.id,
    description: 'Hand-farmed gold, no bots. Delivered face to face or by mail within the hour.',
    price: '0.000045',
    currency: 'EUR',
    stock: 50_000_000,
    min_quantity: 100_000,
    delivery_time: { duration: 1, unit: 'hours' },
    delivery_instructions: 'Stay online near the mailbox of your capital city.',
    data: { region: 'Europe', version: 'Retail', server: 'Kazzak', faction: 'Horde' },
    delivery_method: 'trade',
    excluded_delivery_fields: [],
  }, settings);
  currencyOffer = (await applyOfferAction(store, sellerActor, 'currency', currencyOffer.id, 'list')).offer;

  // The purchases come first: the hand-made orders below point at their own ids as offer ids (as
  // an admin-created order without one does), ids past the demo offers' and purchases' own.
  // Instant delivery: the account purchase starts in_delivery with the stock's oldest credential.
  const inDelivery = await purchaseAccountOffer(store, accountOffer.id, buyer.id, settings);
  const itemOrder = await purchaseOffer(store, 'item', itemOffer.id, { buyer_id: buyer.id, quantity: 1 }, settings);
  const currencyOrder = await purchaseOffer(store, 'currency', currencyOffer.id, { buyer_id: buyer.id, quantity: 200_000 }, settings);

  const pending = await account('EUW Gold IV account, 40 champions', '24.99');
  await sendOrderMessage(store, actorFor(buyer, null), 'account', pending.id, 'Hi! When will I get the login details?');
  await sendOrderMessage(store, actorFor(seller, null), 'account', pending.id, 'Hello! Within the hour, I am preparing the account now.');

  const delivered = await account('EUW Silver I account, 25 champions', '14.00');
  await changeOrderStatus(store, 'account', delivered.id, 'in_delivery');
  await changeOrderStatus(store, 'account', delivered.id, 'delivered');

  const refunded = await account('EUW Diamond IV account, 120 champions', '89.90');
  await changeOrderStatus(store, 'account', refunded.id, 'refunded');

  const orders = await Promise.all([pending, inDelivery, delivered, refunded].map((o) => store.orders.findById('account', o.id)));
  const listed = (await store.accountOffers.findById(accountOffer.id))!;
  const offers = {
    account: { ...listed, stock: await offerStock(store, listed) },
    item: (await store.itemCurrencyOffers.findById('item', itemOffer.id))!,
    currency: (await store.itemCurrencyOffers.findById('currency', currencyOffer.id))!,
  };
  return {
    sellerToken: sellerKey.token,
    buyerToken: buyerKey.token,
    buyerId: buyer.id,
    offers,
    orders: orders.map((o) => o!),
    accountOrder: orders[1]!,
    itemOrder,
    currencyOrder,
  };
}
