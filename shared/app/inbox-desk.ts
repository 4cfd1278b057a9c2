/**
 * The regulator's desk over the inbox: an entry with what it is about (the counterfeit
 * report with its photos, or the anomaly alert as it now stands), and status changes that
 * move a report's own status with its entry. It joins the inbox with reports and alerts,
 * which themselves file into the inbox, so it sits above all three.
 */

import { getReport, type Report, reportPhotoLink, reportStatusFor, reportStatusWrites } from '#counterfeit-reports';
import {
  changeInboxStatus,
  checkMove,
  getInboxHistory,
  type InboxChange,
  type InboxKind,
  type InboxRecord,
  type InboxStatus,
  visibleEntry,
} from '#inbox';
import type { Principal } from '#kernel/auth/principal';
import { BadRequestError, ConflictError } from '#kernel/errors';
import { getAlert } from '#scans';
import type { Alert } from '#scans/contract';

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
