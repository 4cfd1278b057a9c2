/**
 * "Double random" spot checks, commit–reveal: a regulator commits to a secret, the service
 * fixes the inputs (the population's commitment) and commits to its own salt, the regulator
 * reveals the secret, and the draw follows from both (shared/spot-checks/domain/spot-check-draw.ts).
 * The service salt is an HMAC under a key outside the table (spot-check-salt-key.ts) and is
 * published only after the reveal. Every draw is public from its commitment on
 * (spot-check-views.ts says what is shown to whom).
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '#kernel/auth/principal';
import { AppError, BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '#kernel/errors';
import { type ProductCategory, requireRegisteredOrg } from '#registry';
import {
  checkPopulation,
  computeDraw,
  DRAW_ALGORITHM,
  parseSecret,
  populationCommitmentOf,
  type SpotCheckKind,
  serviceSaltMessage,
  sha256,
  targetsAt,
} from '../domain/spot-check-draw';
import {
  drawProvinceFor,
  effectiveStatus,
  inputsOf,
  isV1Draw,
  MAX_POPULATION,
  revealDeadline,
  type SpotCheckDraw,
  saltBaseOf,
} from '../domain/spot-checks';
import { createDraw, fixDraw, getDraw, revealDraw } from '../store/spot-check-repository';
import { drawInspectors } from './inspector-service';
import { populationOf } from './spot-check-population';
import { serviceSaltOf } from './spot-check-salt-key';
import { drawView } from './spot-check-views';

export interface CreateDrawInput {
  scope: { province?: string; category?: ProductCategory; gtin?: string; lot?: string };
  kind: SpotCheckKind;
  sampleSize: number;
  /** Ids of the regulator's registered, active inspectors. */
  inspectors: string[];
  inspectorCount: number;
  commitment: string;
}

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
  if (isV1Draw(draw) && draw.status !== 'drawn') {
    // Its inputs were public once fixed, so its outcome was computable before the reveal:
    // it lapses (and stays published as abandoned) rather than being finished.
    throw new ConflictError(
      'DRAW_ALGORITHM_RETIRED',
      `Draw ${id} uses traceseal-spot-check/1, which is retired: let it lapse and open a new draw`,
    );
  }
  return draw;
};

export const openDraw = async (principal: Principal, input: CreateDrawInput, now = new Date()) => {
  const regulator = await requireRegisteredOrg(principal);
  const province = drawProvinceFor(regulator.region, input.scope.province);
  const roster = await drawInspectors(regulator.id, input.inspectors);
  if (input.inspectorCount > roster.length) {
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
    algorithm: DRAW_ALGORITHM,
    regulatorOrgId: regulator.id,
    status: 'committed',
    scope,
    kind: input.kind,
    sampleSize: input.sampleSize,
    inspectors: roster.map((inspector) => inspector.id),
    inspectorRoster: roster,
    inspectorCount: input.inspectorCount,
    commitment: input.commitment.toLowerCase(),
    committedAt: now.toISOString(),
  };
  await createDraw(draw, revealDeadline(draw).toISOString());
  return drawView(draw, now, 'full');
};

/** The service salt of a fixed draw, recomputed from its stored inputs. */
const serviceSaltFor = async (
  draw: SpotCheckDraw,
  fixed: { fixedAt: string; populationSize: number; populationCommitment: string },
) => serviceSaltOf(serviceSaltMessage(saltBaseOf(draw, fixed)));

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
  const commitment = populationCommitmentOf(population);
  const fixedAt = now.toISOString();
  const salt = await serviceSaltFor(draw, { fixedAt, populationSize: commitment.size, populationCommitment: commitment.sha256 });
  const fixed = {
    fixedAt,
    population,
    populationSize: commitment.size,
    populationCommitment: commitment.sha256,
    serviceSaltCommitment: sha256(salt).toString('hex'),
  };
  await fixDraw(id, fixed);
  return drawView({ ...draw, status: 'fixed', ...fixed }, now, 'full', 'entitled');
};

export const reveal = async (principal: Principal, id: string, secretText: string, now = new Date()) => {
  const draw = await ownDraw(principal, id, now);
  if (draw.status === 'committed') throw new ConflictError('NOT_FIXED', `Fix the inputs of draw ${id} before revealing`);
  if (draw.status === 'drawn') throw new ConflictError('ALREADY_REVEALED', `Draw ${id} is already revealed`);
  const inputs = inputsOf(draw);
  if (inputs === undefined || draw.population === undefined) throw new Error(`draw ${id} is fixed without its inputs`);
  const secret = parseSecret(secretText);
  const salt = await serviceSaltFor(draw, {
    fixedAt: inputs.fixedAt,
    populationSize: inputs.population.size,
    populationCommitment: inputs.population.sha256,
  });
  // The salt follows from the stored inputs: if they, or the population, were rewritten
  // since the fix, the published commitments no longer hold and nothing is drawn.
  const altered = () =>
    new ConflictError('DRAW_INPUTS_ALTERED', `The stored inputs of draw ${id} no longer match their commitments`);
  if (sha256(salt).toString('hex') !== inputs.serviceSaltCommitment) throw altered();
  try {
    checkPopulation(draw.population, inputs.population);
  } catch {
    throw altered();
  }
  const outcome = computeDraw(inputs, secret, salt);
  const revealed = {
    revealedAt: now.toISOString(),
    secret: secret.toString('hex'),
    serviceSalt: salt.toString('hex'),
    inputsHash: outcome.inputsHash,
    seed: outcome.seed,
    targetPositions: outcome.targetPositions,
    targets: targetsAt(draw.population, outcome.targetPositions),
    selectedInspectors: outcome.inspectors,
  };
  await revealDraw(draw, revealed);
  return drawView({ ...draw, status: 'drawn', ...revealed }, now, 'full', 'entitled');
};
