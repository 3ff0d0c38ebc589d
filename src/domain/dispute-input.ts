import { ValidationError, type FieldErrors } from './errors.js';

/**
 * The field rules of every dispute write, for callers that do not come through HTTP (the
 * scripted buyer, tests): the same rules and Laravel wording as the request schemas, so a body
 * the schema passed passes here too. Strings are trimmed, empty ones are missing, lengths are
 * counted in code points.
 */
export const DISPUTE_MESSAGE_MAX = 1200;
export const DISPUTE_EXPLANATION_MAX = 2000;
export const DISPUTE_NOTE_MAX = 1000;
export const DISPUTE_EVIDENCE_MAX = 5;
export const EVIDENCE_URL_MAX = 2048;
/** Per-case deadline overrides (admin open): 1 hour to 30 days. */
export const DISPUTE_HOURS_MAX = 720;

/** A public http(s) URL; the files are not fetched (GameBoost fetches them later). */
export const EVIDENCE_URL_PATTERN = '^https?://[^\\s/?#]+[^\\s]*$';
const EVIDENCE_URL = new RegExp(EVIDENCE_URL_PATTERN);

export class InputReader {
  readonly errors: FieldErrors = {};

  constructor(private readonly input: Record<string, unknown>) {}

  private fail(field: string, message: string): undefined {
    (this.errors[field] ??= []).push(message);
    return undefined;
  }

  /** A trimmed string of at most `max` code points; undefined when absent, null or blank. */
  text(field: string, max: number, required: boolean): string | undefined {
    const raw = this.input[field];
    const attr = field.replace(/_/g, ' ');
    if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
      return required ? this.fail(field, `The ${attr} field is required.`) : undefined;
    }
    if (typeof raw !== 'string') return this.fail(field, `The ${attr} field must be a string.`);
    const value = raw.trim();
    if ([...value].length > max) return this.fail(field, `The ${attr} field must not be greater than ${max} characters.`);
    if (value.includes('\u0000')) return this.fail(field, `The ${attr} field must not contain null characters.`);
    return value;
  }

  choice<T extends string>(field: string, allowed: readonly T[], required: boolean): T | undefined {
    const raw = this.input[field];
    if (raw === undefined || raw === null || raw === '') {
      return required ? this.fail(field, `The ${field.replace(/_/g, ' ')} field is required.`) : undefined;
    }
    if (typeof raw !== 'string' || !(allowed as readonly string[]).includes(raw)) return this.fail(field, `The selected ${field.replace(/_/g, ' ')} is invalid.`);
    return raw as T;
  }

  /** At most DISPUTE_EVIDENCE_MAX http(s) URLs; [] when absent. */
  evidence(field = 'evidence_urls'): string[] {
    const raw = this.input[field];
    if (raw === undefined || raw === null) return [];
    const attr = field.replace(/_/g, ' ');
    if (!Array.isArray(raw)) return this.fail(field, `The ${attr} field must be an array.`) ?? [];
    if (raw.length > DISPUTE_EVIDENCE_MAX) this.fail(field, `The ${attr} field must not have more than ${DISPUTE_EVIDENCE_MAX} items.`);
    const urls: string[] = [];
    raw.forEach((value, i) => {
      const url = typeof value === 'string' ? value.trim() : value;
      if (typeof url !== 'string' || url === '') this.fail(`${field}.${i}`, `The ${attr}.${i} field ${typeof url === 'string' ? 'is required.' : 'must be a string.'}`);
      else if ([...url].length > EVIDENCE_URL_MAX) this.fail(`${field}.${i}`, `The ${attr}.${i} field must not be greater than ${EVIDENCE_URL_MAX} characters.`);
      else if (!EVIDENCE_URL.test(url) || !URL.canParse(url)) this.fail(`${field}.${i}`, `The ${attr}.${i} field format is invalid.`);
      else urls.push(url);
    });
    return urls;
  }

  /** An integer between 1 and `max`; undefined when absent. */
  hours(field: string, max: number): number | undefined {
    const raw = this.input[field];
    if (raw === undefined || raw === null) return undefined;
    const attr = field.replace(/_/g, ' ');
    if (typeof raw !== 'number' || !Number.isInteger(raw)) return this.fail(field, `The ${attr} field must be an integer.`);
    if (raw < 1) return this.fail(field, `The ${attr} field must be at least 1.`);
    if (raw > max) return this.fail(field, `The ${attr} field must not be greater than ${max}.`);
    return raw;
  }

  throwIfInvalid(): void {
    if (Object.keys(this.errors).length > 0) throw new ValidationError(this.errors);
  }
}
