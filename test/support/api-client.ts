import type { OpenApiValidator } from './openapi-validator.js';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty body. */
  body: T;
  text: string;
}

export interface RequestOptions {
  token?: string | null;
  /** Serialised as JSON. */
  json?: unknown;
  /** Sent as is (for malformed bodies); set the content type in `headers`. */
  raw?: string | Uint8Array;
  headers?: Record<string, string>;
}

/** A fetch wrapper that checks every response against the served OpenAPI document. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly validator: OpenApiValidator,
    private readonly defaultToken: string | null = null,
  ) {}

  withToken(token: string | null): ApiClient {
    return new ApiClient(this.baseUrl, this.validator, token);
  }

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    const token = options.token === undefined ? this.defaultToken : options.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: string | Uint8Array | undefined;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    } else if (options.raw !== undefined) {
      body = options.raw;
    }
    const url = `${this.baseUrl}${path}`;
    const response = await fetch(url, { method, headers, body: body as BodyInit | undefined });
    const text = await response.text();
    let parsed: unknown;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new Error(`${method} ${path}: answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
      }
    }
    this.validator.validate(method, url, response.status, parsed, response.headers.get('content-type'));
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  get<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('GET', path, options);
  }
  post<T = any>(path: string, json?: unknown, options: RequestOptions = {}) {
    return this.request<T>('POST', path, { ...options, json: options.raw === undefined ? json : undefined });
  }
  patch<T = any>(path: string, json?: unknown, options: RequestOptions = {}) {
    return this.request<T>('PATCH', path, { ...options, json });
  }
  delete<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('DELETE', path, options);
  }
}
