/**
 * "Double random" spot checks, commit–reveal: a regulator commits to a secret, the service
 * fixes the inputs (population and a salt nobody knew at commit time), the regulator
 * reveals the secret and the draw follows from both (shared/domain/spot-check-draw.ts).
 * Every draw is public from its commitment on.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Principal } from '#shared/auth/principal';
import { computeDraw, parseSecret, type SpotCheckKind, sortedUnique } from '#shared/domain/spot-check-draw';
import {
  drawProvinceFor,
  effectiveStatus,
  inputsOf,
  MAX_POPULATION,
  revealDeadline,
  type SpotCheckDraw,
} from '#shared/domain/spot-checks';
import type { ProductCategory } from '#shared/domain/types';
import { AppError, BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '#shared/errors';
import { createDraw, fixDraw, getDraw, listDraws, revealDraw } from '#shared/store/spot-check-repository';
import { listResults } from '#shared/store/spot-check-results-repository';
import { requireRegisteredOrg } from './registry-service';
import { publicResult } from './spot-check-comparison';
import { populationOf } from './spot-check-population';

export interface CreateDrawInput {
  scope: { province?: string; category?: ProductCategory; gtin?: string; lot?: string };
  kind: SpotCheckKind;
  sampleSize: number;
  inspectors: string[];
  inspectorCount: number;
  commitment: string;
}

/** The draw as published: status evaluated now, inputs once fixed, outcome once drawn. */
export const publicDraw = (draw: SpotCheckDraw, now: Date, detail: 'summary' | 'full') => {
  const inputs = inputsOf(draw);
  const { population, status: _stored, ...rest } = draw;
  return {
    ...rest,
    status: effectiveStatus(draw, now),
    revealDeadline: revealDeadline(draw).toISOString(),
    ...(population === undefined ? {} : { populationSize: population.length }),
    ...(detail === 'full' && inputs !== undefined ? { inputs } : {}),
  };
};

const ownDraw = async (principal: Principal, id: string, now: Date): Promise<SpotCheckDraw> => {
  await requireRegisteredOrg(principal);
  const draw = await getDraw(id);
  if (draw === undefined) throw new NotFoundError('DRAW_NOT_FOUND', `Spot-check draw ${id} does not exist`);
  if (draw.regulatorOrgId !== principal.orgId) {
    throw new ForbiddenError('NOT_YOUR_DRAW', 'Only the regulator that opened a draw may change it');
  }
  if (effectiveStatus(draw, now) === 'abandoned') {
    throw new ConflictError('DRAW_ABANDONED', `Draw ${id} was not revealed within its window and is abandoned`);
  }
  return draw;
};

export const openDraw = async (principal: Principal, input: CreateDrawInput, now = new Date()) => {
  const regulator = await requireRegisteredOrg(principal);
  const province = drawProvinceFor(regulator.region, input.scope.province);
  const inspectors = sortedUnique(input.inspectors);
  if (inspectors.length !== input.inspectors.length) {
    throw new BadRequestError('DUPLICATE_INSPECTORS', 'Each inspector may be listed once');
  }
  if (input.inspectorCount > inspectors.length) {
    throw new BadRequestError('TOO_FEW_INSPECTORS', 'inspectorCount is larger than the list of inspectors');
  }
  const scope = {
    province,
    ...(input.scope.category === undefined ? {} : { category: input.scope.category }),
    ...(input.scope.gtin === undefined ? {} : { gtin: input.scope.gtin }),
    ...(input.scope.lot === undefined ? {} : { lot: input.scope.lot }),
  };
  // Checked now so a hopeless scope never opens a draw (the population is taken again at fix).
  const population = await populationOf(input.kind, scope);
  if (population.length === 0) throw new BadRequestError('EMPTY_POPULATION', 'Nothing in this scope can be drawn');
  const draw: SpotCheckDraw = {
    id: randomUUID(),
    regulatorOrgId: regulator.id,
    status: 'committed',
    scope,
    kind: input.kind,
    sampleSize: input.sampleSize,
    inspectors,
    inspectorCount: input.inspectorCount,
    commitment: input.commitment.toLowerCase(),
    committedAt: now.toISOString(),
  };
  await createDraw(draw, revealDeadline(draw).toISOString());
  return publicDraw(draw, now, 'full');
};

export const fixInputs = async (principal: Principal, id: string, now = new Date()) => {
  const draw = await ownDraw(principal, id, now);
  if (draw.status !== 'committed') throw new ConflictError('ALREADY_FIXED', `The inputs of draw ${id} are already fixed`);
  let population: string[];
  try {
    population = await populationOf(draw.kind, draw.scope);
  } catch (error) {
    // The scope was drawable at commit time; that it no longer is is a state conflict.
    if (error instanceof AppError && error.statusCode === 400) throw new ConflictError(error.code, error.message);
    throw error;
  }
  if (population.length === 0) throw new ConflictError('EMPTY_POPULATION', 'Nothing in this scope can be drawn any more');
  if (population.length > MAX_POPULATION) throw new ConflictError('POPULATION_TOO_LARGE', 'The scope grew too large');
  const fixed = { fixedAt: now.toISOString(), salt: randomBytes(32).toString('hex'), population };
  await fixDraw(id, fixed);
  return publicDraw({ ...draw, status: 'fixed', ...fixed }, now, 'full');
};

export const reveal = async (principal: Principal, id: string, secretText: string, now = new Date()) => {
  const draw = await ownDraw(principal, id, now);
  if (draw.status === 'committed') throw new ConflictError('NOT_FIXED', `Fix the inputs of draw ${id} before revealing`);
  if (draw.status === 'drawn') throw new ConflictError('ALREADY_REVEALED', `Draw ${id} is already revealed`);
  const inputs = inputsOf(draw);
  if (inputs === undefined) throw new Error(`draw ${id} is fixed without its inputs`);
  const secret = parseSecret(secretText);
  const outcome = computeDraw(inputs, secret);
  const revealed = {
    revealedAt: now.toISOString(),
    secret: secret.toString('hex'),
    inputsHash: outcome.inputsHash,
    seed: outcome.seed,
    targets: outcome.targets,
    selectedInspectors: outcome.inspectors,
  };
  await revealDraw(draw, revealed);
  return publicDraw({ ...draw, status: 'drawn', ...revealed }, now, 'full');
};

export const readDraw = async (id: string, now = new Date()) => {
  const draw = await getDraw(id);
  if (draw === undefined) throw new NotFoundError('DRAW_NOT_FOUND', `Spot-check draw ${id} does not exist`);
  const results = draw.status === 'drawn' ? await listResults(id) : [];
  return { ...publicDraw(draw, now, 'full'), results: results.map(publicResult) };
};

export const listPublishedDraws = async (options: { cursor?: string; limit: number }, now = new Date()) => {
  const page = await listDraws(options);
  return {
    draws: page.draws.map((draw) => publicDraw(draw, now, 'summary')),
    ...(page.cursor === undefined ? {} : { cursor: page.cursor }),
  };
};
