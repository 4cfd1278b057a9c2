/**
 * The first draw algorithm, `traceseal-spot-check/1`, kept so that draws made with it can
 * still be reproduced. It is retired for new draws: its inputs (population and salt) were
 * public once fixed, so the drawing regulator could compute the outcome before deciding
 * to reveal. seed = SHA-256(secret || SHA-256(JCS(inputs))); the stream, uniform(n) and the
 * partial Fisher–Yates are those of spot-check-draw.ts, over the population's ids.
 */
import { BadRequestError } from '#kernel/errors';
import {
  commitmentOf,
  createDrawStream,
  jcsHash,
  partialShuffle,
  type SpotCheckKind,
  type SpotCheckScope,
  sha256,
  sortedUnique,
} from './spot-check-draw';

export const DRAW_ALGORITHM_V1 = 'traceseal-spot-check/1';

export interface DrawInputsV1 {
  algorithm: typeof DRAW_ALGORITHM_V1;
  drawId: string;
  regulatorOrgId: string;
  scope: SpotCheckScope;
  kind: SpotCheckKind;
  population: string[];
  sampleSize: number;
  inspectors: string[];
  inspectorCount: number;
  commitment: string;
  committedAt: string;
  fixedAt: string;
  salt: string;
}

export interface DrawOutcomeV1 {
  inputsHash: string;
  seed: string;
  targets: string[];
  inspectors: string[];
}

export const computeDrawV1 = (inputs: DrawInputsV1, secret: Uint8Array): DrawOutcomeV1 => {
  if (commitmentOf(secret) !== inputs.commitment) {
    throw new BadRequestError('SECRET_MISMATCH', 'SHA-256 of this secret is not the published commitment');
  }
  for (const [name, list] of [
    ['population', inputs.population],
    ['inspectors', inputs.inspectors],
  ] as const) {
    const canonical = sortedUnique(list);
    if (canonical.length !== list.length || canonical.some((value, i) => value !== list[i])) {
      throw new BadRequestError('INVALID_DRAW_INPUTS', `${name} must be sorted and without duplicates`);
    }
  }
  const inputsHash = jcsHash(inputs);
  const seed = sha256(secret, inputsHash);
  const { uniform } = createDrawStream(seed);
  const targets = partialShuffle(inputs.population, inputs.sampleSize, uniform);
  const inspectors = partialShuffle(inputs.inspectors, inputs.inspectorCount, uniform);
  return { inputsHash: inputsHash.toString('hex'), seed: seed.toString('hex'), targets, inspectors };
};
