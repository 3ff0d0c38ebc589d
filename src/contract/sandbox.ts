import { Type } from 'typebox';
import { MAX_UNIX_SECONDS, Nullable } from './common.js';

/** The sandbox's own resources (/admin/v1): test clocks and scripted buyers. Parley's, not GameBoost's. */
const Strict = { additionalProperties: false } as const;

export const ClockSchema = Type.Object(
  {
    now: Type.Integer({ description: 'The application clock, Unix seconds: what every timestamp, deadline and due time is read against' }),
    now_ms: Type.Integer({ description: 'The same, in Unix milliseconds' }),
    offset_ms: Type.Integer({ description: 'How far the clock is ahead of the wall clock, in milliseconds (0 after a reset)' }),
    next_due_at: Nullable(Type.Integer({ description: 'When the earliest scheduled job (auto-completion, deadline, buyer step) falls due, Unix seconds; null when none is pending' })),
  },
  { ...Strict, description: 'The sandbox clock' },
);

export const AdvancedClockSchema = Type.Object(
  { ...ClockSchema.properties, jobs_run: Type.Integer({ description: 'Scheduled jobs the advance ran on the way, in time order' }) },
  { ...Strict, description: 'The sandbox clock after an advance' },
);

export const AdvanceClockBody = Type.Object({
  seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 * 366 * 86_400, description: 'Move forward by this many seconds' })),
  to: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_UNIX_SECONDS, description: 'Or move forward to this Unix time (seconds), which must be after now' })),
}, { description: 'Exactly one of seconds and to' });

export function toClockResource(reading: { nowMs: number; offsetMs: number; nextDueAtMs: number | null }) {
  return {
    now: Math.floor(reading.nowMs / 1000),
    now_ms: Math.floor(reading.nowMs),
    offset_ms: Math.round(reading.offsetMs),
    next_due_at: reading.nextDueAtMs === null ? null : Math.floor(reading.nextDueAtMs / 1000),
  };
}
