import type { BizStep, CustodyStatus } from './types';

/**
 * How our business steps are written as EPCIS 2.0 events with CBV 2.0 values. Where CBV
 * has no step of its own (reversing a decommission) we use a URI of our vocabulary, as
 * EPCIS allows for any bizStep.
 */
// Part of every event id (our extension fields hash as "{https://traceseal.dev/voc/}reporter"...): never change it.
export const TRACESEAL_VOCABULARY = 'https://traceseal.dev/voc/';

export interface EpcisShape {
  type: 'ObjectEvent' | 'AggregationEvent';
  action: 'OBSERVE' | 'ADD' | 'DELETE';
  bizStep: string;
  disposition: string;
  /** EPCIS 2.0: a disposition that stays with the objects through later events until unset. */
  persistentDisposition?: { set: string[] };
}

/**
 * A recall as the standards give it. CBV 2.0 has no recall business step (the official
 * EPCIS 2.0 schema lists every CBV step; none is a recall): a recall is the disposition
 * `recalled`, on a `holding` step (objects segregated for review), and EPCIS 2.0 marks a
 * recall that outlives the event with persistentDisposition `set: ["recalled"]`, which no
 * later event of ours unsets (recalls are irreversible).
 */
export const RECALL_SHAPE: EpcisShape = {
  type: 'ObjectEvent',
  action: 'OBSERVE',
  bizStep: 'holding',
  disposition: 'recalled',
  persistentDisposition: { set: ['recalled'] },
};

export const EPCIS_SHAPES: Record<BizStep, EpcisShape> = {
  packing: { type: 'AggregationEvent', action: 'ADD', bizStep: 'packing', disposition: 'container_closed' },
  unpacking: { type: 'AggregationEvent', action: 'DELETE', bizStep: 'unpacking', disposition: 'container_open' },
  shipping: { type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'shipping', disposition: 'in_transit' },
  receiving: { type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'receiving', disposition: 'in_progress' },
  retail_selling: { type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'retail_selling', disposition: 'retail_sold' },
  // Put into use by the employer or wearer: supplied to its end user.
  decommissioning: { type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'decommissioning', disposition: 'dispensed' },
  decommissioning_reversal: {
    type: 'ObjectEvent',
    action: 'OBSERVE',
    bizStep: `${TRACESEAL_VOCABULARY}bizStep-decommissioning_reversal`,
    disposition: 'sellable_accessible',
  },
  destroying: { type: 'ObjectEvent', action: 'DELETE', bizStep: 'destroying', disposition: 'destroyed' },
  // A misprinted label: the identifier is withdrawn (CBV decommissioning, inactive).
  void: { type: 'ObjectEvent', action: 'DELETE', bizStep: 'decommissioning', disposition: 'inactive' },
  recall: RECALL_SHAPE,
};

/** The public wording of a subject's state on a scan. */
export const STATE_LABELS: Record<CustodyStatus, string> = {
  held: 'In stock',
  in_transit: 'In transit',
  sold: 'Sold to an end user',
  in_use: 'In use',
  destroyed: 'Destroyed',
  voided: 'Label voided',
  recalled: 'Recalled',
};
