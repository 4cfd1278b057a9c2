import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChainEntry, verifyChain } from '#shared/custody/domain/chain';
import { custodyEvent, issueUnits, postEvents, scan } from '../support/custody';
import { loadEpcisValidator } from '../support/epcis-schema';
import { factoryWithProduct, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

let service: TestService;
let adminToken: string;
beforeAll(async () => ({ service, adminToken } = await startTestServiceWithAdmin()));
afterAll(async () => service?.stop());

const codeOf = (result: { error?: { code: string } } | undefined) => result?.error?.code;

describe('error declarations and corrective events', () => {
  it('corrects a shipment to the wrong receiver without deleting anything', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const wrong = await registerOrg(service, 'distributor', adminToken);
    const right = await registerOrg(service, 'distributor', adminToken);
    const [unit = ''] = await issueUnits(service, factory.token, gtin, 'ERR-1', 1);

    const shipped = await postEvents(service, factory.token, [custodyEvent('shipping', { epcs: [unit], destination: wrong.id })]);
    const mistakenId = shipped.results[0]?.eventId ?? '';
    expect(mistakenId).toMatch(/^ni:\/\/\/sha-256;/);

    expect(
      codeOf(
        (await postEvents(service, right.token, [{ errorDeclaration: { eventId: mistakenId, reason: 'incorrect_data' } }]))
          .results[0],
      ),
    ).toBe('NOT_EVENT_REPORTER');

    const declared = await service.call('POST', '/v1/events', {
      token: factory.token,
      body: {
        events: [
          {
            errorDeclaration: {
              eventId: mistakenId,
              reason: 'incorrect_data',
              correctiveEvents: [custodyEvent('shipping', { epcs: [unit], destination: right.id }, 1000)],
            },
          },
        ],
      },
    });
    expect(declared.status).toBe(200);
    const body = (await declared.json()) as { results: { status: string; corrective?: { status: string; eventId: string }[] }[] };
    expect(body.results[0]?.status).toBe('recorded');
    expect(body.results[0]?.corrective?.[0]?.status).toBe('recorded');
    const correctiveId = body.results[0]?.corrective?.[0]?.eventId;

    expect(codeOf((await postEvents(service, wrong.token, [custodyEvent('receiving', { epcs: [unit] }, 2000)])).results[0])).toBe(
      'NOT_RECEIVER',
    );
    expect((await postEvents(service, right.token, [custodyEvent('receiving', { epcs: [unit] }, 2000)])).status).toBe(200);
    const verdict = await scan(unit);
    expect(verdict.custody?.custodian).toBeDefined();
    expect(verdict.custody?.history.map((h) => h.step)).toEqual(['commissioning', 'shipping', 'receiving']);

    const chain = (await (await service.call('GET', `/v1/chain${new URL(unit).pathname}`, { token: factory.token })).json()) as {
      chain: ChainEntry[];
      check: { valid: boolean };
    };
    expect(chain.check.valid).toBe(true);
    expect(verifyChain(chain.chain).valid).toBe(true);
    expect(chain.chain).toHaveLength(5);
    const declaration = chain.chain[2]?.event as {
      eventID?: string;
      errorDeclaration?: { reason: string; correctiveEventIDs: string[] };
    };
    expect(declaration.eventID).toBe(mistakenId);
    expect(declaration.errorDeclaration).toMatchObject({ reason: 'incorrect_data', correctiveEventIDs: [correctiveId] });
    expect(chain.chain[1]?.event.eventID).toBe(mistakenId); // the mistaken event itself is still there
    const validate = await loadEpcisValidator();
    const { epcisDocument } = await import('#shared/custody/domain/epcis');
    expect(validate(epcisDocument(chain.chain.map((entry) => entry.event)))).toBeUndefined();

    expect(
      codeOf(
        (await postEvents(service, factory.token, [{ errorDeclaration: { eventId: mistakenId, reason: 'incorrect_data' } }]))
          .results[0],
      ),
    ).toBe('EVENT_SUPERSEDED');
  });

  it('refuses a second declaration and unknown events, and explains malformed ones', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const [unit = ''] = await issueUnits(service, factory.token, gtin, 'ERR-2', 1);
    const sold = await postEvents(service, factory.token, [custodyEvent('retail_selling', { epcs: [unit] })]);
    const eventId = sold.results[0]?.eventId ?? '';
    const declare = () => postEvents(service, factory.token, [{ errorDeclaration: { eventId, reason: 'did_not_occur' } }]);
    expect((await declare()).status).toBe(200);
    expect((await scan(unit)).custody?.state).toBe('at_factory');
    expect(codeOf((await declare()).results[0])).toBe('ALREADY_DECLARED');
    const unknownId = `ni:///sha-256;${'0'.repeat(64)}?ver=CBV2.0`;
    expect(
      codeOf(
        (await postEvents(service, factory.token, [{ errorDeclaration: { eventId: unknownId, reason: 'did_not_occur' } }]))
          .results[0],
      ),
    ).toBe('UNKNOWN_EVENT');

    const malformed = await service.call('POST', '/v1/events', {
      token: factory.token,
      body: { events: [{ errorDeclaration: { eventId, reason: 'oops' } }] },
    });
    expect(malformed.status).toBe(400);
    const error = ((await malformed.json()) as { error: { details: { path: string }[] } }).error;
    expect(error.details.map((d) => d.path)).toContain('events.0.errorDeclaration.reason');
  });
});
