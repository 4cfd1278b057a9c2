import { z } from 'zod';

/** The signed audit log: tree heads and proofs (RFC 9162), hashes as lowercase hex. */
const Hex32 = z.string().regex(/^[0-9a-f]{64}$/);
/** Up to 2^53 - 1: every JSON number a verifier reads exactly. */
const Size = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const Checkpoint = z
  .object({
    treeSize: z.number().int(),
    rootHash: Hex32.describe('MTH of the first treeSize leaves, hex'),
    timestamp: z.string().describe('When it was signed (ISO 8601)'),
    previousTreeSize: z.number().int().describe('Size of the head signed before this one'),
    recordedBefore: z
      .string()
      .optional()
      .describe('Every event recorded before this instant is in the tree (absent on heads signed before the claim existed)'),
    signedHead: z
      .string()
      .describe('Compact JWS (ES256, typ traceseal-sth+jwt, kid in /.well-known/jwks.json) over the other members'),
  })
  .meta({ id: 'Checkpoint' });

export const CheckpointListQuery = z.strictObject({
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export const CheckpointList = z
  .object({ checkpoints: z.array(Checkpoint), cursor: z.string().optional() })
  .meta({ id: 'CheckpointList' });

export const CheckpointCreated = z
  .object({
    appended: z.number().int().describe('Events appended by this run'),
    settling: z
      .object({
        count: z
          .number()
          .int()
          .describe('Events recorded before this call but within the settle margin (2 minutes): not in the tree yet'),
        coveredAfter: z
          .string()
          .optional()
          .describe('A checkpoint asked for after this instant covers them (absent when count is 0)'),
      })
      .describe('What the head leaves out because it is still settling: checkpoint again after coveredAfter'),
    more: z.boolean().describe('The run stopped at its event limit: checkpoint again to append the rest'),
    checkpoint: Checkpoint,
  })
  .meta({ id: 'CheckpointCreated' });

export const ConsistencyProofQuery = z.strictObject({ first: Size, second: Size });
export const ConsistencyProof = z
  .object({ first: z.number().int(), second: z.number().int(), consistencyPath: z.array(Hex32) })
  .meta({ id: 'ConsistencyProof' });

export const InclusionProofQuery = z.strictObject({
  eventId: z.string().min(1).max(200),
  kind: z.enum(['event', 'declaration']).default('event').describe('An error declaration shares its event id'),
  treeSize: Size.refine((n) => n >= 1, 'must be at least 1'),
});
export const InclusionProof = z
  .object({
    leafIndex: z.number().int(),
    treeSize: z.number().int(),
    leafHash: Hex32.describe('SHA-256(0x00 || JCS(event EPCIS JSON))'),
    rootHash: Hex32,
    inclusionPath: z.array(Hex32),
  })
  .meta({ id: 'InclusionProof' });

export const WitnessedHeadsQuery = z.strictObject({
  treeSize: Size.optional().describe('Only the heads of this size'),
  limit: z.coerce.number().int().min(1).max(100).default(10),
});
export const WitnessedHeads = z
  .object({
    heads: z.array(
      z.object({
        treeSize: z.number().int(),
        timestamp: z.string().describe('When it was signed (ISO 8601)'),
        signedHead: z.string().describe('The compact JWS as published: verify it, and take the head from its claims'),
      }),
    ),
  })
  .meta({ id: 'WitnessedHeads' });
