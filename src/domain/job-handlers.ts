import { AUTO_COMPLETE_JOB_HANDLERS } from './auto-complete.js';
import { BUYER_SCRIPT_JOB_HANDLERS } from './buyer-script.js';
import { DISPUTE_JOB_HANDLERS } from './dispute-deadlines.js';
import type { JobHandler } from './jobs.js';

/**
 * Every kind of scheduled job and the handler that runs it. One spread line per area: a kind
 * with no handler here is logged and retried later (an instance not yet upgraded leaves it for
 * one that knows it).
 */
export const JOB_HANDLERS: Readonly<Record<string, JobHandler>> = {
  ...DISPUTE_JOB_HANDLERS,
  ...AUTO_COMPLETE_JOB_HANDLERS,
  ...BUYER_SCRIPT_JOB_HANDLERS,
};

export function jobHandlerFor(kind: string): JobHandler | undefined {
  return Object.hasOwn(JOB_HANDLERS, kind) ? JOB_HANDLERS[kind] : undefined;
}
