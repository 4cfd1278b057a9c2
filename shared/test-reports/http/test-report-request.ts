import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import { UnsupportedMediaTypeError } from '#kernel/errors';
import { parseOrRefuse } from '#kernel/http/middleware';
import { type FormInputs, multipartBoundary, readForm } from '#kernel/http/multipart';
import { requestBodyBytes } from '#kernel/http/request-body';
import { AttachReportFields, MAX_ATTACH_BODY_BYTES } from './schemas';

export interface AttachRequest {
  fields: z.output<typeof AttachReportFields>;
  pdf: Buffer | undefined;
}

const INVALID = 'Invalid attachment';

const FORM: FormInputs = { invalid: INVALID, fields: new Set(Object.keys(AttachReportFields.shape)), files: { pdf: { max: 1 } } };

/** A report attachment is multipart/form-data: its fields, and the PDF as the file part `pdf`. */
export const readAttachRequest = (event: APIGatewayProxyEventV2): AttachRequest => {
  const raw = requestBodyBytes(event, MAX_ATTACH_BODY_BYTES);
  const boundary = multipartBoundary(event.headers['content-type'] ?? '');
  if (boundary === undefined) throw new UnsupportedMediaTypeError('The request body must be multipart/form-data');
  const { values, files } = readForm(raw, boundary, FORM);
  return { fields: parseOrRefuse(AttachReportFields, values, INVALID), pdf: files.pdf?.[0] };
};
