import { sendReport } from '../api';
import { listReports, putReport, type QueuedReport, type ReportBody } from './device-db';

/**
 * Reports wait on the phone until they reach the service: each is stored first, then sent;
 * with no signal (or a busy service) it stays queued and is sent again when the phone comes
 * back online (the `online` event) or the app next opens. A refusal (bad input) is final and
 * shown with its reason. One send at a time, so a report is never sent twice by this phone.
 */
const listeners = new Set<() => void>();
const changed = (): void => {
  for (const listener of listeners) listener();
};

export const onReportsChanged = (listener: () => void): (() => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

let flushing: Promise<void> | undefined;
let again = false;

/**
 * A phone says it is online as soon as its radio is up, often before a request can get
 * through (and a busy service asks us to wait): while online, a report that could not be sent
 * is tried again after a pause that doubles each time, up to a minute.
 */
const FIRST_RETRY_MS = 1_000;
const LAST_RETRY_MS = 60_000;
let retryMs = FIRST_RETRY_MS;
let retry: number | undefined;

const retryLater = (): void => {
  if (retry !== undefined || !navigator.onLine) return;
  retry = window.setTimeout(() => {
    retry = undefined;
    void flushReports();
  }, retryMs);
  retryMs = Math.min(retryMs * 2, LAST_RETRY_MS);
};

const sendQueued = async (): Promise<void> => {
  for (const report of await listReports()) {
    if (report.state !== 'queued') continue;
    const outcome = await sendReport(report.body);
    if (outcome.kind === 'later') return retryLater();
    retryMs = FIRST_RETRY_MS;
    const done: QueuedReport =
      outcome.kind === 'sent'
        ? { ...report, state: 'sent', reference: outcome.reference }
        : { ...report, state: 'refused', refusal: { code: outcome.code, message: outcome.message } };
    await putReport(done);
    changed();
  }
};

/** Sends what is queued; a call during a send runs once more after it. */
export const flushReports = (): Promise<void> => {
  if (retry !== undefined) {
    window.clearTimeout(retry);
    retry = undefined;
  }
  if (flushing !== undefined) {
    again = true;
    return flushing;
  }
  flushing = (async () => {
    try {
      do {
        again = false;
        await sendQueued();
      } while (again);
    } finally {
      flushing = undefined;
    }
  })();
  return flushing;
};

export const queueReport = async (body: ReportBody): Promise<void> => {
  await putReport({ body, createdAt: new Date().toISOString(), state: 'queued' });
  changed();
  await flushReports();
};

/** From the app's start: send what an earlier visit left, and again whenever the signal returns. */
export const startReportQueue = (): void => {
  window.addEventListener('online', () => {
    retryMs = FIRST_RETRY_MS;
    void flushReports();
  });
  void flushReports();
};
