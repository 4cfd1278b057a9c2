import { fileInInbox, type InboxEntry } from '#inbox';
import type { Principal } from '#kernel/auth/principal';
import { readLabel } from '#kernel/codes/digital-link';
import { AppError, BadRequestError, ForbiddenError, TooManyRequestsError } from '#kernel/errors';
import { provinceOf } from '#kernel/places/provinces';
import type { ScanPlace } from '#kernel/places/viewer-place';
import { getOrganization, getProductRecord, requireRegisteredOrg } from '#registry';
import { checkPhoto, MAX_REPORT_PHOTO_BYTES, type ReportPhotoType } from '../domain/report-photos';
import {
  newReportReference,
  type Report,
  type ReportedCode,
  type ReportPhoto,
  type ReportStatus,
  UNLOCATED_REGION,
} from '../domain/reports';
import { putReportPhoto, reportPhotoKey } from '../store/report-photo-store';
import { consumeReportQuota, listReports, putReport, type ReportPage, scanReportRecords } from '../store/report-repository';
import { hashSourceIp } from './report-pepper';

/** Reports one source IP may file per hour. */
export const REPORTS_PER_IP_PER_HOUR = 5;

export type ReportSubmission = ({ honeypot: true } | { honeypot: false; fields: ReportFieldValues; photos: Buffer[] }) & {
  sourceIp: string;
  /** Where the reporter stood, from its address (shared/counterfeit-reports/http/report-request.ts `reporterPlace`). */
  reporterPlace: ScanPlace;
  /** The verification host (VERIFY_BASE_URL): a code sent as a path is a path on it. */
  verifyBaseUrl: string;
};

export interface ReportFieldValues {
  code?: string;
  place: string;
  city: string;
  description: string;
  contact?: string;
}

const checkedPhotos = (photos: readonly Buffer[]): { bytes: Buffer; contentType: ReportPhotoType }[] =>
  photos.map((bytes, index) => {
    if (bytes.length > MAX_REPORT_PHOTO_BYTES) {
      throw new AppError(413, 'PHOTO_TOO_LARGE', `Photo ${index + 1} is larger than ${MAX_REPORT_PHOTO_BYTES} bytes`);
    }
    const check = checkPhoto(bytes);
    if (check.ok) return { bytes, contentType: check.contentType };
    if (check.reason === 'truncated') {
      throw new BadRequestError('TRUNCATED_PHOTO', `Photo ${index + 1} is cut off or damaged: send it again`);
    }
    throw new AppError(415, 'UNSUPPORTED_PHOTO_TYPE', `Photo ${index + 1} is not a JPEG, PNG or WebP image`);
  });

/**
 * The code as a full URI. The verify page is served by our verification host, so its form
 * may send the code as the path it was served at (`/01/…?8030=…`): that path names the same
 * label as the URI printed on it, and is completed with the host, so a report from the page
 * is filed exactly like one that sent the whole URI. Anything else is kept as sent.
 */
export const absoluteCodeUri = (value: string, verifyBaseUrl: string): string =>
  value.startsWith('/') && !value.startsWith('//') ? `${verifyBaseUrl.replace(/\/+$/, '')}${value}` : value;

/** What the code says, if anything: reading it must never stop a report, forged codes are the point. */
const readReportedCode = (uri: string): ReportedCode => {
  try {
    const { code } = readLabel(uri);
    return code.kind === 'unit'
      ? { kind: 'unit', gtin: code.gtin, lot: code.lot, serial: code.serial, uri }
      : { kind: 'container', sscc: code.sscc, uri };
  } catch (error) {
    if (error instanceof AppError && error.statusCode < 500) return { kind: 'unreadable', uri };
    throw error;
  }
};

/** The product's factory, for a unit code whose GTIN is registered here; with its province. */
const factoryOf = async (code: ReportedCode | undefined): Promise<{ orgId: string; province?: string } | undefined> => {
  if (code?.kind !== 'unit') return undefined;
  const record = await getProductRecord(code.gtin);
  if (record === undefined) return undefined;
  const factory = await getOrganization(record.product.ownerOrgId);
  return { orgId: record.product.ownerOrgId, ...(factory === undefined ? {} : { province: provinceOf(factory.region) }) };
};

