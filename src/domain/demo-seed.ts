import { issueApiKey } from './api-keys.js';
import { seedCatalogue } from './games.js';
import { sendOrderMessage } from './order-chat.js';
import { changeOrderStatus, createOrder, type CreateOrderInput, type OrderSettings } from './orders.js';
import type { OrderRecord, Store } from './ports.js';
import { createUser } from './user-accounts.js';
import { actorFor } from './users.js';

export interface DemoSeed {
  sellerToken: string;
  buyerToken: string;
  /** Account orders, one per status. */
  orders: OrderRecord[];
  itemOrder: OrderRecord;
  currencyOrder: OrderRecord;
}

/**
 * A small, realistic sandbox for a fresh database: one seller, one buyer, the catalogue's games
 * and offer templates, an account order in each status with the thread its history would have
 * produced, and a pending item and currency order.
 */
export async function seedDemo(store: Store, settings: OrderSettings): Promise<DemoSeed> {
  const seller = await createUser(store, { username: 'demo-seller', role: 'seller' });
  const buyer = await createUser(store, { username: 'demo-buyer', role: 'buyer' });
  // The catalogue's games with their offer templates (League of Legends, Fortnite, Valorant,
  // World of Warcraft, Roblox); the demo orders are League of Legends ones.
  const games = await seedCatalogue(store);
  const game = games.get('league-of-legends')!;
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

  const pending = await account('EUW Gold IV account, 40 champions', '24.99');
  await sendOrderMessage(store, actorFor(buyer, null), 'account', pending.id, 'Hi! When will I get the login details?');
  await sendOrderMessage(store, actorFor(seller, null), 'account', pending.id, 'Hello! Within the hour, I am preparing the account now.');

  const inDelivery = await account('EUW Platinum II account, 80 champions', '49.50');
  await changeOrderStatus(store, 'account', inDelivery.id, 'in_delivery');

  const delivered = await account('EUW Silver I account, 25 champions', '14.00');
  await changeOrderStatus(store, 'account', delivered.id, 'in_delivery');
  await changeOrderStatus(store, 'account', delivered.id, 'delivered');

  const refunded = await account('EUW Diamond IV account, 120 champions', '89.90');
  await changeOrderStatus(store, 'account', refunded.id, 'refunded');

  const itemOrder = await order({ kind: 'item', title: 'Mystery skin shard', price: '3.00', details: { quantity: 3 } });
  const currencyOrder = await order({
    kind: 'currency', title: '10K Blue Essence', price: '5.00',
    details: { quantity: 10, currency_unit: { slug: 'blue-essence', currency_name: 'Blue Essence', name: '1K Blue Essence', symbol: 'BE', multiplier: 1000 }, completion_proof_url: null },
  });

  const orders = await Promise.all([pending, inDelivery, delivered, refunded].map((o) => store.orders.findById('account', o.id)));
  return { sellerToken: sellerKey.token, buyerToken: buyerKey.token, orders: orders.map((o) => o!), itemOrder, currencyOrder };
}
