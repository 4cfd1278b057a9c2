import { errorResponse, errors, type RouteDefinition, route } from '#kernel/http/route-definition';
import { AUDIT_EXPORT_ROUTES } from '../audit/http/audit-export-routes';
import { AUDIT_LOG_ROUTES } from '../audit/http/audit-log-routes';
import { EPCIS_ROUTES } from '../custody/http/epcis-routes';
import { MEMBER_ROUTES } from '../registry/http/member-routes';
import { REGISTRY_ROUTES } from '../registry/http/registry-routes';
import { RESOLVER_ROUTES } from '../resolver/http/resolver-routes';
import { ALERT_ROUTES } from '../scans/http/alert-routes';
import { SCAN_ROUTES } from '../scans/http/scan-routes';
import { SPOT_CHECK_ROUTES } from '../spot-checks/http/spot-check-routes';
import { TEST_REPORT_ROUTES } from '../test-reports/http/test-report-routes';
import { VERDICT_ROUTES } from '../verification/http/verdict-routes';
import { INBOX_ROUTES } from './inbox-routes';
import * as s from './schemas';

/**
 * Every HTTP route, once. The local gateway routes by it, the CDK stack makes one Lambda
 * function and one API route per entry, the validation middleware checks requests
 * against it and /openapi.json is generated from it.
 */

