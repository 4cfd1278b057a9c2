import type { ServerVerdict } from '../api';
import type { Jwks, SignatureCheck } from '../code/signature-check';

/**
 * What the app keeps on the phone, in IndexedDB and nowhere else: the units this person
 * scanned with their verdicts ("my scans", never sent anywhere), the reports waiting for a
 * signal, and the last JWKS seen (the service worker keeps one too; this copy also serves a
 * browser without one).
 */
export interface ScanRecord {
  id?: number;
  uri: string;
  scannedAt: string;
  signature: SignatureCheck;
  /** The server's verdict; absent when it could not be asked (offline). */
  server?: ServerVerdict;
}

export type ReportState = 'queued' | 'sent' | 'refused';

export interface ReportBody {
  code?: string;
  place: string;
  city: string;
  description: string;
  contact?: string;
}

export interface QueuedReport {
  id?: number;
  body: ReportBody;
  createdAt: string;
  state: ReportState;
  /** The service's reference once it received the report. */
  reference?: string;
  /** Why the service refused it (its stable code and message): sending it again would not help. */
  refusal?: { code: string; message: string };
}

const DB_NAME = 'traceseal-scan';
const STORES = { scans: 'scans', reports: 'reports', meta: 'meta' } as const;
type StoreName = (typeof STORES)[keyof typeof STORES];

let opening: Promise<IDBDatabase> | undefined;

const open = (): Promise<IDBDatabase> =>
  (opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore(STORES.scans, { keyPath: 'id', autoIncrement: true });
      db.createObjectStore(STORES.reports, { keyPath: 'id', autoIncrement: true });
      db.createObjectStore(STORES.meta);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  }));

const run = async <T>(store: StoreName, mode: IDBTransactionMode, action: (store: IDBObjectStore) => IDBRequest): Promise<T> => {
  const db = await open();
  return new Promise<T>((resolve, reject) => {
    const transaction = db.transaction(store, mode);
    const request = action(transaction.objectStore(store));
    transaction.oncomplete = () => resolve(request.result as T);
    transaction.onerror = () => reject(transaction.error);
  });
};

export const addScan = (scan: ScanRecord): Promise<number> => run(STORES.scans, 'readwrite', (s) => s.add(scan));

/** Newest first. */
export const listScans = async (): Promise<ScanRecord[]> =>
  (await run<ScanRecord[]>(STORES.scans, 'readonly', (s) => s.getAll())).reverse();

export const clearScans = (): Promise<void> => run(STORES.scans, 'readwrite', (s) => s.clear());

export const putReport = (report: QueuedReport): Promise<number> => run(STORES.reports, 'readwrite', (s) => s.put(report));

/** Newest first. */
export const listReports = async (): Promise<QueuedReport[]> =>
  (await run<QueuedReport[]>(STORES.reports, 'readonly', (s) => s.getAll())).reverse();

export const saveJwks = (jwks: Jwks): Promise<void> => run(STORES.meta, 'readwrite', (s) => s.put(jwks, 'jwks'));

export const storedJwks = (): Promise<Jwks | undefined> => run(STORES.meta, 'readonly', (s) => s.get('jwks'));
