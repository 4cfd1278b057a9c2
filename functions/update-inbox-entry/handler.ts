import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { changeInboxStatusFor } from '#shared/app/inbox-desk';
import { ROUTES } from '#shared/app/routes';

export const handler = createHandler(ROUTES.changeInboxStatus, async ({ principal, params, body }) =>
  json(200, await changeInboxStatusFor(principal, params.kind, params.id, body)),
);
