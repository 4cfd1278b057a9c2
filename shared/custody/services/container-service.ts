import type { Principal } from '#kernel/auth/principal';
import { signContainer } from '#kernel/codes/signature';
import {
  buildSscc,
  type ContainerKind,
  ownPrefixRange,
  type SsccRange,
  sharedRange,
  sharedRangeCount,
  tracesealCompanyPrefix,
} from '#kernel/codes/sscc';
import { ForbiddenError } from '#kernel/errors';
import { getActiveSigningKey } from '#kernel/keys/signing-key-provider';
import { type Organization, requireRegisteredOrg } from '#registry';
import { hashRecordedEvent } from '../domain/chain';
import { commissioningEvent } from '../domain/epcis';
import { type SubjectRef, type SubjectState, subjectIdOf } from '../domain/types';
import { getOrAssignSharedRange, reserveContainerReferences } from '../store/container-repository';
import { createContainerStates } from '../store/subject-state-repository';

export const MAX_CONTAINERS_PER_CALL = 1000;

/** The organization's own GS1 prefix, or its shared range of TraceSeal's (see shared/kernel/codes/sscc.ts). */
const ssccRangeOf = async (org: Organization): Promise<SsccRange> => {
  if (org.gs1CompanyPrefix !== undefined) return ownPrefixRange(org.gs1CompanyPrefix);
  const prefix = tracesealCompanyPrefix();
  return sharedRange(prefix, await getOrAssignSharedRange(org.id, sharedRangeCount(prefix)));
};

export interface IssuedContainer {
  sscc: string;
  digsig: string;
}

/** Signed SSCC labels for cases or pallets, held by the organization that asked for them. */
export const issueContainers = async (
  principal: Principal,
  input: { kind: ContainerKind; count: number },
  now = new Date(),
): Promise<IssuedContainer[]> => {
  const actor = await requireRegisteredOrg(principal);
  if (actor.role !== 'factory' && actor.role !== 'distributor') {
    throw new ForbiddenError('ROLE_NOT_ALLOWED', 'Only factories and distributors pack containers');
  }
  const key = await getActiveSigningKey();
  const range = await ssccRangeOf(actor);
  const first = range.firstReference + (await reserveContainerReferences(actor.id, input.kind, input.count, range.capacity));
  const issuedAt = now.toISOString();
  const containers: IssuedContainer[] = [];
  const states: SubjectState[] = [];
  for (let i = 0; i < input.count; i++) {
    const sscc = buildSscc(input.kind, range.companyPrefix, first + i);
    const ref: SubjectRef = { kind: 'container', sscc, containerKind: input.kind };
    const commissioned = { by: actor.id, at: issuedAt, location: actor.region };
    const genesis = commissioningEvent({ ref, issuerOrgId: actor.id, issuedAt, location: actor.region });
    states.push({
      subjectId: subjectIdOf(ref),
      ref,
      status: 'held',
      custodianOrgId: actor.id,
      childCount: 0,
      commissioned,
      version: 0,
      headHash: hashRecordedEvent(genesis),
      lastEventTime: issuedAt,
    });
    containers.push({ sscc, digsig: signContainer(key, sscc) });
  }
  await createContainerStates(states);
  return containers;
};
