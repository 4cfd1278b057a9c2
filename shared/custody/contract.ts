/**
 * What other capabilities may know of this one without running it: its domain types and
 * rules and its request schemas, pure (no store, no I/O). index.ts re-exports it with the
 * capability's services.
 */
export { hashRecordedEvent } from './domain/chain';
export { containersAbove, unitsInside } from './domain/container-tree';
export { EPCIS_CONTEXT } from './domain/epcis';
export { EPCIS_QUERY_PARAMETERS, type EpcisQuery, matchesEpcisQuery, parseEpcisQuery } from './domain/epcis-query';
export { canSee, type EventViewer, viewerOf } from './domain/event-audience';
export { eventHashId } from './domain/event-hash';
export { namesOf, newPartiesOf, type Parties, type PartyUris, type Vocabulary, vocabulariesOf } from './domain/party-names';
export { type CustodyFacts, type CustodyView, describeCustody, organizationsShown, type PublicOrg } from './domain/public-view';
export { CLOCK_SKEW_TOLERANCE_MS } from './domain/rules';
export { type BizStep, DECOMMISSIONED_STATUSES, type SubjectRef, subjectIdOf } from './domain/types';
