import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gs1CheckDigit } from '#kernel/codes/gtin';
import { issueContainer, issueUnits } from '../support/custody';
import { factoryWithProduct, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/**
 * No existence oracle: a caller who may not see a code's chain must not learn whether
 * the code exists, so both answers are the same 404, byte for byte.
 */
let service: TestService;
let adminToken: string;
beforeAll(async () => ({ service, adminToken } = await startTestServiceWithAdmin()));
afterAll(async () => service?.stop());

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

const answer = async (path: string, token: string) => {
  const res = await service.call('GET', `/v1/chain${path}`, { token });
  return { status: res.status, body: await res.text() };
};

describe('GET /v1/chain', () => {
  it('answers the same 404 for a serial never issued and for one the caller may not see', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const stranger = await registerOrg(service, 'distributor', adminToken);
    const [unit = ''] = await issueUnits(service, factory.token, gtin, `O${Date.now() % 1e6}`, 1);
    const issued = new URL(unit).pathname;
    const serial = issued.split('/')[6] ?? '';
    // Same GTIN and lot, a serial of the right shape that was never issued (its check fails).
    const last = serial.at(-1) ?? '0';
    const forgedSerial = serial.slice(0, -1) + (CROCKFORD[(CROCKFORD.indexOf(last) + 1) % CROCKFORD.length] ?? '0');
    const neverIssued = issued.replace(`/21/${serial}`, `/21/${forgedSerial}`);

    const hidden = await answer(issued, stranger.token);
    const missing = await answer(neverIssued, stranger.token);
    expect(hidden.status).toBe(404);
    expect(missing).toEqual(hidden);
    // The owner does see it, so the 404 above was about visibility, not a bad path.
    expect((await answer(issued, factory.token)).status).toBe(200);
  });

  it('the same for containers', async () => {
    const { factory } = await factoryWithProduct(service, adminToken);
    const stranger = await registerOrg(service, 'distributor', adminToken);
    const pallet = await issueContainer(service, factory.token, 'pallet');
    const issued = new URL(pallet).pathname;
    const body = `3${'9'.repeat(16)}`;
    const neverIssued = `/00/${body}${gs1CheckDigit(body)}`;

    const hidden = await answer(issued, stranger.token);
    const missing = await answer(neverIssued, stranger.token);
    expect(hidden.status).toBe(404);
    expect(missing).toEqual(hidden);
    expect((await answer(issued, factory.token)).status).toBe(200);
  });
});
