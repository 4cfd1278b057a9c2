import type { JSONWebKeySet } from 'jose';
import { fileInInbox } from '#inbox';
import { ConflictError } from '#kernel/errors';
import { getJwks } from '#kernel/keys/public-key-cache';
import { logger } from '#kernel/logger';
import { consistencyProof, type Hash, verifyConsistency } from '#kernel/merkle-tree';
import type { TreeHead } from '../domain/audit-log';
import { chunkedRangeHasher, MissingChunkError } from '../domain/merkle-chunks';
import { witnessAlarm, witnessedHeads } from '../store/head-witness';
import { latestHead, loadTree } from '../store/merkle-log-repository';
import { verifyTreeHead } from './tree-head-jws';

/**
 * Before a head is signed, the tree it covers must extend the newest head already
 * published to the witness (shared/audit/store/head-witness.ts), which the table's writers cannot
 * change. The proof is RFC 9162's, computed from the table's leaves and chunk roots as they
 * are now: someone who rewrote an event and its leaf (and its chunk's root, and the next
 * event's chain links) changes the old tree's root, so its consistency with the witnessed
 * root fails and nothing is signed over the rewrite.
 */
export type WitnessBaseline = TreeHead & { signedHead: string };

const jwks = async (): Promise<JSONWebKeySet> => ({ keys: (await getJwks()) as JSONWebKeySet['keys'] });

/**
 * The newest witnessed head whose signature verifies. A witness that is still empty (a
 * deployment from before it existed) starts from the table's newest head, the only head
 * there is; from the first witnessed head on the table is never trusted again.
 */
export const witnessBaseline = async (): Promise<WitnessBaseline | undefined> => {
  const keys = await jwks();
  const [newest] = await witnessedHeads({ limit: 1 });
  if (newest !== undefined) {
    // Throws on a forged object: an unverifiable witness stops signing rather than being skipped.
    const head = await verifyTreeHead(newest.signedHead, keys);
    return { ...head, signedHead: newest.signedHead };
  }
  const stored = await latestHead();
  if (stored === undefined) return undefined;
  return { ...(await verifyTreeHead(stored.jws, keys)), signedHead: stored.jws };
};

export type Extension = { ok: true; rootHash: string } | { ok: false; reason: string };

/** The root of the table's first `treeSize` leaves, if that tree extends `baseline`. */
export const extendsBaseline = async (baseline: WitnessBaseline | undefined, treeSize: number): Promise<Extension> => {
  const first = baseline?.treeSize ?? 0;
  if (first > treeSize) {
    return { ok: false, reason: `the table's log has ${treeSize} leaves, the witnessed head ${first}` };
  }
  try {
    const hash = chunkedRangeHasher(await loadTree(treeSize, { firstSize: first }));
    const root = hash(0, treeSize);
    if (baseline === undefined) return { ok: true, rootHash: root.toString('hex') };
    const proof = consistencyProof(first, treeSize, hash);
    const ok = verifyConsistency(first, treeSize, Buffer.from(baseline.rootHash, 'hex'), root, proof as Hash[]);
    return ok
      ? { ok: true, rootHash: root.toString('hex') }
      : { ok: false, reason: `the table's first ${first} leaves are not the tree of the witnessed head` };
  } catch (error) {
    if (error instanceof MissingChunkError) return { ok: false, reason: 'leaves of the witnessed tree are gone from the table' };
    throw error;
  }
};

/**
 * Refuses to sign: the refusal is kept in the witness (the table's writers cannot remove
 * it), filed in every regulator's inbox (unlocated: it concerns the whole log), logged as an
 * error (the checkpointer's alarm), and answered as 409 LOG_INCONSISTENT.
 */
export const refuseInconsistentLog = async (
  baseline: WitnessBaseline | undefined,
  treeSize: number,
  reason: string,
  now: Date,
): Promise<never> => {
  const witnessedTreeSize = baseline?.treeSize ?? 0;
  // One alarm and one inbox entry per witnessed head: retries of a refused run add neither again.
  const id = `log-inconsistent-${witnessedTreeSize}-${baseline?.rootHash.slice(0, 16) ?? 'empty'}`;
  const alarm = {
    id,
    at: now.toISOString(),
    code: 'LOG_INCONSISTENT',
    message: reason,
    witnessedTreeSize,
    tableTreeSize: treeSize,
  };
  logger.error('audit log inconsistent with its witnessed head: not signed', { ...alarm });
  await witnessAlarm(alarm);
  await fileInInbox(
    {
      kind: 'audit_log',
      id,
      createdAt: now.toISOString(),
      provinces: [],
      title: `Audit log rewritten: ${reason}; no checkpoint is signed until it is restored`.slice(0, 200),
    },
    now,
  );
  throw new ConflictError('LOG_INCONSISTENT', `The audit log no longer extends its last published head (${reason}): not signed`, {
    witnessedTreeSize,
  });
};
