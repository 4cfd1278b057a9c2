/**
 * Who may recall what, beyond the GTIN owner recalling its own products (the custody rules
 * check that). A recall is irreversible and stops goods wherever they are, so a regulator
 * recalls only within its jurisdiction: a provincial one (`CN-ZJ Hangzhou`) what was made
 * in its province (the factory that issued the code is registered there) or is held there
 * (its custodian, or the custodian of the outermost container holding it, is registered
 * there); a national one (`CN`) what was made or is held in its country. Pure: the caller
 * reads the organizations' registered regions.
 */
import { regulatorScopeOf, scopeCovers } from '#inbox/contract';
import { ForbiddenError } from '#kernel/errors';
import { provinceOf } from '#kernel/places/provinces';

export interface RecallPlaces {
  /** Registered region of the factory that issued the code or the lot. */
  madeIn?: string | undefined;
  /** Registered region of whoever holds it now; a whole lot is never "held" in one place. */
  heldIn?: string | undefined;
}

/** The provinces whose regulators may recall something made and held at those places. */
export const competentProvinces = (places: RecallPlaces): string[] => [
  ...new Set([places.madeIn, places.heldIn].filter((region): region is string => region !== undefined).map((r) => provinceOf(r))),
];

/**
 * Refuses (403 `RECALL_OUTSIDE_JURISDICTION`) a regulator's recall of `what` unless one of
 * its places lies in the regulator's area. The refusal names the competent provinces, so
 * the regulator knows whom to ask; a scan shows the factory's and holder's regions anyway.
 */
export const requireRecallJurisdiction = (regulatorRegion: string, what: string, places: RecallPlaces, hint = ''): void => {
  const scope = regulatorScopeOf(provinceOf(regulatorRegion));
  const provinces = competentProvinces(places);
  if (provinces.some((province) => scopeCovers(scope, province))) return;
  const area = scope.kind === 'national' ? scope.country : scope.province;
  const where = [
    places.madeIn === undefined ? undefined : `made in ${provinceOf(places.madeIn)}`,
    places.heldIn === undefined ? undefined : `held in ${provinceOf(places.heldIn)}`,
  ].filter((part) => part !== undefined);
  throw new ForbiddenError(
    'RECALL_OUTSIDE_JURISDICTION',
    where.length === 0
      ? `${what} is outside your jurisdiction (${area}): where it was made or is held is unknown.${hint}`
      : `${what} is outside your jurisdiction (${area}): ${where.join(', ')}; the regulators of ${provinces.join(' or ')}, or a national one, may recall it.${hint}`,
    { provinces },
  );
};
