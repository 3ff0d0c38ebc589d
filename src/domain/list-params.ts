import { ValidationError, type FieldErrors } from './errors.js';

/** A list endpoint's query as the client sent it: every value a string, brackets already resolved. */
export interface ListParams {
  page?: string;
  per_page?: string;
  sort?: string;
  filter: Partial<Record<string, string>>;
}

export const DEFAULT_PER_PAGE = 15;
export const MAX_PER_PAGE = 50;

const ID_LIST = /^\d{1,15}(,\d{1,15})*$/;

export interface SortKey<C extends string> {
  column: C;
  direction: 'asc' | 'desc';
}

/**
 * Reads the paging, id-list, enum-list and sort parameters every list shares (orders, offers,
 * stock), collecting each bad value into one 422 that names the field the way Laravel does
 * (`filter.status`, `per_page`, `sort`); `throwIfInvalid` raises it once everything was read.
 */
export class ListParamsReader {
  readonly errors: FieldErrors = {};
  readonly page: number;
  readonly perPage: number;

  constructor(
    private readonly params: ListParams,
    paging: { defaultPerPage: number; maxPerPage: number } = { defaultPerPage: DEFAULT_PER_PAGE, maxPerPage: MAX_PER_PAGE },
  ) {
    // Laravel's paginator resolves a missing or invalid page to 1 rather than failing.
    const pageNumber = /^\d{1,9}$/.test(params.page ?? '') ? Number(params.page) : 1;
    this.page = Math.max(1, pageNumber);
    let perPage = paging.defaultPerPage;
    if (params.per_page !== undefined) {
      if (!/^-?\d+$/.test(params.per_page)) this.fail('per_page', 'The per page field must be an integer.');
      else if (Number(params.per_page) < 1 || Number(params.per_page) > paging.maxPerPage) {
        this.fail('per_page', `The per page field must be between 1 and ${paging.maxPerPage}.`);
      } else perPage = Number(params.per_page);
    }
    this.perPage = perPage;
  }

  get offset(): number {
    return (this.page - 1) * this.perPage;
  }

  fail(field: string, message: string): void {
    (this.errors[field] ??= []).push(message);
  }

  /** `filter[name]` as a comma list of ids (white space ignored); undefined when absent or bad. */
  idList(name: string): number[] | undefined {
    const value = this.params.filter[name];
    if (value === undefined) return undefined;
    const compact = value.replace(/\s+/g, '');
    if (!ID_LIST.test(compact)) {
      this.fail(`filter.${name}`, `The filter.${name} field must be a comma-separated list of integer ids.`);
      return undefined;
    }
    return compact.split(',').map(Number);
  }

  /** `filter[name]` as a comma list of `allowed` values; undefined when absent or bad. */
  enumList<T extends string>(name: string, allowed: readonly T[]): T[] | undefined {
    const value = this.params.filter[name];
    if (value === undefined) return undefined;
    const values = value.split(',').map((s) => s.trim());
    if (values.some((s) => !(allowed as readonly string[]).includes(s))) {
      this.fail(`filter.${name}`, `The selected filter.${name} is invalid. Allowed: ${allowed.join(', ')}.`);
      return undefined;
    }
    return values as T[];
  }

  /**
   * `sort` over `keys` (public name -> column), `-` for descending, then `id` to break every tie
   * so that pages are stable: descending when nothing else was asked for (newest first).
   */
  sort<C extends string>(keys: Record<string, C>, id: C): SortKey<C>[] {
    const sort: SortKey<C>[] = [];
    if (this.params.sort !== undefined) {
      // Empty parts are dropped, as Spatie's query builder does: `sort=` means the default order.
      for (const key of this.params.sort.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
        const descending = key.startsWith('-');
        const name = descending ? key.slice(1) : key;
        // Own keys only: `sort=__proto__` or `sort=constructor` must not find Object.prototype's.
        const column = Object.hasOwn(keys, name) ? keys[name] : undefined;
        if (!column) {
          this.fail('sort', `The selected sort is invalid. Allowed: ${Object.keys(keys).join(', ')} (prefix - for descending).`);
          break;
        }
        sort.push({ column, direction: descending ? 'desc' : 'asc' });
      }
    }
    if (!sort.some((s) => s.column === id)) sort.push({ column: id, direction: sort.length ? 'asc' : 'desc' });
    return sort;
  }

  throwIfInvalid(): void {
    if (Object.keys(this.errors).length) throw new ValidationError(this.errors);
  }
}
