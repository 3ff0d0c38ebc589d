import type { Static } from 'typebox';
import { deliveryTime } from '../../domain/delivery-time.js';
import { money } from '../../domain/money.js';
import type { AccountOrderRecord } from '../../domain/ports.js';
import type { AccountOrderSchema } from '../schemas/account-order.js';

export function toAccountOrderResource(order: AccountOrderRecord): Static<typeof AccountOrderSchema> {
  return {
    id: order.id,
    account_offer_id: order.account_offer_id,
    game: order.game,
    buyer: order.buyer,
    rating: order.rating,
    title: order.title,
    description: order.description,
    parameters: order.parameters,
    status: order.status,
    is_disputed: order.is_disputed,
    dispute_case_id: order.dispute_case_id,
    delivery_time: deliveryTime(order.delivery_time_duration, order.delivery_time_unit),
    is_manual_delivery: order.is_manual_delivery,
    credentials: order.credentials,
    delivery_instructions: order.delivery_instructions,
    price: money(order.price_amount, 'EUR'),
    price_usd: money(order.price_usd_amount, 'USD'),
    image_urls: order.image_urls,
    created_at: order.created_at,
    updated_at: order.updated_at,
    purchased_at: order.purchased_at,
    completed_at: order.completed_at,
    refunded_at: order.refunded_at,
  };
}
