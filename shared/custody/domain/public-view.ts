/**
 * What a public scan shows of custody: where the unit is, who holds it, and who held it.
 * Pure: the caller reads the states and the organizations, so the verdict and the page
 * depend on this layer, never on the services that load it.
 */

import type { LocalizedNames } from '#registry/contract';
import { type Enclosure, outermostOf } from './container-tree';
import { boundSteps, movesSince, type ShownSteps, shownSteps } from './summary';
import type { BizStep, CustodyStatus, SubjectState } from './types';
import { STATE_LABELS } from './vocabulary';

/**
 * An organization as the public sees it: its role and city. A distributor's suppliers and
 * customers are its business, so its name appears only if it opted in (showNameOnScans);
 * participants and regulators see names through the authenticated chain routes.
 */
export interface PublicOrg {
  name?: string;
  /** With `name`, when the organization gave it in the page's languages. */
  names?: LocalizedNames;
  role: string;
  /** Region as registered: province and city, never an address. */
  region: string;
}

export interface PublicCustodyStep {
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
  /**
   * Set when the unit was sold or put into use: when, and by whom (the shop or employer, as
   * the public sees it). A fact about the unit, not a warning: its buyer and its users scan
   * it after that every day. Only scan patterns (`scanAlert`) say a label may be copied.
   */
  alreadyDecommissioned?: { status: 'sold' | 'in_use'; at: string; by?: PublicOrg };
  /** Commissioning, the first step after it, and the latest few. */
  history: PublicCustodyStep[];
  /** Steps between the first and the latest few that `history` leaves out (the chain API has them all). */
  omittedSteps?: number;
}

/** What is known of a subject's custody: only state items, never a chain. */
export interface CustodyFacts {
  own?: SubjectState;
  /** The containers it sits in, innermost first. */
  path: readonly Enclosure[];
  issuance: { by: string; at: string };
  /** Units: their lot was recalled. */
  lotRecalled: boolean;
}

/**
 * A subject's story from its own summary plus, while it sits in containers, their moves
 * since it went in: shipping a pallet wrote only the pallet, and that is where the units
 * inside learn they moved. The answer is bounded however long the history.
 */
const storyOf = ({ own, path }: CustodyFacts): ShownSteps => {
  const mine = shownSteps(own?.summary);
  const inside = path.flatMap(({ state, since }) => movesSince(state.summary, since));
  return boundSteps({ steps: [...mine.steps, ...inside], omitted: mine.omitted });
};

const outermost = ({ own, path }: CustodyFacts): SubjectState | undefined => outermostOf(own, path);

const custodianIdOf = (facts: CustodyFacts): string => outermost(facts)?.custodianOrgId ?? facts.issuance.by;

/** The organizations the view names, to be looked up before `describeCustody`. */
export const organizationsShown = (facts: CustodyFacts): string[] => [
  ...new Set([
    custodianIdOf(facts),
    facts.issuance.by,
    ...storyOf(facts).steps.map((step) => step.by),
    ...(facts.own?.decommission === undefined ? [] : [facts.own.decommission.by]),
  ]),
];

const statusOf = (facts: CustodyFacts): CustodyStatus => {
  const ownStatus = facts.own?.status ?? 'held';
  if (facts.lotRecalled && ownStatus !== 'destroyed' && ownStatus !== 'voided') return 'recalled';
  if (ownStatus !== 'held' && ownStatus !== 'in_transit') return ownStatus;
  return outermost(facts)?.status === 'in_transit' ? 'in_transit' : ownStatus;
};

const decommissionOf = (
  status: 'sold' | 'in_use',
  decommission: { at: string; by: string },
  orgs: ReadonlyMap<string, PublicOrg>,
): NonNullable<CustodyView['alreadyDecommissioned']> => {
  const by = orgs.get(decommission.by);
  return { status, at: decommission.at, ...(by === undefined ? {} : { by }) };
};

export const describeCustody = (facts: CustodyFacts, orgs: ReadonlyMap<string, PublicOrg>): CustodyView => {
  const status = statusOf(facts);
  const custodian = orgs.get(custodianIdOf(facts));
  const story = storyOf(facts);
  const history: PublicCustodyStep[] = [
    { step: 'commissioning', at: facts.issuance.at, by: orgs.get(facts.issuance.by) },
    ...story.steps.map((step) => ({ step: step.step, at: step.at, by: orgs.get(step.by) })),
  ];
  const state: CustodyView['state'] =
    status === 'held' ? (custodian?.role === 'factory' ? 'at_factory' : 'at_distributor') : status;
  const label =
    state === 'at_factory'
      ? 'At the factory'
      : state === 'at_distributor'
        ? `At ${custodian?.name ?? `a ${custodian?.role ?? 'distributor'}${custodian === undefined ? '' : ` in ${custodian.region}`}`}`
        : STATE_LABELS[status];
  const ownStatus = facts.own?.status;
  const decommission = facts.own?.decommission;
  return {
    state,
    label,
    ...(custodian === undefined || status === 'sold' || status === 'in_use' ? {} : { custodian }),
    since: story.steps.at(-1)?.at ?? facts.issuance.at,
    ...((ownStatus === 'sold' || ownStatus === 'in_use') && decommission !== undefined
      ? { alreadyDecommissioned: decommissionOf(ownStatus, decommission, orgs) }
      : {}),
    history,
    ...(story.omitted === 0 ? {} : { omittedSteps: story.omitted }),
  };
};
