export const DELIVERY_TIME_UNITS = ['minutes', 'hours', 'days'] as const;
export type DeliveryTimeUnit = (typeof DELIVERY_TIME_UNITS)[number];

export interface DeliveryTime {
  duration: number;
  unit: DeliveryTimeUnit;
  format: string;
  format_long: string;
  seconds: number;
}

const UNIT_SECONDS: Record<DeliveryTimeUnit, number> = { minutes: 60, hours: 3600, days: 86400 };
const SHORT: Record<DeliveryTimeUnit, string> = { minutes: 'm', hours: 'h', days: 'd' };

export function deliveryTimeSeconds(duration: number, unit: DeliveryTimeUnit): number {
  return duration * UNIT_SECONDS[unit];
}

export function deliveryTime(duration: number, unit: DeliveryTimeUnit): DeliveryTime {
  // Instant delivery (an instant account offer and the orders bought from it) reads as GameBoost serves it.
  if (duration === 0) return { duration, unit, format: 'Instant', format_long: 'Instant delivery', seconds: 0 };
  const singular = unit.slice(0, -1);
  return {
    duration,
    unit,
    format: `${duration}${SHORT[unit]}`,
    format_long: `${duration} ${duration === 1 ? singular : unit}`,
    seconds: deliveryTimeSeconds(duration, unit),
  };
}