export const ROUTES = {
  ...REGISTRY_ROUTES,
  createBatch: route({
    operationId: 'createBatch',
    method: 'POST',
    path: '/v1/batches',
    functionName: 'create-batch',
    summary:
      'Issue signed serial codes for a lot: up to 10,000 at once, up to 1,000,000 (or with label outputs) as a job; Idempotency-Key makes retries safe',
    auth: ['factory'],
    headers: s.IdempotencyHeaders,
    body: s.CreateBatchBody,
    responses: {
      201: { description: 'Issued', schema: s.IssuedBatch },
      200: { description: 'Replayed: the batch an earlier call with this Idempotency-Key created', schema: s.IssuedBatch },
      202: { description: 'Accepted as a job (also a replayed job); GET the Location for progress', schema: s.BatchJobAccepted },
      ...errors(400, 401, 403, 404, 409, 413, 415, 503),
      429: errorResponse(
        'TOO_MANY_JOBS: the factory already has its limit of unfinished issuance jobs (Retry-After says when to retry)',
      ),
    },
  }),
  listBatches: route({
    operationId: 'listBatches',
    method: 'GET',
    path: '/v1/batches',
    functionName: 'list-batches',
    summary: "Your factory's batches, newest first; units that never moved are still at the factory",
    auth: ['factory'],
    query: s.BatchListQuery,
    responses: { 200: { description: 'One page', schema: s.BatchList }, ...errors(400, 401, 403) },
  }),
  getBatch: route({
    operationId: 'getBatch',
    method: 'GET',
    path: '/v1/batches/{id}',
    functionName: 'get-batch',
    summary: 'Read a batch (owner factory, regulators, admins)',
    auth: ['factory', 'regulator', 'admin'],
    params: s.BatchIdParams,
    responses: {
      200: { description: 'The batch, with progress and label links when issued as a job', schema: s.BatchWithProgress },
      ...errors(400, 401, 403, 404),
    },
  }),
  listBatchCodes: route({
    operationId: 'listBatchCodes',
    method: 'GET',
    path: '/v1/batches/{id}/codes',
    functionName: 'list-batch-codes',
    summary: 'Download the codes of a batch as CSV or NDJSON, a page at a time (Link: rel="next")',
    auth: ['factory'],
    params: s.BatchIdParams,
    query: s.CodesQuery,
    responses: {
      200: { description: 'One page of codes', contentTypes: ['text/csv', 'application/x-ndjson'] },
      ...errors(400, 401, 403, 404),
    },
  }),
  verifyCode: route({
    operationId: 'verifyCode',
    method: 'GET',
    path: '/01/{gtin}/10/{lot}/21/{serial}',
    functionName: 'verify-code',
    headToo: true,
    summary: 'Verify a scanned GS1 Digital Link code (JSON or an HTML page by Accept)',
    auth: 'public',
    params: s.VerifyParams,
    query: s.VerifyQuery,
    responses: {
      200: { description: 'The verdict', schema: s.VerificationResult, contentTypes: ['application/json', 'text/html'] },
      ...errors(400),
    },
  }),
  recordEvents: route({
    operationId: 'recordEvents',
    method: 'POST',
    path: '/v1/events',
    functionName: 'record-events',
    summary: 'Report up to 1,000 custody events (EPCIS 2.0 / CBV 2.0 steps); a result per event',
    auth: ['factory', 'distributor', 'regulator'],
    body: s.RecordEventsBody,
    maxBodyBytes: 5 * 1024 * 1024,
    responses: {
      200: { description: 'Every event recorded (or already recorded)', schema: s.EventResults },
      207: { description: 'Some events recorded, some rejected: see each result', schema: s.EventResults },
      409: { description: 'Every event broke a custody rule (each result names it)', schema: s.EventResults },
      202: {
        description: 'The call ran out of time: the results so far, and a job (Location header) that records the rest in order',
        schema: s.EventJobAccepted,
      },
      ...errors(400, 401, 403, 413, 415, 503),
    },
  }),
  getEventJob: route({
    operationId: 'getEventJob',
    method: 'GET',
    path: '/v1/events/jobs/{jobId}',
    functionName: 'get-event-job',
    summary: 'Where an accepted POST /v1/events call stands, and its results a page at a time (submitting organization only)',
    auth: ['factory', 'distributor', 'regulator'],
    params: s.EventJobParams,
    query: s.EventJobQuery,
    responses: { 200: { description: 'The job and one page of results', schema: s.EventJob }, ...errors(400, 401, 403, 404) },
  }),
  createContainers: route({
    operationId: 'createContainers',
    method: 'POST',
    path: '/v1/containers',
    functionName: 'create-containers',
    summary: 'Issue signed SSCC codes for cases or pallets',
    auth: ['factory', 'distributor'],
    body: s.CreateContainersBody,
    responses: { 201: { description: 'Issued', schema: s.IssuedContainers }, ...errors(400, 401, 403, 413, 415, 503) },
  }),
  getInventory: route({
    operationId: 'getInventory',
    method: 'GET',
    path: '/v1/inventory',
    functionName: 'get-inventory',
    summary: 'What your organization holds now (or has incoming), a page at a time',
    auth: ['factory', 'distributor'],
    query: s.InventoryQuery,
    responses: { 200: { description: 'One page', schema: s.Inventory }, ...errors(400, 401, 403) },
  }),
  getUnitChain: route({
    operationId: 'getUnitChain',
    method: 'GET',
    path: '/v1/chain/01/{gtin}/10/{lot}/21/{serial}',
    functionName: 'get-chain',
    summary: "A unit's hash-chained custody history as EPCIS 2.0 events, with its check",
    auth: ['factory', 'distributor', 'regulator', 'admin'],
    params: s.UnitChainParams,
    responses: { 200: { description: 'The chain', schema: s.Chain }, ...errors(400, 401, 403, 404) },
  }),
  getContainerChain: route({
    operationId: 'getContainerChain',
    method: 'GET',
    path: '/v1/chain/00/{sscc}',
    functionName: 'get-chain',
    summary: "A container's hash-chained custody history as EPCIS 2.0 events, with its check",
    auth: ['factory', 'distributor', 'regulator', 'admin'],
    params: s.SsccParams,
    responses: { 200: { description: 'The chain', schema: s.Chain }, ...errors(400, 401, 403, 404) },
  }),
  verifyContainer: route({
    operationId: 'verifyContainer',
    method: 'GET',
    path: '/00/{sscc}',
    functionName: 'verify-code',
    headToo: true,
    summary: 'Verify a scanned case or pallet code (JSON or an HTML page by Accept)',
    auth: 'public',
    params: s.SsccParams,
    query: s.ContainerVerifyQuery,
    responses: { 200: { description: 'The verdict', contentTypes: ['application/json', 'text/html'] }, ...errors(400) },
  }),
  getJwks: route({
    operationId: 'getJwks',
    method: 'GET',
    path: '/.well-known/jwks.json',
    functionName: 'get-jwks',
    summary: 'Public ES256 keys for offline verification of AI 8030 signatures',
    auth: 'public',
    responses: { 200: { description: 'JSON Web Key Set', schema: s.Jwks } },
  }),
  getOpenApi: route({
    operationId: 'getOpenApi',
    method: 'GET',
    path: '/openapi.json',
    functionName: 'get-openapi',
    summary: 'This document',
    auth: 'public',
    responses: { 200: { description: 'OpenAPI 3.1 document' } },
  }),
  createReport: route({
    operationId: 'createReport',
    method: 'POST',
    path: '/v1/reports',
    functionName: 'create-report',
    summary:
      'Report a suspected fake (public): JSON (photos base64) or multipart/form-data (fields code, place, city, description, contact, photos, website); the answer is a reference number',
    auth: 'public',
    query: s.ReportPageQuery,
    // The body (JSON or multipart) is read by the handler: the JSON-only body check does not apply.
    maxBodyBytes: s.MAX_REPORT_BODY_BYTES,
    responses: {
      202: { description: 'Received', schema: s.ReportReceipt, contentTypes: ['application/json', 'text/html'] },
      ...errors(400, 413, 415, 429),
    },
  }),
  listReports: route({
    operationId: 'listReports',
    method: 'GET',
    path: '/v1/reports',
    functionName: 'list-reports',
    summary: "Counterfeit reports: a factory's about its products (no reporter contact), a regulator's of its province",
    auth: ['factory', 'regulator'],
    query: s.ReportListQuery,
    responses: { 200: { description: 'One page, newest first', schema: s.ReportList }, ...errors(400, 401, 403) },
  }),
  ...MEMBER_ROUTES,
  ...RESOLVER_ROUTES,
  ...EPCIS_ROUTES,
  ...SPOT_CHECK_ROUTES,
  ...SCAN_ROUTES,
  ...INBOX_ROUTES,
  ...ALERT_ROUTES,
  ...AUDIT_LOG_ROUTES,
  ...AUDIT_EXPORT_ROUTES,
  ...TEST_REPORT_ROUTES,
  ...VERDICT_ROUTES,
} as const;

export { cursorParameterOf, type ResponseSpec, type RouteDefinition } from '#kernel/http/route-definition';
export type RouteName = keyof typeof ROUTES;
export const ALL_ROUTES: readonly RouteDefinition[] = Object.values(ROUTES);

/** The API Gateway route keys (`METHOD /path`) a route is served under. */
export { routeKeysOf } from '#kernel/http/route-keys';
