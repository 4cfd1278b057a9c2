import { buildContainerLink, buildDigitalLink, type ScannedCode } from '#kernel/codes/digital-link';
import type { components } from '../../shared/openapi-types.generated';
import type { Jwks } from './code/signature-check';
import type { ReportBody } from './store/device-db';

/**
 * Every request the app makes, in one place (a test fails on a fetch anywhere else): its
 * config.json, the service's JWKS, a code's verdict and a report. All go to the service's own
 * origin (the app lives on the verification host): a label printed for another host is still
 * asked about here, by its path.
 */
type VerificationResult = components['schemas']['VerificationResult'];
type ReportReceipt = components['schemas']['ReportReceipt'];
type ErrorBody = components['schemas']['Error'];

export type VerdictStatus = VerificationResult['status'];

/** What the app shows and keeps of the server's answer. */
export interface ServerVerdict {
  status: VerdictStatus;
  checkedAt: string;
  /** Set when the phone had no signal and the service worker gave the last stored answer. */
  storedAt?: string;
  product?: { name: string; names?: { zh?: string; en?: string } };
  factory?: { name: string; names?: { zh?: string; en?: string } };
  lot?: string;
  endOfServiceLife?: string;
  recallReason?: string;
}

let apiBase: string | undefined;

/** The service worker's store of verdicts and its mark on each (service-worker.js). */
const DATA_CACHE = 'scan-data';
const STORED_AT = 'x-traceseal-stored-at';

/**
 * Whether the service answered the last request: a phone can show signal bars (and
 * navigator.onLine) in a tunnel where nothing gets through, so the app says "offline" from
 * what its requests meet too, until one gets an answer (the app asks again on `online`).
 */
let reachable = true;
const reachabilityWatchers = new Set<() => void>();

export const observeReachable = (answered: boolean): void => {
  if (reachable === answered) return;
  reachable = answered;
  for (const watcher of reachabilityWatchers) watcher();
};
export const isReachable = (): boolean => reachable;
export const onReachabilityChange = (watcher: () => void): (() => void) => {
  reachabilityWatchers.add(watcher);
  return () => reachabilityWatchers.delete(watcher);
};

/** fetch, noting whether the service answered (a stored verdict the service worker gave is no answer). */
const request = async (input: string, init: RequestInit): Promise<Response> => {
  try {
    const response = await fetch(input, { ...init, credentials: 'omit' });
    observeReachable(!response.headers.has(STORED_AT));
    return response;
  } catch (error) {
    observeReachable(false);
    throw error;
  }
};

/** The deployment's config.json (the API base; empty means this origin); this origin if it cannot be read. */
const base = async (): Promise<string> => {
  if (apiBase !== undefined) return apiBase;
  try {
    const response = await fetch(`${import.meta.env.BASE_URL}config.json`, { cache: 'no-cache' });
    const config = (await response.json()) as { apiBase?: unknown };
    apiBase = typeof config.apiBase === 'string' ? config.apiBase : '';
  } catch {
    apiBase = '';
  }
  return apiBase;
};

export const fetchJwks = async (): Promise<Jwks> => {
  const response = await request(`${await base()}/.well-known/jwks.json`, {});
  if (!response.ok) throw new Error(`jwks: HTTP ${response.status}`);
  const jwks = (await response.json()) as Partial<Jwks>;
  if (!Array.isArray(jwks.keys)) throw new Error('jwks: no keys');
  return { keys: jwks.keys };
};

/**
 * The last verdict the service worker stored for this code, without touching the network:
 * when the phone knows it has no connection, a request would only wait to fail.
 */
const storedVerdict = async (uri: string): Promise<Response | undefined> => {
  if (typeof caches === 'undefined') return undefined;
  const stored = await (await caches.open(DATA_CACHE)).match(uri, { ignoreVary: true });
  return stored?.headers.has(STORED_AT) ? stored : undefined;
};

/**
 * The server's verdict when the phone is online (the service worker answers with the stored one,
 * marked, if the request fails); offline, the stored one; undefined when there is neither.
 */
export const fetchVerdict = async (code: ScannedCode): Promise<ServerVerdict | undefined> => {
  const root = await base();
  const uri = code.kind === 'unit' ? buildDigitalLink(root, code) : buildContainerLink(root, code);
  let response: Response | undefined;
  try {
    if (navigator.onLine) {
      response = await request(uri, { headers: { accept: 'application/json' } });
    } else {
      observeReachable(false);
      response = await storedVerdict(new URL(uri, window.location.href).href);
    }
  } catch {
    return undefined;
  }
  if (response === undefined || !response.ok) return undefined;
  const body = (await response.json()) as Partial<VerificationResult>;
  if (typeof body.status !== 'string') return undefined;
  const storedAt = response.headers.get(STORED_AT);
  return {
    status: body.status,
    checkedAt: body.checkedAt ?? new Date().toISOString(),
    ...(storedAt === null ? {} : { storedAt }),
    ...(body.product === undefined
      ? {}
      : { product: { name: body.product.name, ...(body.product.names ? { names: body.product.names } : {}) } }),
    ...(body.factory === undefined
      ? {}
      : { factory: { name: body.factory.name, ...(body.factory.names ? { names: body.factory.names } : {}) } }),
    ...(body.batch === undefined ? {} : { lot: body.batch.lot, endOfServiceLife: body.batch.endOfServiceLife }),
    ...(body.batch?.recallReason === undefined ? {} : { recallReason: body.batch.recallReason }),
  };
};

export type ReportOutcome =
  | { kind: 'sent'; reference: string }
  | { kind: 'refused'; code: string; message: string }
  /** No signal, or the service is busy or failing: try again later. */
  | { kind: 'later' };

export const sendReport = async (report: ReportBody): Promise<ReportOutcome> => {
  let response: Response;
  try {
    response = await request(`${await base()}/v1/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(report),
    });
  } catch {
    return { kind: 'later' };
  }
  if (response.status === 202) return { kind: 'sent', reference: ((await response.json()) as ReportReceipt).reference };
  if (response.status === 429 || response.status >= 500) return { kind: 'later' };
  const error = ((await response.json().catch(() => undefined)) as ErrorBody | undefined)?.error;
  return { kind: 'refused', code: error?.code ?? `HTTP_${response.status}`, message: error?.message ?? '' };
};
