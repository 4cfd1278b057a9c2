import { changeInboxStatusFor } from '#shared/app/inbox-desk';
import { ROUTES } from '#shared/app/routes';
import { createHandler } from '#shared/kernel/http/create-handler';
import { json } from '#shared/kernel/http/responses';

export const handler = createHandler(ROUTES.changeInboxStatus, async ({ principal, params, body }) =>
  json(200, await changeInboxStatusFor(principal, params.kind, params.id, body)),
);
