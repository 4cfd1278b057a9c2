/**
 * The regulators' inbox (this is also the contract the reports and the anomaly alerts file
 * through): counterfeit reports and anomaly alerts of a province, each with a status and
 * an append-only history of who moved it, when, and why.
 */
import type { Principal } from '#shared/auth/principal';
import type { Alert } from '#shared/domain/alerts';
import {
  checkMove,
  type InboxChange,
  type InboxEntry,
  type InboxKind,
  type InboxRecord,
  type InboxStatus,
  type RegulatorScope,
  regulatorMaySee,
  regulatorScopeOf,
  reportStatusFor,
  UNLOCATED_AREA,
} from '#shared/domain/inbox';
import { provinceOf, type Report, UNLOCATED_REGION } from '#shared/domain/reports';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '#shared/errors';
import { getAlert } from '#shared/store/alert-repository';
import {
  addInboxProvinces,
  changeInboxStatus,
  fileInboxEntry,
  getInboxEntry,
  getInboxHistory,
  type InboxPage,
  listInbox,
} from '#shared/store/inbox-repository';
import { reportPhotoLink } from '#shared/store/report-photo-store';
import { getReport, reportStatusWrites, scanReportRecords } from '#shared/store/report-repository';
import { requireRegisteredOrg } from './registry-service';

export type { InboxEntry } from '#shared/domain/inbox';

/** Files an entry (status `new`); filing the same kind+id again changes nothing. */
export const fileInInbox = async (entry: InboxEntry, now = new Date()): Promise<void> => {
  await fileInboxEntry(entry, now);
};

/** Lets the regulators of more provinces see a filed entry; provinces it has change nothing. */
export const addProvincesInInbox = async (kind: InboxKind, id: string, provinces: readonly string[]): Promise<void> => {
  await addInboxProvinces(kind, id, provinces);
};

/** The inbox entry of a report: its province (none when unlocated), its product, a one-line title. */
export const inboxEntryOfReport = (report: Report): InboxEntry => ({
  kind: 'report',
  id: report.reference,
  createdAt: report.createdAt,
  provinces: report.region === UNLOCATED_REGION ? [] : [report.region],
  ...(report.factoryOrgId === undefined ? {} : { factoryOrgId: report.factoryOrgId }),
  ...(report.code?.kind === 'unit' ? { gtin: report.code.gtin } : {}),
  title: `${report.city}: ${report.place}`.slice(0, 200),
});

/** The inbox is the regulators' alone; the calling organization must be registered as one. */
const regulatorScope = async (principal: Principal): Promise<RegulatorScope> => {
  if (principal.role !== 'regulator') throw new ForbiddenError('ROLE_NOT_ALLOWED', 'The inbox is for regulators');
  const org = await requireRegisteredOrg(principal);
  return regulatorScopeOf(provinceOf(org.region));
};

export interface InboxListInput {
  kind?: InboxKind;
  status?: InboxStatus;
  gtin?: string;
  from?: string;
  to?: string;
  /** The entries no province could be tied to, instead of your own area. */
  unlocated?: 'true' | 'false';
  cursor?: string;
  limit?: number;
}

/** A provincial regulator reads its province; a national one (region `CN`) the whole country. */
export const listInboxFor = async (principal: Principal, input: InboxListInput): Promise<InboxPage> => {
  const scope = await regulatorScope(principal);
  if (input.from !== undefined && input.to !== undefined && input.from > input.to) {
    throw new BadRequestError('INVALID_DATE_RANGE', '`from` must not be after `to`');
  }
  const area = input.unlocated === 'true' ? UNLOCATED_AREA : scope.kind === 'national' ? scope.country : scope.province;
  const { unlocated: _unlocated, ...options } = input;
  return listInbox(area, { ...options, reader: principal.orgId });
};

const notFound = (kind: InboxKind, id: string) => new NotFoundError('INBOX_ENTRY_NOT_FOUND', `No inbox entry ${kind}/${id}`);

/** Another province's entry is answered exactly like a missing one: its existence is not ours to reveal. */
const visibleEntry = async (principal: Principal, kind: InboxKind, id: string): Promise<InboxRecord> => {
  const scope = await regulatorScope(principal);
  const entry = await getInboxEntry(kind, id);
  if (entry === undefined || !regulatorMaySee(scope, entry.provinces)) throw notFound(kind, id);
  return entry;
};

/** A report photo as a regulator views it: a link as short-lived as an export's. */
export interface PhotoLink {
  url: string;
  contentType: string;
  bytes: number;
  expiresAt: string;
}

export const PHOTO_LINK_TTL_SECONDS = 15 * 60;

