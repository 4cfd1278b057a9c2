import { describe, expect, it } from 'vitest';
import { containersAbove, MAX_CONTAINER_DEPTH } from '#shared/custody/domain/container-tree';
import { type SubjectState, subjectIdOf } from '#shared/custody/domain/types';
import { caseRef, held, pallet, unit } from '../support/custody-states';

const palletState = held(pallet, 'factory', { childCount: 1 });
const caseState = held(caseRef, 'factory', {
  childCount: 1,
  parentId: palletState.subjectId,
  packedAt: '2026-01-03T00:00:00.000Z',
});
const unitState = held(unit('A'), 'factory', { parentId: caseState.subjectId, packedAt: '2026-01-02T00:00:00.000Z' });

/** A reader over fixed states that records what it was asked for. */
const readerOf = (states: SubjectState[]) => {
  const byId = new Map(states.map((s) => [s.subjectId, s]));
  const reads: string[] = [];
  const read = async (id: string) => {
    reads.push(id);
    return byId.get(id);
  };
  return { reads, read };
};

describe('the container tree walk', () => {
  it('lists the containers above a unit, innermost first', async () => {
    const { read } = readerOf([caseState, palletState]);
    expect((await containersAbove(unitState, read)).map((e) => e.state.subjectId)).toEqual([
      caseState.subjectId,
      palletState.subjectId,
    ]);
  });

  it('gives each container the time what sits in it went in', async () => {
    const { read } = readerOf([caseState, palletState]);
    expect((await containersAbove(unitState, read)).map((e) => e.since)).toEqual([unitState.packedAt, caseState.packedAt]);
  });

  it('reads nothing for a subject in no container', async () => {
    const { read, reads } = readerOf([]);
    expect(await containersAbove(held(unit('B'), 'factory'), read)).toEqual([]);
    expect(reads).toEqual([]);
  });

  it('stops where a container has no state', async () => {
    const { read } = readerOf([caseState]);
    expect(await containersAbove(unitState, read)).toHaveLength(1);
  });

  it(`stops after ${MAX_CONTAINER_DEPTH} containers, even on a cycle`, async () => {
    const loopA = held(caseRef, 'factory', { parentId: subjectIdOf(pallet) });
    const loopB = held(pallet, 'factory', { parentId: subjectIdOf(caseRef) });
    const { read, reads } = readerOf([loopA, loopB]);
    expect(await containersAbove(unitState, read)).toHaveLength(MAX_CONTAINER_DEPTH);
    expect(reads).toHaveLength(MAX_CONTAINER_DEPTH);
  });

  it('reads each container once across walks that share a visited set', async () => {
    const { read, reads } = readerOf([caseState, palletState]);
    const visited = new Set<string>();
    const other = held(unit('B'), 'factory', { parentId: caseState.subjectId });
    await containersAbove(unitState, read, visited);
    expect(await containersAbove(other, read, visited)).toEqual([]);
    expect(reads).toEqual([caseState.subjectId, palletState.subjectId]);
  });
});
