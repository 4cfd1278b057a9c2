import { epcOf } from '../../shared/custody/identifiers';
import { createHandler } from '../../shared/http/create-handler';
import { json } from '../../shared/http/responses';
import { ROUTES } from '../../shared/http/routes';
import { listInventory } from '../../shared/store/custody-repository';

/**
 * Served by the custodian index, never a scan. Units that never moved since issuance sit
 * at their factory implicitly and appear in its batches, not here.
 */
export const handler = createHandler(ROUTES.getInventory, async ({ principal, query }) => {
  const page = await listInventory(principal.orgId, query.which, { cursor: query.cursor, limit: query.limit });
  return json(200, {
    items: page.items.map((state) => ({
      epc: epcOf(state.ref),
      kind: state.ref.kind,
      status: state.status,
      ...(state.ref.kind === 'container' ? { childCount: state.childCount ?? 0 } : {}),
      since: state.lastEventTime,
    })),
    ...(page.cursor === undefined ? {} : { cursor: page.cursor }),
  });
});