export interface InboxDetail {
  entry: InboxRecord;
  /** The report, reporter's contact included (regulators only), when the entry is one. */
  report?: Report;
  /** Links to view the report's photos, in the order they were sent; read the entry again for fresh ones. */
  photos?: PhotoLink[];
  /** The alert as it now stands (count, last scan), when the entry is one. */
  alert?: Alert;
  history: InboxChange[];
}

const photoLinksOf = async (report: Report, now: Date): Promise<PhotoLink[]> => {
  const expiresAt = new Date(now.getTime() + PHOTO_LINK_TTL_SECONDS * 1000).toISOString();
  return Promise.all(
    report.photos.map(async (photo, index) => ({
      url: await reportPhotoLink(photo, `${report.reference}-photo-${index + 1}`, PHOTO_LINK_TTL_SECONDS),
      contentType: photo.contentType,
      bytes: photo.bytes,
      expiresAt,
    })),
  );
};

export const getInboxDetailFor = async (principal: Principal, kind: InboxKind, id: string): Promise<InboxDetail> => {
  const entry = await visibleEntry(principal, kind, id);
  const [history, report, alert] = await Promise.all([
    getInboxHistory(kind, id),
    kind === 'report' ? getReport(id) : Promise.resolve(undefined),
    kind === 'alert' ? getAlert(id) : Promise.resolve(undefined),
  ]);
  // Links are made only here, after the entry was found within the caller's area.
  const photos = report === undefined ? undefined : await photoLinksOf(report, new Date());
  return {
    entry,
    ...(report === undefined ? {} : { report, photos }),
    ...(alert === undefined ? {} : { alert }),
    history,
  };
};

export interface StatusChangeInput {
  status: InboxStatus;
  note?: string;
  /** The version the caller last read: a change made since is a conflict rather than silently overtaken. */
  expectedVersion?: number;
}

/**
 * Moves an entry (new → investigating → closed, closed → investigating to reopen) and, for a
 * report, the report's own status with it, in one transaction, so its factory sees progress.
 */
export const changeInboxStatusFor = async (
  principal: Principal,
  kind: InboxKind,
  id: string,
  input: StatusChangeInput,
  now = new Date(),
): Promise<InboxDetail> => {
  const note = input.note?.trim() === '' ? undefined : input.note?.trim();
  if (input.status === 'closed' && note === undefined) {
    throw new BadRequestError('NOTE_REQUIRED', 'Closing an entry needs a note saying why');
  }
  const entry = await visibleEntry(principal, kind, id);
  if (input.expectedVersion !== undefined && input.expectedVersion !== entry.version) {
    throw new ConflictError('INBOX_CONCURRENT_CHANGE', 'The entry changed since you read it: read it again', {
      version: entry.version,
      status: entry.status,
    });
  }
  const move = checkMove(entry.status, input.status, note);
  if (!move.ok && move.reason === 'note_required') {
    throw new BadRequestError('NOTE_REQUIRED', 'Reopening a closed entry needs a note saying why');
  }
  if (!move.ok) {
    throw new ConflictError('INBOX_MOVE_NOT_ALLOWED', `An entry that is ${entry.status} cannot become ${input.status}`, {
      status: entry.status,
    });
  }
  const change: InboxChange = {
    at: now.toISOString(),
    by: { orgId: principal.orgId, subject: principal.clientId },
    from: entry.status,
    to: input.status,
    ...(note === undefined ? {} : { note }),
  };
  const report = kind === 'report' ? await getReport(id) : undefined;
  const alsoWrite = report === undefined ? [] : reportStatusWrites(report, reportStatusFor(input.status));
  if ((await changeInboxStatus(entry, change, alsoWrite)) === 'conflict') {
    throw new ConflictError('INBOX_CONCURRENT_CHANGE', 'Someone changed the entry at the same time: read it again');
  }
  return getInboxDetailFor(principal, kind, id);
};

/**
 * One page of the back-fill (scripts/backfill-inbox.ts): files every report of the page
 * that has no inbox entry yet. Filing is idempotent, so a page run twice (a crash between
 * a page and its checkpoint) changes nothing.
 */
export const backfillReportsPage = async (
  cursor: string | undefined,
): Promise<{ filed: number; alreadyFiled: number; cursor?: string }> => {
  const page = await scanReportRecords(cursor);
  let filed = 0;
  for (const report of page.reports) {
    if ((await fileInboxEntry(inboxEntryOfReport(report), new Date())) === 'filed') filed += 1;
  }
  return {
    filed,
    alreadyFiled: page.reports.length - filed,
    ...(page.cursor === undefined ? {} : { cursor: page.cursor }),
  };
};
