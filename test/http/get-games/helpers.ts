import { expect } from 'vitest';
import type { ApiResponse } from '../../support/api-client.js';
import type { TestParley } from '../../support/parley.js';

let counter = 0;
/** A slug no other test of the file uses. */
export const uniqueSlug = (base: string) => `${base}-${process.pid}-${++counter}`;

export interface GameInput {
  name: string;
  slug: string;
  acronym?: string | null;
  services?: string[];
  game_item_collections?: { name: string; slug: string; items_count?: number | null }[];
}

export async function createGame(parley: TestParley, game: GameInput): Promise<any> {
  const res = await parley.admin.post('/admin/v1/games', game);
  expect(res.status, res.text).toBe(201);
  return res.body.data;
}

export async function putTemplate(parley: TestParley, slug: string, service: string, template: unknown, token = parley.adminToken): Promise<ApiResponse> {
  return parley.api.request('PUT', `/admin/v1/games/${slug}/templates/${service}`, { token, json: { template } });
}

export function expectErrorBody(res: ApiResponse, status: number, message: string): void {
  expect({ status: res.status, body: res.body }).toEqual({ status, body: { message, request_id: expect.any(String) } });
}

export function expectValidationErrors(res: ApiResponse, errors: Record<string, string[]>): void {
  expect({ status: res.status, body: res.body }).toEqual({
    status: 422,
    body: { message: 'The given data was invalid.', errors, request_id: expect.any(String) },
  });
}

export const slugsOf = (res: ApiResponse) => (res.body.data as { slug: string }[]).map((g) => g.slug);

/** A minimal valid template of each service. */
export const TEMPLATES: Record<string, Record<string, unknown>> = {
  accounts: {
    title: 'Sample title', price: 9.99, login: 'login', password: 'password',
    account_data: { server: { condition: 'required|string', values: ['EU', 'NA'] }, level: { condition: 'required|integer|min:1' } },
    game_items: { champions: ['Ahri'] },
  },
  items: { title: 'Sample item', price: 1.5, stock: 10, min_quantity: 1, item_data: { rarity: { condition: 'string', values: ['Rare'] } } },
  currencies: {
    price: 0.0001, currency: 'gold', stock: 1000000, min_quantity: 1000, currency_data: { region: { condition: 'required|string', values: ['EU'] } },
    delivery_method: 'trade', excluded_delivery_fields: [],
  },
};
