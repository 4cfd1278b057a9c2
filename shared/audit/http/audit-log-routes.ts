import { errorResponse as error, route } from '#kernel/http/route-definition';
import {
  Checkpoint,
  CheckpointCreated,
  CheckpointList,
  CheckpointListQuery,
  ConsistencyProof,
  ConsistencyProofQuery,
  InclusionProof,
  InclusionProofQuery,
  WitnessedHeads,
  WitnessedHeadsQuery,
} from './log-schemas';

/**
 * The signed audit log (shared/app/routes.ts spreads these into ROUTES). Heads and
 * consistency proofs are public, as Certificate Transparency's are: anyone may check that
 * the log only grows. An inclusion proof names an event id, which is not public, so it is
 * for regulators and admins. Every answer is bounded: a page of at most 100 heads, and a
 * proof reads the chunk roots plus at most two chunks of leaves.
 */

export const AUDIT_LOG_ROUTES = {
  listCheckpoints: route({
    operationId: 'listCheckpoints',
    method: 'GET',
    path: '/v1/audit/checkpoints',
    functionName: 'read-audit-log',
    summary: 'Signed tree heads of the audit log, newest first (public)',
    auth: 'public',
    query: CheckpointListQuery,
    responses: { 200: { description: 'One page', schema: CheckpointList }, 400: error('Invalid request') },
  }),
  getLatestCheckpoint: route({
    operationId: 'getLatestCheckpoint',
    method: 'GET',
    path: '/v1/audit/checkpoints/latest',
    functionName: 'read-audit-log',
    summary: 'The newest signed tree head (public)',
    auth: 'public',
    responses: {
      200: { description: 'The newest head', schema: Checkpoint },
      404: error('No head signed yet'),
    },
  }),
  getWitnessedHeads: route({
    operationId: 'getWitnessedHeads',
    method: 'GET',
    path: '/v1/audit/witness',
    functionName: 'read-audit-log',
    summary:
      'Signed tree heads as published to the witness the table cannot change (Object Lock), largest and newest first (public)',
    auth: 'public',
    query: WitnessedHeadsQuery,
    responses: { 200: { description: 'Witnessed heads', schema: WitnessedHeads }, 400: error('Invalid request') },
  }),
  getConsistencyProof: route({
    operationId: 'getConsistencyProof',
    method: 'GET',
    path: '/v1/audit/proofs/consistency',
    functionName: 'read-audit-log',
    summary: 'RFC 9162 consistency proof that the tree of size `second` extends the tree of size `first` (public)',
    auth: 'public',
    query: ConsistencyProofQuery,
    responses: {
      200: { description: 'The proof', schema: ConsistencyProof },
      400: error('Sizes out of order, or past the newest signed head'),
    },
  }),
  getInclusionProof: route({
    operationId: 'getInclusionProof',
    method: 'GET',
    path: '/v1/audit/proofs/inclusion',
    functionName: 'read-audit-log',
    summary: 'RFC 9162 inclusion proof of an event in the tree of size `treeSize` (regulators, admins)',
    auth: ['regulator', 'admin'],
    query: InclusionProofQuery,
    responses: {
      200: { description: 'The proof', schema: InclusionProof },
      400: error('Invalid request, or a size past the newest signed head'),
      401: error('Missing or invalid token'),
      403: error('Not a regulator or admin'),
      404: error('The event is not in that tree'),
    },
  }),
  createCheckpoint: route({
    operationId: 'createCheckpoint',
    method: 'POST',
    path: '/v1/audit/checkpoints',
    functionName: 'create-checkpoint',
    summary: 'Append the settled events and sign a tree head now (regulators, admins)',
    auth: ['regulator', 'admin'],
    responses: {
      201: { description: 'Signed', schema: CheckpointCreated },
      401: error('Missing or invalid token'),
      403: error('Not a regulator or admin'),
      409: error('A checkpoint is running: try again shortly'),
    },
  }),
} as const;
