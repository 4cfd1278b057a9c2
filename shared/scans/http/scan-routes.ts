import { errorResponse as error, route } from '#kernel/http/route-definition';
import { ScanSummary, ScanSummaryQuery } from './schemas';

/** Scan records (shared/app/routes.ts spreads them into ROUTES). */

export const SCAN_ROUTES = {
  getScanSummary: route({
    operationId: 'getScanSummary',
    method: 'GET',
    path: '/v1/scans/summary',
    functionName: 'get-scan-summary',
    summary: "Scan counts by day and a map-ready rollup by city: a factory's of its products, a regulator's of its region",
    auth: ['factory', 'regulator'],
    query: ScanSummaryQuery,
    responses: {
      200: { description: 'The summary', schema: ScanSummary },
      400: error('Invalid request (range over 92 days, lot without gtin, a product filter from a regulator)'),
      401: error('Missing or invalid token'),
      403: error('Not a factory or regulator, or not your product'),
      404: error('GTIN not registered'),
    },
  }),
} as const;
