/**
 * A regulator's inspectors: registered one by one with a name, given an id by the
 * service, listed and deactivated by that regulator only. Draws name inspectors by id, and
 * only the drawing regulator's active ones.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '#kernel/auth/principal';
import { BadRequestError } from '#kernel/errors';
import { requireRegisteredOrg } from '#registry';
import { inspectorNameKey, normalizeInspectorName } from '../domain/inspectors';
import type { DrawInspector } from '../domain/spot-checks';
import { deactivateInspector, getInspectors, type Inspector, listInspectors, putInspector } from '../store/inspector-repository';

const publicInspector = ({ regulatorOrgId: _org, ...inspector }: Inspector) => inspector;

export const registerInspector = async (principal: Principal, rawName: string, now = new Date()) => {
  const regulator = await requireRegisteredOrg(principal);
  const name = normalizeInspectorName(rawName);
  const inspector: Inspector = {
    id: randomUUID(),
    regulatorOrgId: regulator.id,
    name,
    active: true,
    createdAt: now.toISOString(),
  };
  await putInspector(inspector, inspectorNameKey(name));
  return publicInspector(inspector);
};

export const inspectorsOf = async (principal: Principal) => {
  const regulator = await requireRegisteredOrg(principal);
  const inspectors = await listInspectors(regulator.id);
  return {
    inspectors: inspectors
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
      .map(publicInspector),
  };
};

export const retireInspector = async (principal: Principal, id: string, now = new Date()) => {
  const regulator = await requireRegisteredOrg(principal);
  return publicInspector(await deactivateInspector(regulator.id, id, now.toISOString()));
};

/**
 * The regulator's active inspectors of these ids, sorted by id: an id listed twice, unknown
 * to this regulator or deactivated is refused before anything is written.
 */
export const drawInspectors = async (regulatorOrgId: string, ids: readonly string[]): Promise<DrawInspector[]> => {
  if (new Set(ids).size !== ids.length) throw new BadRequestError('DUPLICATE_INSPECTORS', 'Each inspector may be listed once');
  const found = new Map((await getInspectors(regulatorOrgId, ids)).map((inspector) => [inspector.id, inspector]));
  const unknown = ids.filter((id) => found.get(id)?.active !== true);
  if (unknown.length > 0) {
    throw new BadRequestError(
      'UNKNOWN_INSPECTOR',
      'Draws pick among your registered, active inspectors (POST /v1/inspectors): these ids are not',
      { inspectors: unknown },
    );
  }
  return [...ids].sort().map((id) => ({ id, name: (found.get(id) as Inspector).name }));
};
