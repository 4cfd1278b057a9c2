import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from '../../../shared/openapi-types.generated';

/**
 * The console's only way to the API: a client typed by the types generated from
 * /openapi.json, so the console calls exactly the public API (a browser test fails on any
 * other request) and `tsc` fails when a route it uses changes shape.
 */
export type ApiClient = ReturnType<typeof createClient<paths>>;

/** The error body every refusal has (`{"error":{"code","message","details?"}}`). */
export interface ApiError {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

export const createApiClient = (apiBase: string, accessToken: () => string | undefined): ApiClient => {
  const client = createClient<paths>({ baseUrl: apiBase === '' ? window.location.origin : apiBase });
  const bearer: Middleware = {
    onRequest({ request }) {
      const token = accessToken();
      if (token !== undefined) request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
  };
  client.use(bearer);
  return client;
};

/** An openapi-fetch answer turned into its data, or an ApiError thrown for TanStack Query. */
export const dataOf = async <T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> => {
  const { data, error, response } = await call;
  if (response.ok && data !== undefined) return data;
  const body = (error ?? {}) as { error?: { code?: unknown; message?: unknown } };
  const apiError: ApiError = {
    status: response.status,
    code: typeof body.error?.code === 'string' ? body.error.code : `HTTP_${response.status}`,
    message: typeof body.error?.message === 'string' ? body.error.message : response.statusText,
  };
  throw apiError;
};

export const isApiError = (value: unknown): value is ApiError =>
  typeof (value as ApiError | null)?.code === 'string' && typeof (value as ApiError | null)?.status === 'number';
