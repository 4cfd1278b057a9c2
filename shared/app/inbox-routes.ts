import { errorResponse as error, type ResponseSpec, route } from '#kernel/http/route-definition';
import { InboxDetail, InboxEntryParams, InboxList, InboxListQuery, InboxStatusBody } from './inbox-schemas';

/**
 * The regulators' inbox (shared/app/routes.ts spreads these into ROUTES): counterfeit
 * reports and anomaly alerts of the caller's province (a national regulator's country).
 * Another province's entry answers 404, exactly as a missing one does.
 */
const COMMON = {
  400: error('Invalid request'),
  401: error('Missing or invalid token'),
  403: error('Not a registered regulator'),
} satisfies Record<number, ResponseSpec>;

export const INBOX_ROUTES = {
  listInbox: route({
    operationId: 'listInbox',
    method: 'GET',
    path: '/v1/inbox',
    functionName: 'read-inbox',
    summary: "Regulators: the reports and alerts of your province (a national regulator's country), newest first",
    auth: ['regulator'],
    query: InboxListQuery,
    responses: { 200: { description: 'One page, newest first', schema: InboxList }, ...COMMON },
  }),
  getInboxEntry: route({
    operationId: 'getInboxEntry',
    method: 'GET',
    path: '/v1/inbox/{kind}/{id}',
    functionName: 'read-inbox',
    summary: 'Regulators: one entry, the report (with the reporter contact) or alert behind it, and its full history',
    auth: ['regulator'],
    params: InboxEntryParams,
    responses: {
      200: { description: 'The entry', schema: InboxDetail },
      ...COMMON,
      404: error('No such entry in your area'),
    },
  }),
  changeInboxStatus: route({
    operationId: 'changeInboxStatus',
    method: 'POST',
    path: '/v1/inbox/{kind}/{id}/status',
    functionName: 'update-inbox-entry',
    summary: 'Regulators: move an entry (new → investigating → closed; closed → investigating reopens), with a note',
    auth: ['regulator'],
    params: InboxEntryParams,
    body: InboxStatusBody,
    responses: {
      200: { description: 'Changed: the entry and its history', schema: InboxDetail },
      ...COMMON,
      404: error('No such entry in your area'),
      409: error('INBOX_MOVE_NOT_ALLOWED (not a move from the current status) or INBOX_CONCURRENT_CHANGE'),
      413: error('Body too large'),
      415: error('Body is not JSON'),
    },
  }),
} as const;
