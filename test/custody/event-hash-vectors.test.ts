import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventHashId, eventPreHash, hashIdOfPreHash } from '#shared/custody/domain/event-hash';

/**
 * GS1's published test vectors of the CBV 2.0 event hash (the test documents of the
 * reference implementation RalphTro/epcis-event-hash-generator, commit 5d2f1c3), read from
 * ../shared/standards/epcis-event-hash/ beside the checkout: every event of every JSON-LD
 * document must get exactly the published pre-hash and hash.
 */
const FOLDER = new URL('../../../shared/standards/epcis-event-hash/examples/', import.meta.url);
if (!existsSync(FOLDER)) {
  throw new Error(
    `CBV 2.0 event hash vectors not found at ${FOLDER.pathname}: these tests need ` +
      '../shared/standards/epcis-event-hash/ (the reference test vectors) beside the checkout',
  );
}
const files = readdirSync(FOLDER);
const read = (name: string): string => readFileSync(new URL(name, FOLDER), 'utf8');
const lines = (name: string): string[] =>
  read(name)
    .split('\n')
    .filter((line) => line !== '');
const basenames = (ext: string): string[] =>
  files
    .filter((f) => f.endsWith(ext))
    .map((f) => f.slice(0, -ext.length))
    .sort();

/** Every JSON-LD vector; the first test checks this is all of them. */
const JSONLD_VECTORS = [
  'CertificationInfoAndSensorReportWithCRS',
  'ReferenceEventHashAlgorithm',
  'ReferenceEventHashAlgorithm2',
  'ReferenceEventHashAlgorithm3',
  'TimeStampRoundOff',
  'epcisDocHavingEventWithComment',
  'epcisDocHavingEventWithIgnoreFields',
  'epcisDocWithAllGS1Keys',
  'epcisDocWithCustomSchemaInContext',
  'epcisDocWithDefaultSchemaInContext',
  'epcisDocWithSensorComponent',
  'epcisDocWithSensorDataObjectEvent',
  'epcisDocWithShippingAndTransportingEvent',
  'epcisDocWithSingleEvent',
  'epcisDocWithVariousEventTypes',
  'epcisDocWithXMLstartTagAndErrorDeclaration',
  'epcisEventWithCURIEs',
  'epcisQueryDocHavingEventWithIgnoreFields',
  'epcisQueryDocument',
  'epclist_normalisation',
  'persistentDisposition',
  'ralfsChaosExample',
];

/**
 * Vectors published only as EPCIS XML. TraceSeal reads and writes EPCIS 2.0 JSON-LD only, so
 * it has no XML parser to run them through; the algorithm after parsing is the one the
 * JSON-LD vectors test (12 of those 16 documents exist in both syntaxes with the same hashes).
 */
const XML_ONLY_VECTORS = [
  'SensorDataExamples',
  'epcisDocWith2DifferentTransformationEvents',
  'epcisDocWithTransformationEventWithExtension',
  'epcisDocWithTransformationEventWithMultipleExtensions',
  'epcisXmlDocHavingEventWithIgnoreFields',
  'epcisXmlQueryDocHavingEventWithIgnoreFields',
];

/** A .prehashes file whose document is not published: there is nothing to compute it from. */
const WITHOUT_DOCUMENT = ['epcisDocHavingTooManyUserExtensions'];

/**
 * Published pre-hash lines that are stale: they do not hash to the published hash of the same
 * event (garbled, truncated, or another event's), and the reference's own test checks only
 * the .hashes files. For these events the hash is the expectation.
 */
const STALE_PREHASHES: Record<string, number[]> = {
  epcisDocWithAllGS1Keys: [0],
  epcisDocWithCustomSchemaInContext: [1],
  epcisDocWithDefaultSchemaInContext: [1],
};

/**
 * The reference tool's one option these vectors use: a document may list, in
 * `ignoreFields` of the namespace https://repository-x.example.com/, event fields a
 * repository added that are not part of the event (eventPreHash's `ignoreFields`).
 */
const IGNORE_FIELDS_NAMESPACE = 'https://repository-x.example.com/';

type Json = Record<string, unknown>;
const asObject = (value: unknown): Json => (typeof value === 'object' && value !== null ? (value as Json) : {});

const ignoreFieldsOf = (holder: Json, context: unknown): string[] | undefined => {
  const prefix = (Array.isArray(context) ? context : [context])
    .flatMap((entry) => Object.entries(asObject(entry)))
    .find(([, iri]) => iri === IGNORE_FIELDS_NAMESPACE)?.[0];
  const fields = prefix === undefined ? undefined : holder[`${prefix}:ignoreFields`];
  return Array.isArray(fields) ? fields.map(String) : undefined;
};

const documentEvents = (name: string): { events: Json[]; context: unknown; ignoreFields: string[] | undefined } => {
  const document = asObject(JSON.parse(read(`${name}.jsonld`)));
  const context = document['@context'];
  const body = asObject(document.epcisBody);
  const queryResults = asObject(body.queryResults);
  if (body.queryResults !== undefined) {
    const events = asObject(queryResults.resultsBody).eventList;
    return { events: events as Json[], context, ignoreFields: ignoreFieldsOf(queryResults, context) };
  }
  const events = body.eventList ?? [body.event];
  return { events: events as Json[], context, ignoreFields: ignoreFieldsOf(document, context) };
};

describe('CBV 2.0 event hash: the reference implementation test vectors', () => {
  it('covers every JSON-LD vector, and says why each other file is not run', () => {
    expect(basenames('.jsonld')).toEqual([...JSONLD_VECTORS].sort());
    const xmlOnly = basenames('.xml').filter((name) => !JSONLD_VECTORS.includes(name));
    expect(xmlOnly).toEqual([...XML_ONLY_VECTORS].sort());
    const documents = new Set([...basenames('.jsonld'), ...basenames('.xml')]);
    const orphans = [...basenames('.hashes'), ...basenames('.prehashes')].filter((name) => !documents.has(name));
    expect([...new Set(orphans)]).toEqual(WITHOUT_DOCUMENT);
  });

  it('lists as stale exactly the published pre-hashes that do not hash to their published hash', () => {
    const stale: Record<string, number[]> = {};
    for (const name of basenames('.prehashes').filter((n) => JSONLD_VECTORS.includes(n))) {
      const hashes = lines(`${name}.hashes`);
      const mismatched = lines(`${name}.prehashes`).flatMap((p, i) => (hashIdOfPreHash(p) === hashes[i] ? [] : [i]));
      if (mismatched.length > 0) stale[name] = mismatched;
    }
    expect(stale).toEqual(STALE_PREHASHES);
  });

  for (const name of JSONLD_VECTORS) {
    it(name, () => {
      const { events, context, ignoreFields } = documentEvents(name);
      const options = { context, ...(ignoreFields === undefined ? {} : { ignoreFields }) };
      const expectedHashes = lines(`${name}.hashes`);
      const expectedPreHashes = files.includes(`${name}.prehashes`) ? lines(`${name}.prehashes`) : [];
      expect(events).toHaveLength(expectedHashes.length);
      events.forEach((event, i) => {
        const preHash = eventPreHash(event, options);
        if (expectedPreHashes[i] !== undefined && !(STALE_PREHASHES[name] ?? []).includes(i)) {
          expect(preHash, `${name} event ${i}: pre-hash`).toBe(expectedPreHashes[i]);
        }
        expect(eventHashId(event, options), `${name} event ${i}: hash`).toBe(expectedHashes[i]);
      });
    });
  }
});
