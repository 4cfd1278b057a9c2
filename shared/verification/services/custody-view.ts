/**
 * Loading what a scan shows of custody: the subject's own state and those of the
 * containers it sits in, then the organizations named. Only state items are read, never a
 * chain, so a scan costs the same however long the history (see shared/custody/domain/public-view.ts).
 */

import {
  type CustodyFacts,
  type CustodyView,
  containersAbove,
  describeCustody,
  getState,
  organizationsShown,
  type PublicOrg,
  type SubjectRef,
  subjectIdOf,
} from '#custody';
import type { Batch } from '#issuance/contract';
import { getOrganizationCached } from '#registry';

const readState = async (id: string) => (await getState(id))?.state;

const publicOrgs = async (ids: readonly string[]): Promise<Map<string, PublicOrg>> => {
  const orgs = new Map<string, PublicOrg>();
  await Promise.all(
    ids.map(async (id) => {
      const org = await getOrganizationCached(id);
      if (org === undefined) return;
      const named =
        org.showNameOnScans === true ? { name: org.name, ...(org.names === undefined ? {} : { names: org.names }) } : {};
      orgs.set(id, { ...named, role: org.role, region: org.region });
    }),
  );
  return orgs;
};

/** `batch`: a unit's, whose recall flag stops it wherever it is. */
export const custodyView = async (ref: SubjectRef, issuance: { by: string; at: string }, batch?: Batch): Promise<CustodyView> => {
  const own = await readState(subjectIdOf(ref));
  const facts: CustodyFacts = {
    ...(own === undefined ? {} : { own }),
    path: await containersAbove(own, readState),
    issuance,
    lotRecalled: batch?.recalledAt !== undefined,
  };
  return describeCustody(facts, await publicOrgs(organizationsShown(facts)));
};
