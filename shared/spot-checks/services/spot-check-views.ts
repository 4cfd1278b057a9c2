/**
 * What a spot-check draw shows, and to whom. Every draw is public from its commitment on,
 * with everything reproducing it needs; the one thing withheld from the public is the
 * serials of a `units` draw (its population, its targets and the targets of its results),
 * which would hand a counterfeiter every genuine serial of a lot. Those go only to the
 * regulators whose jurisdiction covers the draw and to the factory that owns the product.
 * Organization ids and `{gtin}:{lot}` ids are not secret (a lot's id is printed on every
 * label of it, and factories are registered to be listed), so those stay public.
 */

import type { Principal } from '#kernel/auth/principal';
import { ForbiddenError, NotFoundError } from '#kernel/errors';
import { getOrganizationCached, getProductRecord, requireRegisteredOrg } from '#registry';
import {
  drawProvinceFor,
  effectiveStatus,
  inputsOf,
  inputsOfV1,
  revealDeadline,
  type SpotCheckDraw,
} from '../domain/spot-checks';
import { getDraw, listDraws } from '../store/spot-check-repository';
import { listResults, type SpotCheckResultEntry } from '../store/spot-check-results-repository';
import { publicResult } from './spot-check-comparison';

/** `public`: anyone; `entitled`: a caller who may see every id of the draw. */
export type Audience = 'public' | 'entitled';

const hidesIds = (draw: SpotCheckDraw, audience: Audience): boolean => draw.kind === 'units' && audience === 'public';

/** The draw as shown: status evaluated now, inputs once fixed, outcome once drawn. */
export const drawView = (draw: SpotCheckDraw, now: Date, detail: 'summary' | 'full', audience: Audience = 'public') => {
  const { population, status: _stored, targets, ...rest } = draw;
  const hide = hidesIds(draw, audience);
  const inputs = inputsOf(draw);
  const inputsV1 = inputsOfV1(draw);
  return {
    ...rest,
    status: effectiveStatus(draw, now),
    revealDeadline: revealDeadline(draw).toISOString(),
    ...(population === undefined ? {} : { populationSize: population.length }),
    ...(targets === undefined || hide ? {} : { targets }),
    ...(detail === 'full' && inputs !== undefined ? { inputs } : {}),
    // A `/1` draw hashed its population list itself: without the list a units draw of it
    // cannot be reproduced publicly, which is the price of not publishing serials.
    ...(detail === 'full' && inputsV1 !== undefined ? { inputs: hide ? { ...inputsV1, population: undefined } : inputsV1 } : {}),
    ...(detail === 'full' && inputs !== undefined && population !== undefined && !hide ? { population } : {}),
  };
};

/** Results as shown: a units target is its position in the sorted population unless the caller may see serials. */
const resultsView = (draw: SpotCheckDraw, entries: readonly SpotCheckResultEntry[], audience: Audience) =>
  entries.map((entry) => {
    const { target, ...rest } = publicResult(entry);
    if (!hidesIds(draw, audience)) return { target, ...rest };
    const position = draw.population?.indexOf(target) ?? -1;
    return { ...rest, ...(position < 0 ? {} : { targetPosition: position }) };
  });

/**
 * An organizations draw's targets with their names and regions, beside the ids it is
 * reproduced from (names are for reading, never an input of the draw).
 */
const targetOrganizationsOf = async (draw: SpotCheckDraw) => {
  if (draw.kind !== 'organizations' || draw.targets === undefined) return {};
  const named = await Promise.all(
    draw.targets.map(async (id) => {
      const org = await getOrganizationCached(id);
      return { id, name: org?.name ?? '', region: org?.region ?? '' };
    }),
  );
  return { targetOrganizations: named };
};

export const readDraw = async (id: string, now = new Date()) => {
  const draw = await getDraw(id);
  if (draw === undefined) throw new NotFoundError('DRAW_NOT_FOUND', `Spot-check draw ${id} does not exist`);
  const results = draw.status === 'drawn' ? await listResults(id) : [];
  return {
    ...drawView(draw, now, 'full'),
    ...(await targetOrganizationsOf(draw)),
    results: resultsView(draw, results, 'public'),
  };
};

export const listPublishedDraws = async (options: { cursor?: string; limit: number }, now = new Date()) => {
  const page = await listDraws(options);
  return {
    draws: page.draws.map((draw) => drawView(draw, now, 'summary')),
    ...(page.cursor === undefined ? {} : { cursor: page.cursor }),
  };
};

/**
 * Whether the caller may see every id of a draw: the regulators whose jurisdiction covers
 * its province (the drawing one, the province's, a national one of its country) and, for a
 * units draw, the factory that owns the lot's product. Other populations are public anyway.
 */
const requireEntitled = async (principal: Principal, draw: SpotCheckDraw): Promise<void> => {
  const org = await requireRegisteredOrg(principal);
  if (org.role === 'regulator') {
    if (draw.regulatorOrgId !== org.id) drawProvinceFor(org.region, draw.scope.province);
    return;
  }
  if (draw.kind !== 'units') return;
  if (draw.scope.gtin !== undefined && (await getProductRecord(draw.scope.gtin))?.product.ownerOrgId === org.id) return;
  throw new ForbiddenError('NOT_YOUR_DRAW', 'The serials of a units draw are for the regulators concerned and the lot’s factory');
};

/** The draw's population and targets with their ids, for a caller entitled to them. */
export const readDrawPopulation = async (principal: Principal, id: string, now = new Date()) => {
  const draw = await getDraw(id);
  if (draw === undefined) throw new NotFoundError('DRAW_NOT_FOUND', `Spot-check draw ${id} does not exist`);
  await requireEntitled(principal, draw);
  const results = draw.status === 'drawn' ? await listResults(id) : [];
  return {
    drawId: draw.id,
    status: effectiveStatus(draw, now),
    kind: draw.kind,
    population: draw.population ?? [],
    ...(draw.targets === undefined ? {} : { targets: draw.targets }),
    ...(await targetOrganizationsOf(draw)),
    results: resultsView(draw, results, 'entitled'),
  };
};
