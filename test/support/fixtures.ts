import { expect } from 'vitest';
import type { ApiClient } from './api-client.js';
import { ACCOUNT_ORDERS, type OrderKindCase } from './order-kinds.js';

let counter = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;

export interface TestUser {
  id: number;
  username: string;
  role: 'seller' | 'buyer' | 'admin';
  token: string;
  keyId: number;
}

export interface OrderScenario {
  seller: TestUser;
  buyer: TestUser;
  order: any;
}

/** Builds test data through the admin API only, as a marketplace back end would. */
export class Fixtures {
  constructor(private readonly admin: ApiClient) {}

  async user(role: TestUser['role'], options: { expires_at?: number | null } = {}): Promise<TestUser> {
    const created = await this.admin.post('/admin/v1/users', { username: unique(role), role });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const key = await this.admin.post(`/admin/v1/users/${created.body.data.id}/api-keys`, { name: 'test', expires_at: options.expires_at ?? null });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    return { ...created.body.data, token: key.body.data.token, keyId: key.body.data.id };
  }

  /** Creates an order of the given kind (account by default) through the admin API. */
  async order(seller: TestUser, buyer: TestUser, fields: Record<string, unknown> = {}, kind: OrderKindCase = ACCOUNT_ORDERS): Promise<any> {
    this.defaultGame ??= this.game();
    const game = await this.defaultGame;
    const created = await this.admin.post(kind.adminPath, {
      game_id: game.id,
      seller_id: seller.id,
      buyer_id: buyer.id,
      title: `Test ${kind.kind} order`,
      [kind.priceField]: '10.00',
      ...fields,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.data;
  }

  async game(name = 'Test Game'): Promise<{ id: number; name: string; slug: string }> {
    const created = await this.admin.post('/admin/v1/games', { name, slug: unique('game') });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    // As orders embed it: the catalogue fields (acronym, services, ...) stay on the game itself.
    const { id, slug } = created.body.data as { id: number; slug: string };
    return { id, name: created.body.data.name as string, slug };
  }

  private defaultGame: Promise<{ id: number }> | null = null;

  /** A seller, a buyer and one order between them in the given status. */
  async scenario(
    status: 'pending' | 'in_delivery' | 'delivered' | 'refunded' = 'pending',
    fields: Record<string, unknown> = {},
    kind: OrderKindCase = ACCOUNT_ORDERS,
  ): Promise<OrderScenario> {
    const seller = await this.user('seller');
    const buyer = await this.user('buyer');
    const order = await this.order(seller, buyer, { status, ...fields }, kind);
    return { seller, buyer, order };
  }
}
