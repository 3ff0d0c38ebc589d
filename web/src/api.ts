/** A refused request: the status, Laravel's message, its field errors and Retry-After on a 429. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: Record<string, string[]> = {},
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** One call to Parley's API with a bearer key; the key goes in the header only, never in a URL. */
export async function callApi<T>(token: string, method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', Authorization: `Bearer ${token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'Parley cannot be reached. Check your connection and try again.');
  }
  if (response.status === 204) return undefined as T;
  const json = (await response.json().catch(() => null)) as Record<string, unknown> | null;
  if (!response.ok) {
    const retryAfter = Number(response.headers.get('Retry-After'));
    throw new ApiError(
      response.status,
      typeof json?.message === 'string' ? json.message : `The request failed (HTTP ${response.status}).`,
      (json?.errors as Record<string, string[]> | undefined) ?? {},
      Number.isFinite(retryAfter) && retryAfter > 0 ? Math.ceil(retryAfter) : null,
    );
  }
  return json as T;
}

/** The first field error if there is one (what the user can fix), else the message. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  const first = Object.values(error.errors)[0]?.[0];
  return first ?? error.message;
}
