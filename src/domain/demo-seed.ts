import { changeAccountOrderStatus, createAccountOrder, type AccountOrderSettings } from './account-orders.js';
import { issueApiKey } from './api-keys.js';
import { sendOrderMessage } from './order-chat.js';
import type { AccountOrderRecord, Store } from './ports.js';
import { createGame } from './games.js';
import { createUser } from './user-accounts.js';
import { actorFor } from './users.js';

export interface DemoSeed {
  sellerToken: string;
  buyerToken: string;
  orders: AccountOrderRecord[];
}

/**
 * A small, realistic sandbox for a fresh database: one seller, one buyer, one game and an
 * account order in each status, each with the thread its history would have produced.
 */
export async function seedDemo(store: Store, settings: AccountOrderSettings): Promise<DemoSeed> {
  const seller = await createUser(store, { username: 'demo-seller', role: 'seller' });
  const buyer = await createUser(store, { username: 'demo-buyer', role: 'buyer' });
  const game = await store.games.create({ name: 'League of Legends', slug: 'league-of-legends' });
  const sellerKey = await issueApiKey(store, seller.id, { name: 'demo seller key', expires_at: null });
  const buyerKey = await issueApiKey(store, buyer.id, { name: 'demo buyer key', expires_at: null });

  const order = (title: string, price: string) =>
    createAccountOrder(store, {
      seller_id: seller.id, buyer_id: buyer.id, game_id: game.id, title, price,
      description: 'Demo order seeded by Parley.',
      parameters: { server: 'EUW', rank: 'Gold IV' },
      delivery_instructions: 'Change the e-mail and password after the first login.',
    }, settings);

  const pending = await order('EUW Gold IV account, 40 champions', '24.99');
  await sendOrderMessage(store, actorFor(buyer, null), 'account', pending.id, 'Hi! When will I get the login details?');
  await sendOrderMessage(store, actorFor(seller, null), 'account', pending.id, 'Hello! Within the hour, I am preparing the account now.');

  const inDelivery = await order('EUW Platinum II account, 80 champions', '49.50');
  await changeAccountOrderStatus(store, inDelivery.id, 'in_delivery');

  const delivered = await order('EUW Silver I account, 25 champions', '14.00');
  await changeAccountOrderStatus(store, delivered.id, 'in_delivery');
  await changeAccountOrderStatus(store, delivered.id, 'delivered');

  const refunded = await order('EUW Diamond IV account, 120 champions', '89.90');
  await changeAccountOrderStatus(store, refunded.id, 'refunded');

  const orders = await Promise.all([pending, inDelivery, delivered, refunded].map((o) => store.accountOrders.findById(o.id)));
  return { sellerToken: sellerKey.token, buyerToken: buyerKey.token, orders: orders.map((o) => o!) };
}
