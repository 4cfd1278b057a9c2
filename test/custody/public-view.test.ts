import { describe, expect, it } from 'vitest';
import { type CustodyFacts, describeCustody, organizationsShown, type PublicOrg } from '#shared/custody/domain/public-view';
import { appendSteps } from '#shared/custody/domain/summary';
import { type CustodyStep, subjectIdOf } from '#shared/custody/domain/types';
import { held, pallet, unit } from '../support/custody-states';

const orgs = new Map<string, PublicOrg>([
  ['factory', { name: 'Hefei Helmets', role: 'factory', region: 'CN-AH Hefei' }],
  ['dist', { name: 'Wuhu Safety', role: 'distributor', region: 'CN-AH Wuhu' }],
]);
const issuance = { by: 'factory', at: '2026-01-01T00:00:00.000Z' };
const step = (name: CustodyStep['step'], by: string, day: number): CustodyStep => ({
  step: name,
  by,
  at: `2026-01-0${day}T00:00:00.000Z`,
});
const u = unit('A');
const facts = (patch: Partial<CustodyFacts> = {}): CustodyFacts => ({ path: [], issuance, lotRecalled: false, ...patch });

describe('the public custody view', () => {
  it('shows a unit nobody reported on at its factory since issuance', () => {
    expect(describeCustody(facts(), orgs)).toMatchObject({ state: 'at_factory', label: 'At the factory', since: issuance.at });
  });

  it('starts the history with commissioning by the issuer', () => {
    expect(describeCustody(facts(), orgs).history).toEqual([{ step: 'commissioning', at: issuance.at, by: orgs.get('factory') }]);
  });

  it('names a distributor custodian in the label', () => {
    expect(describeCustody(facts({ own: held(u, 'dist') }), orgs)).toMatchObject({
      state: 'at_distributor',
      label: 'At Wuhu Safety',
    });
  });

  it('shows a packed unit in transit when its outermost container is', () => {
    const shipped = held(pallet, 'factory', { status: 'in_transit', receiverOrgId: 'dist' });
    const own = held(u, 'factory', { parentId: subjectIdOf(pallet) });
    expect(describeCustody(facts({ own, path: [{ state: shipped }] }), orgs).state).toBe('in_transit');
  });

  it("tells a packed unit of its container's moves since it went in", () => {
    const summary = appendSteps(undefined, [step('shipping', 'factory', 2), step('receiving', 'dist', 3)]);
    const box = held(pallet, 'dist', { summary });
    const own = held(u, 'factory', { parentId: subjectIdOf(pallet), packedAt: '2026-01-01T12:00:00.000Z' });
    const view = describeCustody(facts({ own, path: [{ state: box, since: own.packedAt }] }), orgs);
    expect(view.history.map((h) => h.step)).toEqual(['commissioning', 'shipping', 'receiving']);
  });

  it('shows a unit of a recalled lot as recalled wherever it is', () => {
    expect(describeCustody(facts({ own: held(u, 'dist'), lotRecalled: true }), orgs).state).toBe('recalled');
  });

  it('keeps a destroyed unit destroyed when its lot is recalled', () => {
    expect(describeCustody(facts({ own: held(u, 'dist', { status: 'destroyed' }), lotRecalled: true }), orgs).state).toBe(
      'destroyed',
    );
  });

  it('says when a unit was sold and by whom, without a custodian', () => {
    const sold = held(u, 'dist', {
      status: 'sold',
      decommission: { at: '2026-01-05T00:00:00.000Z', by: 'dist', statusBefore: 'held' },
    });
    const view = describeCustody(facts({ own: sold }), orgs);
    expect(view.alreadyDecommissioned).toEqual({ status: 'sold', at: '2026-01-05T00:00:00.000Z', by: orgs.get('dist') });
    expect(view).not.toHaveProperty('custodian');
  });

  it('counts the steps the history leaves out', () => {
    let summary = appendSteps(undefined, [step('shipping', 'factory', 1)]);
    for (let i = 0; i < 20; i++)
      summary = appendSteps(summary, [
        { ...step('receiving', 'dist', 2), at: `2026-01-02T00:00:${String(i).padStart(2, '0')}.000Z` },
      ]);
    expect(describeCustody(facts({ own: held(u, 'dist', { summary }) }), orgs).omittedSteps).toBe(12);
  });

  it('names each organization once for lookup', () => {
    const summary = appendSteps(undefined, [step('shipping', 'factory', 2), step('receiving', 'dist', 3)]);
    expect(organizationsShown(facts({ own: held(u, 'dist', { summary }) })).sort()).toEqual(['dist', 'factory']);
  });
});
