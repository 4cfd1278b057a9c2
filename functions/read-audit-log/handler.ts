import { latestCheckpoint, listCheckpoints, listWitnessedHeads, proveConsistency, proveInclusion } from '#audit';
import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { createRouter } from '#kernel/http/router';
import { ROUTES } from '#shared/app/routes';

// Heads change at most once per checkpoint run: a minute of staleness costs a verifier nothing.
const HEADS_CACHE = 'public, max-age=60, s-maxage=60';
// A proof between two signed sizes never changes: cache it for good.
const PROOF_CACHE = 'public, max-age=31536000, s-maxage=31536000, immutable';

const list = createHandler(ROUTES.listCheckpoints, async ({ query }) =>
  json(200, await listCheckpoints(query), { cacheControl: HEADS_CACHE }),
);
const latest = createHandler(ROUTES.getLatestCheckpoint, async () =>
  json(200, await latestCheckpoint(), { cacheControl: HEADS_CACHE }),
);
const witness = createHandler(ROUTES.getWitnessedHeads, async ({ query }) =>
  json(200, await listWitnessedHeads(query), { cacheControl: HEADS_CACHE }),
);
const consistency = createHandler(ROUTES.getConsistencyProof, async ({ query }) =>
  json(200, await proveConsistency(query), { cacheControl: PROOF_CACHE }),
);
const inclusion = createHandler(ROUTES.getInclusionProof, async ({ query }) => json(200, await proveInclusion(query)));

export const handler = createRouter([
  [ROUTES.listCheckpoints, list],
  [ROUTES.getLatestCheckpoint, latest],
  [ROUTES.getWitnessedHeads, witness],
  [ROUTES.getConsistencyProof, consistency],
  [ROUTES.getInclusionProof, inclusion],
]);
