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
    summary: 'One draw: commitment, inputs once fixed, secret, targets and results once drawn (public)',
    auth: 'public',
    params: s.DrawIdParams,
    responses: { 200: { description: 'The draw', schema: s.SpotCheckDraw }, ...errors(400, 404) },
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
