import { Parley, type ParleyOptions } from '../../sdk/src/index.js';
import type { TestParley } from '../support/parley.js';

/**
 * SDK clients on a started server that note every operation answered with a success, so a suite
 * can say which operations of the served document it has exercised.
 */
export class SdkHarness {
  readonly covered = new Set<string>();

  constructor(readonly parley: TestParley) {}

  client(token: string | null, options: Partial<ParleyOptions> = {}): Parley {
    return new Parley({
      baseUrl: this.parley.url,
      token,
      ...options,
      onResponse: (info) => {
        if (info.operationId && info.status < 300) this.covered.add(info.operationId);
        options.onResponse?.(info);
      },
    });
  }

  get admin(): Parley {
    return this.client(this.parley.adminToken);
  }

  /** The operationIds of the served document (what the server answers today). */
  async servedOperationIds(): Promise<string[]> {
    const document = (await (await fetch(`${this.parley.url}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, { operationId?: string }>> };
    return Object.values(document.paths).flatMap((item) =>
      ['get', 'put', 'post', 'patch', 'delete'].map((m) => item[m]?.operationId).filter((id): id is string => id !== undefined));
  }
}

let counter = 0;
/** A name no other test run uses. */
export const unique = (prefix: string) => `${prefix}-${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
