import { createHandler } from '#shared/http/create-handler';
import { json } from '#shared/http/responses';
import { ROUTES } from '#shared/http/routes';
import { changeInboxStatusFor } from '#shared/services/inbox-desk';

export const handler = createHandler(ROUTES.changeInboxStatus, async ({ principal, params, body }) =>
  json(200, await changeInboxStatusFor(principal, params.kind, params.id, body)),
);