const REFERENCE_ATTEMPTS = 3;

/**
 * Files a report. Everything the caller sent is checked before anything is written; then
 * the rate limit counts it; then photos and the report are stored. A filled honeypot gets
 * a receipt that looks like any other and nothing is stored: a bot learns nothing.
 */
export const submitReport = async (submission: ReportSubmission, now = new Date()): Promise<{ reference: string }> => {
  if (submission.honeypot) return { reference: newReportReference(now) };
  const photos = checkedPhotos(submission.photos);
  const sent = submission.fields.code;
  const code = sent === undefined ? undefined : readReportedCode(absoluteCodeUri(sent, submission.verifyBaseUrl));

  const quota = await consumeReportQuota(await hashSourceIp(submission.sourceIp), now, REPORTS_PER_IP_PER_HOUR);
  if (!quota.allowed) {
    throw new TooManyRequestsError(quota.retryAfterSeconds, 'Too many reports from your network: try again later');
  }

  const factory = await factoryOf(code);
  // Where the reporter stood decides which regulators hear of it; failing that, the factory's province.
  const region = submission.reporterPlace.province ?? factory?.province ?? UNLOCATED_REGION;
  const { contact, ...fields } = submission.fields;
  for (let attempt = 0; attempt < REFERENCE_ATTEMPTS; attempt++) {
    const reference = newReportReference(now);
    const stored: ReportPhoto[] = [];
    for (const [index, photo] of photos.entries()) {
      const key = reportPhotoKey(reference, index, photo.contentType);
      await putReportPhoto(key, photo.bytes, photo.contentType);
      stored.push({ key, contentType: photo.contentType, bytes: photo.bytes.length });
    }
    const report: Report = {
      reference,
      status: 'received',
      createdAt: now.toISOString(),
      ...(code === undefined ? {} : { code }),
      ...(factory === undefined ? {} : { factoryOrgId: factory.orgId }),
      region,
      place: fields.place,
      city: fields.city,
      description: fields.description,
      ...(contact === undefined ? {} : { contact }),
      photos: stored,
    };
    if (await putReport(report)) {
      await fileInInbox(inboxEntryOfReport(report), now);
      return { reference };
    }
  }
  throw new Error('Could not find a free report reference');
};

export interface ReportListInput {
  status?: ReportStatus;
  from?: string;
  to?: string;
  unlocated?: 'true' | 'false';
  cursor?: string;
  limit?: number;
}

/**
 * A factory reads the reports about its own products, without the reporters' contacts; a
 * regulator those of its province (or, asked, the ones no province could be tied to), with them.
 */
export const listReportsFor = async (principal: Principal, input: ReportListInput): Promise<ReportPage> => {
  const org = await requireRegisteredOrg(principal);
  const options = {
    status: input.status,
    from: input.from,
    to: input.to,
    cursor: input.cursor,
    reader: org.id,
    limit: input.limit,
  };
  if (input.from !== undefined && input.to !== undefined && input.from > input.to) {
    throw new BadRequestError('INVALID_DATE_RANGE', '`from` must not be after `to`');
  }
  if (org.role === 'factory') {
    if (input.unlocated === 'true')
      throw new BadRequestError('UNLOCATED_FOR_REGULATORS', 'Only regulators read unlocated reports');
    const page = await listReports({ kind: 'factory', orgId: org.id }, options);
    return { ...page, reports: page.reports.map(({ contact: _contact, ...report }) => report) };
  }
  if (org.role === 'regulator') {
    const province = input.unlocated === 'true' ? UNLOCATED_REGION : provinceOf(org.region);
    return listReports({ kind: 'region', province }, options);
  }
  throw new ForbiddenError('ROLE_NOT_ALLOWED', 'Reports are read by factories and regulators');
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
    if ((await fileInInbox(inboxEntryOfReport(report), new Date())) === 'filed') filed += 1;
  }
  return {
    filed,
    alreadyFiled: page.reports.length - filed,
    ...(page.cursor === undefined ? {} : { cursor: page.cursor }),
  };
};
