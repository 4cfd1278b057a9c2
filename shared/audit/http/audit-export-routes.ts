import { errorResponse as error, route } from '#kernel/http/route-definition';
import { CreateExportRequest, ExportJobView, ExportParams } from './export-schemas';

/**
 * Audit exports (shared/app/routes.ts spreads these into ROUTES): whoever may query EPCIS
 * events may export what it sees; a job is its organization's alone.
 */
export const AUDIT_EXPORT_ROUTES = {
  createExport: route({
    operationId: 'createExport',
    method: 'POST',
    path: '/v1/audit/exports',
    functionName: 'create-audit-export',
    summary: 'Start an export of the events the caller sees (EPCIS, CSV or NDJSON), with proofs and a signed manifest',
    auth: ['factory', 'distributor', 'regulator'],
    body: CreateExportRequest,
    responses: {
      202: { description: 'Started; GET the Location header for progress and, when done, the links', schema: ExportJobView },
      400: error('Invalid request (QUERY_PARAMETER_EXCEPTION names bad query parameters)'),
      401: error('Missing or invalid token'),
      403: error('Role or organization not allowed'),
      409: error('NO_CHECKPOINT: no tree head is signed yet'),
      429: error('TOO_MANY_JOBS: the organization already has its limit of unfinished exports (Retry-After says when to retry)'),
    },
  }),
  getExport: route({
    operationId: 'getExport',
    method: 'GET',
    path: '/v1/audit/exports/{exportId}',
    functionName: 'get-audit-export',
    summary: "An export's state, progress and, when done, its download links and manifest",
    auth: ['factory', 'distributor', 'regulator'],
    params: ExportParams,
    responses: {
      200: { description: 'The export', schema: ExportJobView },
      400: error('Invalid request'),
      401: error('Missing or invalid token'),
      403: error('Role or organization not allowed'),
      404: error("No such export of the caller's organization"),
    },
  }),
} as const;
