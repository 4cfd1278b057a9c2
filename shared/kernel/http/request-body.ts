import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { BadRequestError, PayloadTooLargeError } from '../errors';

/**
 * A request's body as bytes, whatever route reads it (JSON, a form): API Gateway hands a
 * binary body over base64-encoded, and the limit counts the decoded bytes, what is stored.
 */
export const requestBodyBytes = (event: APIGatewayProxyEventV2, maxBytes: number): Buffer => {
  if (event.body === undefined || event.body === '') throw new BadRequestError('MISSING_BODY', 'A request body is required');
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (raw.byteLength > maxBytes) throw new PayloadTooLargeError(maxBytes);
  return raw;
};
