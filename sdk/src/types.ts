import type { operations } from './schema.js';
import type { OPERATIONS } from './operations.js';

/** Every operationId of the document; a route added later is here after `npm run sdk:generate`. */
export type OperationId = keyof typeof OPERATIONS & keyof operations;

type Op<I extends OperationId> = operations[I];
type Parameters<I extends OperationId> = Op<I> extends { parameters: infer P } ? P : never;
type PathOf<I extends OperationId> = NonNullable<Parameters<I> extends { path?: infer P } ? P : never>;
type QueryOf<I extends OperationId> = NonNullable<Parameters<I> extends { query?: infer Q } ? Q : never>;
type RequestBodyOf<I extends OperationId> = Op<I> extends { requestBody?: infer B } ? B : never;
type JsonOf<B> = B extends { content: { 'application/json': infer J } } ? J : never;

/** Path parameters are ids: numbers are welcome, as in the URL. */
type PathPart<I extends OperationId> = [PathOf<I>] extends [never]
  ? { path?: undefined }
  : { path: { [K in keyof PathOf<I>]: string | number } };
type QueryPart<I extends OperationId> = [QueryOf<I>] extends [never]
  ? { query?: undefined }
  : { query?: QueryOf<I> & Record<string, string | number | boolean | readonly (string | number)[] | undefined> };
type BodyPart<I extends OperationId> = [NonNullable<RequestBodyOf<I>>] extends [never]
  ? { body?: undefined }
  : undefined extends RequestBodyOf<I>
    ? { body?: JsonOf<NonNullable<RequestBodyOf<I>>> }
    : { body: JsonOf<NonNullable<RequestBodyOf<I>>> };

/** Per-call settings beside the operation's own parameters. */
export interface CallOptions {
  /** POST and PATCH get a random one; give your own to make a retry across processes safe. */
  idempotencyKey?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** What `call(operationId, params)` takes: the path, query and body the operation declares. */
export type CallParams<I extends OperationId> = PathPart<I> & QueryPart<I> & BodyPart<I> & CallOptions;

type SuccessStatus = 200 | 201 | 202 | 204;
type Responses<I extends OperationId> = Op<I> extends { responses: infer R } ? R : never;
/** The success answer's body (undefined for a 204). */
export type CallResult<I extends OperationId> = {
  [S in keyof Responses<I> & SuccessStatus]: Responses<I>[S] extends { content: { 'application/json': infer T } } ? T : undefined;
}[keyof Responses<I> & SuccessStatus];

/** The arguments after the operationId: the params may be left out when nothing in them is required. */
export type CallArgs<I extends OperationId> = {} extends CallParams<I> ? [params?: CallParams<I>] : [params: CallParams<I>];

/** Operations whose answer is a Laravel paginator (`data`, `links`, `meta`). */
export type PaginatedOperationId = {
  [I in OperationId]: CallResult<I> extends { data: unknown[]; meta: { current_page: number; last_page: number } } ? I : never;
}[OperationId];

/** One element of a paginated operation's `data`. */
export type PageItem<I extends OperationId> = CallResult<I> extends { data: (infer T)[] } ? T : never;
