import { listInboxFor } from '#inbox';
import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { createRouter } from '#kernel/http/router';
import { getInboxDetailFor } from '#shared/app/inbox-desk';
import { ROUTES } from '#shared/app/routes';

const list = createHandler(ROUTES.listInbox, async ({ principal, query }) => {
  const page = await listInboxFor(principal, query);
  return json(200, { entries: page.entries, ...(page.cursor === undefined ? {} : { cursor: page.cursor }) });
});

const getOne = createHandler(ROUTES.getInboxEntry, async ({ principal, params }) =>
  json(200, await getInboxDetailFor(principal, params.kind, params.id)),
);

export const handler = createRouter([
  [ROUTES.listInbox, list],
  [ROUTES.getInboxEntry, getOne],
]);
