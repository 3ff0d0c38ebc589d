import type { ScriptPresence } from './script-presence.js';
import type { TimeTravel } from './time-travel.js';

/** What the sandbox-only routes reach for; absent (null) in production, where they answer 404. */
export interface SandboxServices {
  timeTravel: TimeTravel;
  /** Whether scripted buyers exist (the event reaction's guard). */
  scripts: ScriptPresence;
  /** Stops re-reading the stored clock. */
  close(): Promise<void>;
}
