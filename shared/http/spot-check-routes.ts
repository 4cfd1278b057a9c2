import { errorsDescribed, route } from './route-definition';
import * as s from './schemas/index';

/**
 * "Double random" spot checks (shared/http/routes.ts spreads them into ROUTES): regulators
 * commit, fix, reveal and record; every draw is public to read.
 */
const errors = errorsDescribed({
  403: 'Role, organization or jurisdiction not allowed',
  404: 'No such draw',
  409: 'Conflict with the state of the draw',
});
const WRITE_ERRORS = errors(400, 401, 403, 404, 409, 413, 415);

export const SPOT_CHECK_ROUTES = {
  createSpotCheckDraw: route({
    operationId: 'createSpotCheckDraw',
    method: 'POST',
    path: '/v1/spot-checks/draws',
    functionName: 'spot-check-write',
    summary: 'Open a spot-check draw by committing to a secret (SHA-256); refused while another of yours is unrevealed',
    auth: ['regulator'],
    body: s.CreateDrawBody,
    responses: {
      201: { description: 'Committed and published', schema: s.SpotCheckDraw },
      ...errors(400, 401, 403, 409, 413, 415),
    },
  }),
  fixSpotCheckDraw: route({
    operationId: 'fixSpotCheckDraw',
    method: 'POST',
    path: '/v1/spot-checks/draws/{id}/fix',
    functionName: 'spot-check-write',
    summary: "Fix a draw's inputs: the population snapshot and the service's salt; once only",
    auth: ['regulator'],
    params: s.DrawIdParams,
    responses: { 200: { description: 'Fixed and published', schema: s.SpotCheckDraw }, ...WRITE_ERRORS },
  }),
  revealSpotCheckDraw: route({
    operationId: 'revealSpotCheckDraw',
    method: 'POST',
    path: '/v1/spot-checks/draws/{id}/reveal',
    functionName: 'spot-check-write',
    summary: 'Reveal the committed secret: the draw is computed and its targets and inspectors published',
    auth: ['regulator'],
    params: s.DrawIdParams,
    body: s.RevealDrawBody,
    responses: { 200: { description: 'Drawn and published', schema: s.SpotCheckDraw }, ...WRITE_ERRORS },
  }),
  recordSpotCheckResults: route({
    operationId: 'recordSpotCheckResults',
    method: 'POST',
    path: '/v1/spot-checks/draws/{id}/results',
    functionName: 'spot-check-write',
    summary: 'Record results of drawn targets (append-only: a change is a correction naming the entry it corrects)',
    auth: ['regulator'],
    params: s.DrawIdParams,
    body: s.RecordResultsBody,
    responses: { 201: { description: 'Recorded', schema: s.RecordedResults }, ...WRITE_ERRORS },
  }),
  recallSpotCheckTarget: route({
    operationId: 'recallSpotCheckTarget',
    method: 'POST',
    path: '/v1/spot-checks/draws/{id}/results/{target}/recall',
    functionName: 'spot-check-write',
    summary: 'Recall a whole lot whose spot-check result failed',
    auth: ['regulator'],
    params: s.DrawTargetParams,
    responses: { 200: { description: 'The lot is recalled', schema: s.SpotCheckRecall }, ...errors(400, 401, 403, 404, 409) },
  }),
  listSpotCheckDraws: route({
    operationId: 'listSpotCheckDraws',
    method: 'GET',
    path: '/v1/spot-checks/draws',
    functionName: 'spot-check-read',
    summary: 'Every spot-check draw, newest first, abandoned ones included (public)',
    auth: 'public',
    query: s.DrawListQuery,
    responses: { 200: { description: 'One page', schema: s.SpotCheckDrawList }, ...errors(400) },
  }),
  getSpotCheckDraw: route({
    operationId: 'getSpotCheckDraw',
    method: 'GET',
    path: '/v1/spot-checks/draws/{id}',
    functionName: 'spot-check-read',
    summary:
      "One draw: commitments, inputs once fixed, secret, service salt, targets and results once drawn (public; a units draw's serials are not)",
    auth: 'public',
    params: s.DrawIdParams,
    responses: { 200: { description: 'The draw', schema: s.SpotCheckDraw }, ...errors(400, 404) },
  }),
  getSpotCheckPopulation: route({
    operationId: 'getSpotCheckPopulation',
    method: 'GET',
    path: '/v1/spot-checks/draws/{id}/population',
    functionName: 'spot-check-read',
    summary:
      "A draw's population, targets and results with their ids (a units draw's serials): the regulators of its province (national: its country) and the lot's factory",
    auth: ['regulator', 'factory'],
    params: s.DrawIdParams,
    responses: { 200: { description: 'The population', schema: s.SpotCheckDrawPopulation }, ...errors(400, 401, 403, 404) },
  }),
  registerInspector: route({
    operationId: 'registerInspector',
    method: 'POST',
    path: '/v1/inspectors',
    functionName: 'spot-check-write',
    summary: 'Register one of your inspectors: the service gives it an id, which draws name',
    auth: ['regulator'],
    body: s.RegisterInspectorBody,
    responses: {
      201: { description: 'Registered', schema: s.Inspector },
      ...errorsDescribed({ 409: 'You already have an inspector of this name' })(400, 401, 403, 409, 413, 415),
    },
  }),
  listInspectors: route({
    operationId: 'listInspectors',
    method: 'GET',
    path: '/v1/inspectors',
    functionName: 'spot-check-read',
    summary: 'Your inspectors, oldest first, deactivated ones included',
    auth: ['regulator'],
    responses: { 200: { description: 'Your inspectors', schema: s.InspectorList }, ...errors(401, 403) },
  }),
  deactivateInspector: route({
    operationId: 'deactivateInspector',
    method: 'POST',
    path: '/v1/inspectors/{id}/deactivate',
    functionName: 'spot-check-write',
    summary: 'Deactivate one of your inspectors: later draws may not name it; past draws keep it',
    auth: ['regulator'],
    params: s.InspectorParams,
    responses: {
      200: { description: 'Deactivated', schema: s.Inspector },
      ...errorsDescribed({ 404: 'You have no such inspector' })(400, 401, 403, 404),
    },
  }),
  getSpotCheckComparison: route({
    operationId: 'getSpotCheckComparison',
    method: 'GET',
    path: '/v1/spot-checks/draws/{id}/results/{target}/comparison',
    functionName: 'spot-check-read',
    summary:
      "A target's latest result: its lab report against the product's type test, clause by clause (the drawing regulator and those of the draw's province)",
    auth: ['regulator'],
    params: s.DrawTargetParams,
    responses: { 200: { description: 'The comparison', schema: s.SpotCheckComparison }, ...errors(400, 401, 403, 404) },
  }),
} as const;
