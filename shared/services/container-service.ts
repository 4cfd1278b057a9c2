import type { Principal } from '../auth/principal';
import { buildSscc, type ContainerKind } from '../codes/sscc';
import { signContainer } from '../codes/signature';
import { hashRecordedEvent } from '../custody/chain';
import { commissioningEvent } from '../custody/epcis';
import { subjectIdOf, type SubjectRef, type SubjectState } from '../custody/types';
import { getStringFromEnv } from '../config';
import { ForbiddenError } from '../errors';
import { getActiveSigningKey } from '../keys/signing-key-provider';
import { createContainerStates, reserveContainerReferences } from '../store/custody-repository';
import { requireRegisteredOrg } from './registry-service';

export const MAX_CONTAINERS_PER_CALL = 1000;

/** GS1's example company prefix until an operator configures its own. */
const companyPrefix = (): string => getStringFromEnv({ key: 'SSCC_COMPANY_PREFIX', defaultValue: '0614141' });

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
  const first = await reserveContainerReferences(input.count);
  const issuedAt = now.toISOString();
  const containers: IssuedContainer[] = [];
  const states: SubjectState[] = [];
  for (let i = 0; i < input.count; i++) {
    const sscc = buildSscc(input.kind, companyPrefix(), first + i);
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
