import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '#kernel/errors';
import { multipartBoundary, parseMultipart } from '#kernel/http/multipart';
import { AttachReportFields, MAX_ATTACH_BODY_BYTES } from './schemas';

export interface AttachRequest {
  fields: z.output<typeof AttachReportFields>;
  pdf: Buffer | undefined;
}

const FIELDS = new Set(Object.keys(AttachReportFields.shape));

/** A report attachment is multipart/form-data: its fields, and the PDF as the file part `pdf`. */
export const readAttachRequest = (event: APIGatewayProxyEventV2): AttachRequest => {
  if (event.body === undefined || event.body === '') throw new BadRequestError('MISSING_BODY', 'A request body is required');
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (raw.byteLength > MAX_ATTACH_BODY_BYTES) throw new PayloadTooLargeError(MAX_ATTACH_BODY_BYTES);
  const boundary = multipartBoundary(event.headers['content-type'] ?? '');
  if (boundary === undefined) throw new UnsupportedMediaTypeError('The request body must be multipart/form-data');
  const values: Record<string, string> = {};
  let pdf: Buffer | undefined;
  for (const part of parseMultipart(raw, boundary)) {
    if (part.name === 'pdf') {
      if (pdf !== undefined) throw new ValidationError('Invalid attachment', [{ path: 'pdf', message: 'Given more than once' }]);
      pdf = part.data;
      continue;
    }
    if (!FIELDS.has(part.name) || part.filename !== undefined) {
      throw new ValidationError('Invalid attachment', [{ path: part.name, message: 'Unrecognized field' }]);
    }
    if (values[part.name] !== undefined) {
      throw new ValidationError('Invalid attachment', [{ path: part.name, message: 'Given more than once' }]);
    }
    values[part.name] = part.data.toString('utf8');
  }
  const result = AttachReportFields.safeParse(values);
  if (!result.success) {
    throw new ValidationError(
      'Invalid attachment',
      result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
    );
  }
  return { fields: result.data, pdf };
};
