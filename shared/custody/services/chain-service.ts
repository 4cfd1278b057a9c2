import { lookupUnit } from '#issuance';
import type { Principal } from '#kernel/auth/principal';
import { NotFoundError } from '#kernel/errors';
import { type ChainCheck, type ChainEntry, hashRecordedEvent, verifyChain } from '../domain/chain';
import { type CommissioningInput, commissioningEvent, genesisOf } from '../domain/epcis';
import { epcOf } from '../domain/identifiers';
import { type SubjectRef, type SubjectState, subjectIdOf } from '../domain/types';
import { loadChainEntries } from '../store/chain-repository';
import { getState } from '../store/subject-state-repository';
import { unitCommissioning } from './events/load-states';

/**
 * One answer for a code that does not exist and for one the caller may not see, so the
 * chain API cannot be used to learn which serials were issued.
 */
const codeNotFound = (): NotFoundError => new NotFoundError('CODE_NOT_FOUND', 'No such code in your records');

/** The subject of a chain request, and where its chain starts. */
interface Subject {
  ref: SubjectRef;
  state?: SubjectState;
  commissioning: CommissioningInput;
  /** Organizations allowed to read the full chain besides regulators and admins. */
  owners: string[];
}

const unitSubject = async (code: { gtin: string; lot: string; serial: string }): Promise<Subject> => {
  const unit = await lookupUnit(code);
  if (unit === undefined) throw codeNotFound();
  const ref = { kind: 'unit', ...code } as const;
  return {
    ref,
    state: (await getState(subjectIdOf(ref)))?.state,
    commissioning: await unitCommissioning(ref, unit.batch),
    owners: [unit.batch.ownerOrgId],
  };
};

const containerSubject = async (sscc: string): Promise<Subject> => {
  const stored = await getState(subjectIdOf({ kind: 'container', sscc }));
  const commissioned = stored?.state.commissioned;
  if (stored === undefined || commissioned === undefined) throw codeNotFound();
  return {
    ref: stored.state.ref,
    state: stored.state,
    commissioning: {
      ref: stored.state.ref,
      issuerOrgId: commissioned.by,
      issuedAt: commissioned.at,
      location: commissioned.location,
    },
    owners: [commissioned.by],
  };
};

export interface ChainView {
  subject: string;
  chain: ChainEntry[];
  check: ChainCheck;
}

/**
 * The whole hash chain of a unit or container with its check. Readable by regulators,
 * admins, the organization that commissioned it, and every organization that reported on
 * it or was shipped it; to anyone else it does not exist.
 */
export const getChainFor = async (
  principal: Principal,
  target: { kind: 'unit'; gtin: string; lot: string; serial: string } | { kind: 'container'; sscc: string },
): Promise<ChainView> => {
  const subject = target.kind === 'unit' ? await unitSubject(target) : await containerSubject(target.sscc);
  const id = subjectIdOf(subject.ref);
  const genesisEntry = (event: Record<string, unknown>): ChainEntry => ({
    event,
    eventHash: hashRecordedEvent(event),
    previousEventHash: null,
  });
  const [, ...links] = await loadChainEntries(id, genesisEntry(commissioningEvent(subject.commissioning)));
  // A chain begun before event ids became the CBV 2.0 hash starts from the commissioning
  // event as it was derived then; its first link (or a container's head) says which.
  const firstHash = links[0]?.previousEventHash ?? (subject.state?.version === 0 ? subject.state.headHash : undefined);
  const chain = [genesisEntry(genesisOf(subject.commissioning, firstHash ?? undefined)), ...links];
  const participants = new Set(subject.owners);
  for (const entry of chain) {
    const readPoint = (entry.event.readPoint as { id?: string } | undefined)?.id;
    const destinations = (entry.event.destinationList as { destination?: string }[] | undefined) ?? [];
    for (const uri of [readPoint, ...destinations.map((d) => d.destination)]) {
      if (typeof uri === 'string') participants.add(uri.replace('urn:traceseal:org:', ''));
    }
  }
  if (principal.role !== 'regulator' && principal.role !== 'admin' && !participants.has(principal.orgId)) {
    throw codeNotFound();
  }
  return { subject: epcOf(subject.ref), chain, check: verifyChain(chain) };
};
