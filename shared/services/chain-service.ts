import type { Principal } from '../auth/principal';
import { type ChainCheck, type ChainEntry, hashRecordedEvent, verifyChain } from '../custody/chain';
import { commissioningEvent, type EpcisEvent } from '../custody/epcis';
import { epcOf } from '../custody/identifiers';
import { boundSteps, movesSince, type ShownSteps, shownSteps } from '../custody/summary';
import { type BizStep, type CustodyStatus, type SubjectRef, type SubjectState, subjectIdOf } from '../custody/types';
import { STATE_LABELS } from '../custody/vocabulary';
import type { Batch } from '../domain/types';
import { NotFoundError } from '../errors';
import { getState, loadChainEntries } from '../store/custody-repository';
import { getOrganizationCached, lookupUnit } from './code-lookup';

/**
 * One answer for a code that does not exist and for one the caller may not see, so the
 * chain API cannot be used to learn which serials were issued.
 */
const codeNotFound = (): NotFoundError => new NotFoundError('CODE_NOT_FOUND', 'No such code in your records');

/** The subject of a chain request, and where its chain starts. */
interface Subject {
  ref: SubjectRef;
  state?: SubjectState;
  genesis: EpcisEvent;
  /** Organizations allowed to read the full chain besides regulators and admins. */
  owners: string[];
}

const unitSubject = async (code: { gtin: string; lot: string; serial: string }): Promise<Subject> => {
  const unit = await lookupUnit(code);
  if (unit === undefined) throw codeNotFound();
  const ref: SubjectRef = { kind: 'unit', ...code };
  const factory = await getOrganizationCached(unit.batch.ownerOrgId);
  return {
    ref,
    state: (await getState(subjectIdOf(ref)))?.state,
    genesis: commissioningEvent({
      ref,
      issuerOrgId: unit.batch.ownerOrgId,
      issuedAt: unit.batch.createdAt,
      location: factory?.region ?? 'unknown',
    }),
    owners: [unit.batch.ownerOrgId],
  };
};

const containerSubject = async (sscc: string): Promise<Subject> => {
  const stored = await getState(`00/${sscc}`);
  const commissioned = stored?.state.commissioned;
  if (stored === undefined || commissioned === undefined) throw codeNotFound();
  return {
    ref: stored.state.ref,
    state: stored.state,
    genesis: commissioningEvent({
      ref: stored.state.ref,
      issuerOrgId: commissioned.by,
      issuedAt: commissioned.at,
      location: commissioned.location,
    }),
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
  const genesis: ChainEntry = { event: subject.genesis, eventHash: hashRecordedEvent(subject.genesis), previousEventHash: null };
  const chain = await loadChainEntries(id, genesis);
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

// ---- the public custody view of a scan --------------------------------------------------

export interface PublicOrg {
  name: string;
  role: string;
  /** Region as registered: province and city, never an address. */
  region: string;
}

export interface CustodyStep {
  step: BizStep | 'commissioning';
  at: string;
  by?: PublicOrg;
  to?: PublicOrg;
}

export interface CustodyView {
  state: CustodyStatus | 'at_factory' | 'at_distributor';
  label: string;
  custodian?: PublicOrg;
  since: string;
  /** Set when a unit that scans as genuine already left the chain: a copied label is likely. */
  alreadyDecommissioned?: { status: 'sold' | 'in_use'; at: string };
  /** Commissioning, the first step after it, and the latest few. */
  history: CustodyStep[];
  /** Steps between the first and the latest few that `history` leaves out (the chain API has them all). */
  omittedSteps?: number;
}

const publicOrg = async (id: string | undefined): Promise<PublicOrg | undefined> => {
  if (id === undefined) return undefined;
  const org = await getOrganizationCached(id);
  return org === undefined ? undefined : { name: org.name, role: org.role, region: org.region };
};

const MAX_NESTING = 3;

/** The containers a subject sits in, innermost first, each with when what it holds went in. */
const containerPath = async (own: SubjectState | undefined): Promise<{ state: SubjectState; since?: string }[]> => {
  const path: { state: SubjectState; since?: string }[] = [];
  let inner = own;
  for (let depth = 0; inner?.parentId !== undefined && depth < MAX_NESTING; depth++) {
    const container = (await getState(inner.parentId))?.state;
    if (container === undefined) break;
    path.push({ state: container, ...(inner.packedAt === undefined ? {} : { since: inner.packedAt }) });
    inner = container;
  }
  return path;
};

/**
 * A subject's story from its own summary plus, while it sits in containers, their moves
 * since it went in: shipping a pallet wrote only the pallet, and that is where the units
 * inside learn they moved. Only state items are read, never a chain, so a scan costs the
 * same however long the history, and the answer is bounded.
 */
const storyOf = (own: SubjectState | undefined, path: readonly { state: SubjectState; since?: string }[]): ShownSteps => {
  const mine = shownSteps(own?.summary);
  const inside = path.flatMap(({ state, since }) => movesSince(state.summary, since));
  return boundSteps({ steps: [...mine.steps, ...inside], omitted: mine.omitted });
};

/** What a scan shows of custody: where the unit is, who holds it, and who held it. */
export const custodyView = async (ref: SubjectRef, issuance: { by: string; at: string }, batch?: Batch): Promise<CustodyView> => {
  const subjectId = subjectIdOf(ref);
  const own = (await getState(subjectId))?.state;
  const path = await containerPath(own);
  // Custody of something packed is the custody of the outermost container.
  const top = path.at(-1)?.state ?? own;
  const ownStatus = own?.status ?? 'held';
  const status: CustodyStatus =
    batch?.recalledAt !== undefined && ownStatus !== 'destroyed' && ownStatus !== 'voided'
      ? 'recalled'
      : ownStatus === 'held' || ownStatus === 'in_transit'
        ? top?.status === 'in_transit'
          ? 'in_transit'
          : ownStatus
        : ownStatus;
  const custodianId = top?.custodianOrgId ?? issuance.by;
  const custodian = await publicOrg(custodianId);
  const story = storyOf(own, path);
  const history: CustodyStep[] = [{ step: 'commissioning', at: issuance.at, by: await publicOrg(issuance.by) }];
  for (const step of story.steps) history.push({ step: step.step, at: step.at, by: await publicOrg(step.by) });
  const state: CustodyView['state'] =
    status === 'held' ? (custodian?.role === 'factory' ? 'at_factory' : 'at_distributor') : status;
  const label =
    state === 'at_factory'
      ? 'At the factory'
      : state === 'at_distributor'
        ? `At ${custodian?.name ?? 'a distributor'}`
        : STATE_LABELS[status];
  const decommission = own?.decommission;
  return {
    state,
    label,
    ...(custodian === undefined || status === 'sold' || status === 'in_use' ? {} : { custodian }),
    since: story.steps.at(-1)?.at ?? issuance.at,
    ...((ownStatus === 'sold' || ownStatus === 'in_use') && decommission !== undefined
      ? { alreadyDecommissioned: { status: ownStatus, at: decommission.at } }
      : {}),
    history,
    ...(story.omitted === 0 ? {} : { omittedSteps: story.omitted }),
  };
};
