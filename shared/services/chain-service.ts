import type { Principal } from '../auth/principal';
import { hashRecordedEvent, verifyChain, type ChainCheck, type ChainEntry } from '../custody/chain';
import { commissioningEvent, type EpcisEvent } from '../custody/epcis';
import { epcOf } from '../custody/identifiers';
import { subjectIdOf, type BizStep, type CustodyStatus, type SubjectRef, type SubjectState } from '../custody/types';
import { STATE_LABELS } from '../custody/vocabulary';
import type { Batch } from '../domain/types';
import { NotFoundError } from '../errors';
import { getState, listChainLinks, loadChainEntries } from '../store/custody-repository';
import { getOrganizationCached, lookupUnit } from './code-lookup';

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
  if (unit === undefined) throw new NotFoundError('CODE_NOT_FOUND', 'No such unit was issued');
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
  if (stored === undefined || commissioned === undefined) throw new NotFoundError('CODE_NOT_FOUND', 'No such container was issued');
  return {
    ref: stored.state.ref,
    state: stored.state,
    genesis: commissioningEvent({ ref: stored.state.ref, issuerOrgId: commissioned.by, issuedAt: commissioned.at, location: commissioned.location }),
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
    throw new NotFoundError('CODE_NOT_FOUND', 'No such code in your records');
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
  history: CustodyStep[];
}

const publicOrg = async (id: string | undefined): Promise<PublicOrg | undefined> => {
  if (id === undefined) return undefined;
  const org = await getOrganizationCached(id);
  return org === undefined ? undefined : { name: org.name, role: org.role, region: org.region };
};

const MAX_NESTING = 3;

interface Step {
  step: BizStep;
  by: string;
  at: string;
  parentId?: string;
}

/** Moves of the containers a subject sat in, each within the window it sat there. */
const containerSteps = async (packs: Step[], to: string, depth: number): Promise<Step[]> => {
  const steps: Step[] = [];
  if (depth >= MAX_NESTING) return steps;
  for (const [i, pack] of packs.entries()) {
    if (pack.step !== 'packing' || pack.parentId === undefined) continue;
    const unpacked = packs.slice(i + 1).find((s) => s.step === 'unpacking' && s.parentId === pack.parentId);
    const until = unpacked?.at ?? to;
    const moves = (await getState(pack.parentId))?.state.moves ?? [];
    const inWindow = moves.filter((m) => m.at >= pack.at && m.at <= until);
    steps.push(...inWindow.filter((m) => m.step !== 'packing' && m.step !== 'unpacking'));
    steps.push(...(await containerSteps(inWindow, until, depth + 1)));
  }
  return steps;
};

/**
 * A subject's own steps plus, for each time it sat in a container, the container's moves
 * in that window: shipping a pallet wrote only the pallet, and that is where the units
 * inside learn they moved. Units read their (short) chain; containers their moves.
 */
const timeline = async (subjectId: string, state: SubjectState | undefined): Promise<Step[]> => {
  let own: Step[];
  if (state?.ref.kind === 'container') {
    own = state.moves ?? [];
  } else {
    const links = await listChainLinks(subjectId);
    // An event declared in error stays in the chain but is no part of the custody story.
    const declared = new Set(links.filter((l) => l.kind === 'declaration').map((l) => l.eventId));
    own = links
      .filter((l) => !declared.has(l.eventId))
      .map((l) => ({ step: l.bizStep, by: l.actorOrgId, at: l.eventTime, ...(l.parentId === undefined ? {} : { parentId: l.parentId }) }));
  }
  const inside = await containerSteps(own, '9999', 0);
  return [...own, ...inside].sort((a, b) => a.at.localeCompare(b.at));
};

/** What a scan shows of custody: where the unit is, who holds it, and who held it. */
export const custodyView = async (
  ref: SubjectRef,
  issuance: { by: string; at: string },
  batch?: Batch,
): Promise<CustodyView> => {
  const subjectId = subjectIdOf(ref);
  const own = (await getState(subjectId))?.state;
  // Custody of something packed is the custody of the outermost container.
  let top = own;
  for (let depth = 0; top?.parentId !== undefined && depth < MAX_NESTING; depth++) {
    top = (await getState(top.parentId))?.state ?? top;
  }
  const ownStatus = own?.status ?? 'held';
  const status: CustodyStatus =
    batch?.recalledAt !== undefined && ownStatus !== 'destroyed' && ownStatus !== 'voided'
      ? 'recalled'
      : ownStatus === 'held' || ownStatus === 'in_transit'
        ? (top?.status === 'in_transit' ? 'in_transit' : ownStatus)
        : ownStatus;
  const custodianId = top?.custodianOrgId ?? issuance.by;
  const custodian = await publicOrg(custodianId);
  const steps = own === undefined ? [] : await timeline(subjectId, own);
  const history: CustodyStep[] = [{ step: 'commissioning', at: issuance.at, by: await publicOrg(issuance.by) }];
  for (const step of steps) history.push({ step: step.step, at: step.at, by: await publicOrg(step.by) });
  const state: CustodyView['state'] =
    status === 'held' ? (custodian?.role === 'factory' ? 'at_factory' : 'at_distributor') : status;
  const label =
    state === 'at_factory' ? 'At the factory' : state === 'at_distributor' ? `At ${custodian?.name ?? 'a distributor'}` : STATE_LABELS[status];
  const decommission = own?.decommission;
  return {
    state,
    label,
    ...(custodian === undefined || status === 'sold' || status === 'in_use' ? {} : { custodian }),
    since: steps.at(-1)?.at ?? issuance.at,
    ...((ownStatus === 'sold' || ownStatus === 'in_use') && decommission !== undefined
      ? { alreadyDecommissioned: { status: ownStatus, at: decommission.at } }
      : {}),
    history,
  };
};
