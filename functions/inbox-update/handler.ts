import { ROUTES } from '#shared/http/routes';
import { createHandler } from '#shared/kernel/http/create-handler';
import { json } from '#shared/kernel/http/responses';
import { changeInboxStatusFor } from '#shared/services/inbox-desk';

export const handler = createHandler(ROUTES.changeInboxStatus, async ({ principal, params, body }) =>
  json(200, await changeInboxStatusFor(principal, params.kind, params.id, body)),
);
