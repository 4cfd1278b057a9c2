import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { batchGetAll, mainTableName } from '#kernel/db/dynamodb-client';
import { type ChainEntry, hashRecordedEvent, verifyChain } from '#shared/custody/domain/chain';
import { loadChainEntries } from '#shared/custody/store/chain-repository';

/**
 * Throttling cannot be caused on purpose in DynamoDB Local, so BatchGetItem's partial
 * answers (UnprocessedKeys) are played by a mock here: the one fair use of it.
 */
const dynamo = mockClient(DynamoDBDocumentClient);
beforeEach(() => dynamo.reset());
afterEach(() => vi.useRealTimers());
afterAll(() => dynamo.restore());

const key = (i: number) => ({ pk: `ITEM#${i}`, sk: 'ITEM' });
const item = (i: number) => ({ ...key(i), n: i });

/** Answers each BatchGetItem with at most `served` of its keys and leaves the rest unprocessed. */
const throttled = (served: number) =>
  dynamo.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: { pk: string }[] }> }) => {
    const table = mainTableName();
    const keys = input.RequestItems[table]?.Keys ?? [];
    const answered = keys.slice(0, served);
    const left = keys.slice(served);
    return {
      Responses: { [table]: answered.map((k) => item(Number(k.pk.slice('ITEM#'.length)))) },
      ...(left.length === 0 ? {} : { UnprocessedKeys: { [table]: { Keys: left } } }),
    };
  });

describe('batchGetAll', () => {
  it('asks again for unprocessed keys until every item is read, in groups of at most 100', async () => {
    throttled(40);
    const items = await batchGetAll(
      Array.from({ length: 150 }, (_, i) => key(i)),
      { consistentRead: true },
    );
    expect(items.map((x) => x.n).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 150 }, (_, i) => i));
    const calls = dynamo.commandCalls(BatchGetCommand).map((call) => call.args[0].input.RequestItems?.[mainTableName()]);
    expect(calls.every((request) => (request?.Keys?.length ?? 0) <= 100 && request?.ConsistentRead === true)).toBe(true);
    // 100 keys served 40 at a time (3 calls), then 50 (2 calls).
    expect(calls.map((request) => request?.Keys?.length)).toEqual([100, 60, 20, 50, 10]);
  });

  it('fails loudly rather than answer short when DynamoDB never serves the keys', async () => {
    vi.useFakeTimers();
    throttled(0);
    const read = batchGetAll([key(1)]);
    const failure = expect(read).rejects.toThrow('unprocessed keys');
    await vi.runAllTimersAsync();
    await failure;
    expect(dynamo.commandCalls(BatchGetCommand)).toHaveLength(9);
  });
});

describe('loadChainEntries under throttling', () => {
  it('reads every event of a chain, so a throttled read does not report the chain broken', async () => {
    const subjectId = '01/06952012345676/21/ABCDEFGHJK000000';
    const genesisEvent = { type: 'ObjectEvent', bizStep: 'commissioning' };
    const genesis: ChainEntry = { event: genesisEvent, eventHash: hashRecordedEvent(genesisEvent), previousEventHash: null };
    const events = Array.from({ length: 5 }, (_, i) => ({ type: 'ObjectEvent', eventID: `e${i}`, bizStep: 'shipping', n: i }));
    let previous = genesis.eventHash;
    const links = events.map((event, i) => {
      const link = {
        sk: `CHAIN#${String(i + 1).padStart(8, '0')}`,
        kind: 'event',
        eventId: event.eventID,
        eventHash: hashRecordedEvent(event),
        previousEventHash: previous,
        bizStep: 'shipping',
        actorOrgId: 'org',
        eventTime: '2026-01-01T00:00:00.000Z',
      };
      previous = link.eventHash;
      return link;
    });
    dynamo.on(QueryCommand).resolves({ Items: links });
    const table = mainTableName();
    dynamo.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: { pk: string; sk: string }[] }> }) => {
      const keys = input.RequestItems[table]?.Keys ?? [];
      const [first, ...rest] = keys;
      const event = events.find((e) => first !== undefined && first.pk === `EVENT#${e.eventID}`);
      return {
        Responses: { [table]: first === undefined || event === undefined ? [] : [{ ...first, epcis: JSON.stringify(event) }] },
        ...(rest.length === 0 ? {} : { UnprocessedKeys: { [table]: { Keys: rest } } }),
      };
    });
    const chain = await loadChainEntries(subjectId, genesis);
    expect(chain.some((entry) => 'missing' in entry.event)).toBe(false);
    expect(verifyChain(chain)).toEqual({ valid: true, head: previous });
  });
});
