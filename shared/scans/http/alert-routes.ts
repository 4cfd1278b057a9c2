import { errorResponse as error, route } from '#kernel/http/route-definition';
import {
  AlertList,
  AlertListQuery,
  ScanRules,
  ScanRulesBody,
  ScanRulesParams,
  UnblockBody,
  UnblockResult,
  UnitParams,
} from './alert-schemas';

/**
 * Clone and anomaly detection (shared/app/routes.ts spreads these into ROUTES): a
 * product's scan rules, the alerts they raise, and the factory's unblock of a flagged unit.
 */

export const ALERT_ROUTES = {
  getScanRules: route({
    operationId: 'getScanRules',
    method: 'GET',
    path: '/v1/products/{gtin}/scan-rules',
    functionName: 'manage-scan-rules',
    summary: "A product's clone and anomaly rules (owner factory, regulators)",
    auth: ['factory', 'regulator'],
    params: ScanRulesParams,
    responses: {
      200: { description: 'The rules in force', schema: ScanRules },
      400: error('Invalid request'),
      401: error('Missing or invalid token'),
      403: error('Not the factory that registered this GTIN, nor a regulator'),
      404: error('GTIN not registered'),
    },
  }),
  putScanRules: route({
    operationId: 'putScanRules',
    method: 'PUT',
    path: '/v1/products/{gtin}/scan-rules',
    functionName: 'manage-scan-rules',
    summary: "Replace your product's anomaly rules (left-out fields take the defaults); judges scans from now on",
    auth: ['factory'],
    params: ScanRulesParams,
    body: ScanRulesBody,
    responses: {
      200: { description: 'The rules now in force', schema: ScanRules },
      400: error('Invalid request'),
      401: error('Missing or invalid token'),
      403: error('Not the factory that registered this GTIN'),
      404: error('GTIN not registered'),
      413: error('Body too large'),
      415: error('Body is not JSON'),
    },
  }),
  listAlerts: route({
    operationId: 'listAlerts',
    method: 'GET',
    path: '/v1/alerts',
    functionName: 'list-alerts',
    summary: "Anomaly alerts: a factory's about its products, a regulator's of its province (national: its country)",
    auth: ['factory', 'regulator'],
    query: AlertListQuery,
    responses: {
      200: { description: 'One page, newest first', schema: AlertList },
      400: error('Invalid request'),
      401: error('Missing or invalid token'),
      403: error('Role or organization not allowed'),
    },
  }),
  unblockUnit: route({
    operationId: 'unblockUnit',
    method: 'POST',
    path: '/v1/units/01/{gtin}/10/{lot}/21/{serial}/unblock',
    functionName: 'unblock-unit',
    summary: "Clear a unit's suspect or blocked flag, with a reason (the factory that registered the GTIN only)",
    auth: ['factory'],
    params: UnitParams,
    body: UnblockBody,
    responses: {
      200: { description: 'Unblocked: its open alerts closed, its scans judged from a fresh baseline', schema: UnblockResult },
      400: error('Invalid request (a reason is required)'),
      401: error('Missing or invalid token'),
      403: error('Not the factory that registered this GTIN'),
      404: error('GTIN not registered'),
      409: error('The unit is neither suspect nor blocked'),
      413: error('Body too large'),
      415: error('Body is not JSON'),
    },
  }),
} as const;
