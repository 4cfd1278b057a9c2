import { describe, expect, it } from 'vitest';
import { errorResponse, errors, errorsDescribed } from '#kernel/http/route-definition';
import { ErrorBody } from '#shared/app/schemas';

describe('error responses of a route', () => {
  it('describe each status the usual way, with the error body', () => {
    expect(errors(400, 404, 418)).toEqual({
      400: { description: 'Invalid request', schema: ErrorBody },
      404: { description: 'Not found', schema: ErrorBody },
      418: { description: 'Error', schema: ErrorBody },
    });
  });

  it('take a family wording for the statuses it rewords and the usual one for the rest', () => {
    const drawErrors = errorsDescribed({ 404: 'No such draw', 409: 'Conflict with the state of the draw' });
    expect(drawErrors(401, 404, 409)).toEqual({
      401: errorResponse('Missing or invalid token'),
      404: errorResponse('No such draw'),
      409: errorResponse('Conflict with the state of the draw'),
    });
    // A family wording stays with its family.
    expect(errors(404)[404]?.description).toBe('Not found');
  });
});
