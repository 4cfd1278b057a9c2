import { isIP } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import { BadRequestError, UnsupportedMediaTypeError, ValidationError } from '#kernel/errors';
import { parseOrRefuse } from '#kernel/http/middleware';
import { type FormInputs, multipartBoundary, readForm } from '#kernel/http/multipart';
import { requestBodyBytes } from '#kernel/http/request-body';
import type { ScanPlace } from '#kernel/places/viewer-place';
import { type IpRegion, placeOfViewer } from '#kernel/places/viewer-place';
import { MAX_REPORT_PHOTOS } from '../domain/report-photos';
import { CreateReportJsonBody, MAX_REPORT_BODY_BYTES, ReportFields } from './schemas';

/**
 * A filled honeypot field (`website`, hidden from people) marks a bot: it is recognized
 * before anything else is checked, so a bot's answer never depends on what else it sent.
 */
export type ReportRequest =
  | { honeypot: true }
  | { honeypot: false; fields: Omit<z.output<typeof ReportFields>, 'website'>; photos: Buffer[] };

const isFilled = (value: unknown): boolean => typeof value === 'string' && value.trim() !== '';

const tooManyPhotos = () => new BadRequestError('TOO_MANY_PHOTOS', `A report takes at most ${MAX_REPORT_PHOTOS} photos`);

const INVALID = 'Invalid report';

const FORM: FormInputs = {
  invalid: INVALID,
  fields: new Set(Object.keys(ReportFields.shape)),
  files: { photos: { max: MAX_REPORT_PHOTOS, tooMany: tooManyPhotos } },
};

const fromMultipart = (raw: Buffer, boundary: string): ReportRequest => {
  const { values, files } = readForm(raw, boundary, FORM);
  if (isFilled(values.website)) return { honeypot: true };
  const { website: _website, ...fields } = parseOrRefuse(ReportFields, values, INVALID);
  return { honeypot: false, fields, photos: files.photos ?? [] };
};

const fromJson = (raw: Buffer): ReportRequest => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new BadRequestError('MALFORMED_JSON', 'The request body is not valid JSON');
  }
  if (typeof parsed === 'object' && parsed !== null && isFilled((parsed as { website?: unknown }).website))
    return { honeypot: true };
  if (typeof parsed === 'object' && parsed !== null && Array.isArray((parsed as { photos?: unknown }).photos)) {
    if ((parsed as { photos: unknown[] }).photos.length > MAX_REPORT_PHOTOS) throw tooManyPhotos();
  }
  const { website: _website, photos, ...fields } = parseOrRefuse(CreateReportJsonBody, parsed, INVALID);
  const decoded = (photos ?? []).map((photo, index) => {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(photo) || photo.length % 4 !== 0) {
      throw new ValidationError(INVALID, [{ path: `photos.${index}`, message: 'must be base64' }]);
    }
    return Buffer.from(photo, 'base64');
  });
  return { honeypot: false, fields, photos: decoded };
};

/**
 * A report arrives as JSON (photos base64) from apps and scripts, or as multipart/form-data
 * from the page's form, which works without JavaScript. Both end in the same checked fields.
 */
export const readReportRequest = (event: APIGatewayProxyEventV2): ReportRequest => {
  const raw = requestBodyBytes(event, MAX_REPORT_BODY_BYTES);
  const contentType = event.headers['content-type'] ?? '';
  if (/^application\/json\s*(;|$)/i.test(contentType)) return fromJson(raw);
  const boundary = multipartBoundary(contentType);
  if (boundary !== undefined) return fromMultipart(raw, boundary);
  throw new UnsupportedMediaTypeError('The request body must be application/json or multipart/form-data');
};

/**
 * The reporter's address, for the rate limit (hashed) and its place (looked up in memory),
 * never stored or logged. Behind
 * CloudFront, API Gateway's source IP is CloudFront's; CloudFront-Viewer-Address (`ip:port`)
 * is the viewer's, set by CloudFront on the origin request (the local gateway does the same
 * and drops a viewer's own). Only one well-formed `ip:port` counts: anything else (a value
 * repeated, a list) is not an address a viewer gets to choose, so the source IP stands in.
 */
export const reporterAddress = (event: APIGatewayProxyEventV2): string => {
  const viewer = event.headers['cloudfront-viewer-address']?.trim() ?? '';
  const colon = viewer.lastIndexOf(':');
  const ip = colon > 0 ? viewer.slice(0, colon) : '';
  const port = viewer.slice(colon + 1);
  if (isIP(ip) !== 0 && /^\d{1,5}$/.test(port)) return ip;
  return event.requestContext.http.sourceIp;
};

/**
 * Where the reporter stood, as scans are placed: the country CloudFront determined, and the
 * province and city of the reporter's address (above) in the offline IP database. No
 * `CloudFront-Viewer-Country-Region` or `-City` is read: CloudFront does not set them on
 * requests from the AWS network, so there a viewer's own would reach the origin and choose
 * which province's regulators hear of the report. A country header can only keep a place at
 * country level (placeOfViewer wants both to say mainland China), never name a province.
 */
export const reporterPlace = (event: APIGatewayProxyEventV2, locate: (address: string) => IpRegion | undefined): ScanPlace =>
  placeOfViewer(locate(reporterAddress(event)), event.headers['cloudfront-viewer-country']);

/** A browser's form post wants the page; apps and scripts get JSON. */
export const acceptsHtml = (accept: string | undefined): boolean => {
  if (accept === undefined) return false;
  const html = accept.indexOf('text/html');
  const json = accept.indexOf('application/json');
  return html !== -1 && (json === -1 || html < json);
};
