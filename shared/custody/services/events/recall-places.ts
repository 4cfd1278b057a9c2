/**
 * Where the subjects of a regulator's recall were made and are held, read from the same
 * states the event is judged on: the containers read here join `stored`, so the recall's
 * flags on them are written on the revisions read here, and custody that moves meanwhile
 * makes the write fail and the check run again (see shared/custody/domain/recall-jurisdiction.ts).
 */

import { getOrganizationCached, type Organization } from '#registry';
import { containersAbove, outermostOf } from '../../domain/container-tree';
import { requireRecallJurisdiction } from '../../domain/recall-jurisdiction';
import { subjectIdOf } from '../../domain/types';
import { getState, type StoredState } from '../../store/subject-state-repository';
import type { ResolvedSubject } from './resolve-codes';

const regionOf = async (orgId: string | undefined): Promise<string | undefined> =>
  orgId === undefined ? undefined : (await getOrganizationCached(orgId))?.region;

/** Refuses the whole event (403) when any of its subjects lies outside the regulator's jurisdiction. */
export const requireRegulatorMayRecall = async (
  regulator: Organization,
  subjects: readonly ResolvedSubject[],
  stored: Map<string, StoredState>,
): Promise<void> => {
  const read = async (id: string) => {
    const found = stored.get(id) ?? (await getState(id));
    if (found !== undefined) stored.set(id, found);
    return found?.state;
  };
  for (const { ref, batch } of subjects) {
    const id = subjectIdOf(ref);
    const own = stored.get(id)?.state;
    const holder = outermostOf(own, await containersAbove(own, read))?.custodianOrgId;
    const [madeIn, heldIn] = await Promise.all([regionOf(batch?.ownerOrgId), regionOf(holder)]);
    requireRecallJurisdiction(regulator.region, id, { madeIn, heldIn });
  }
};
