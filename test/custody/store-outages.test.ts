import { afterEach, describe, expect, it, vi } from 'vitest';
import { documentClient } from '#kernel/db/dynamodb-client';
import { getOrAssignSharedRange, reserveContainerReferences } from '#shared/custody/store/container-repository';
import { putStandaloneEvent } from '#shared/custody/store/custody-repository';
import { putEventIndexRows, setEventIndexAttributes } from '#shared/custody/store/event-index-repository';

/**
 * The custody stores when DynamoDB fails rather than refuses: an outage is passed on as
 * itself, never taken for a failed condition (an exhausted SSCC range, an event already
 * recorded, an event that is not there), which would answer the caller wrongly.
 */
const outage = () => Object.assign(new Error('service unavailable'), { name: 'InternalServerError' });
afterEach(() => vi.restoreAllMocks());
const audience = { parties: ['org-a'], provinces: [], gtins: [], lots: [], bizStep: 'shipping' };

describe('custody stores during an outage', () => {
  it('pass the outage on instead of calling a range exhausted', async () => {
    vi.spyOn(documentClient, 'send').mockRejectedValue(outage());
    await expect(reserveContainerReferences('org-a', 'case', 1, 10)).rejects.toThrow('service unavailable');
    await expect(getOrAssignSharedRange('org-a', 10)).rejects.toThrow('service unavailable');
  });

  it('pass the outage on when a range is being assigned, rather than reading again as after a lost race', async () => {
    const send = vi
      .spyOn(documentClient, 'send')
      .mockImplementation(((command: object) =>
        command.constructor.name === 'TransactWriteCommand' ? Promise.reject(outage()) : Promise.resolve({})) as never);
    await expect(getOrAssignSharedRange('org-a', 10)).rejects.toThrow('service unavailable');
    expect(send.mock.calls.filter(([command]) => (command as object).constructor.name === 'TransactWriteCommand')).toHaveLength(
      1,
    );
  });

  it('pass the outage on instead of calling an event recorded already or missing', async () => {
    vi.spyOn(documentClient, 'send').mockRejectedValue(outage());
    await expect(
      putStandaloneEvent({
        eventId: 'e1',
        bizStep: 'recall',
        actorOrgId: 'org-a',
        epcisJson: '{}',
        eventHash: 'h',
        idAlgorithm: 'test',
        recordTime: '2026-03-01T00:00:00.000Z',
        audience,
      }),
    ).rejects.toThrow('service unavailable');
    await expect(
      setEventIndexAttributes({ eventId: 'e1', source: 'event' }, '2026-03-01T00:00:00.000Z', audience),
    ).rejects.toThrow('service unavailable');
  });

  it('pass on an outage clearing the pending mark once the rows are written', async () => {
    const send = vi
      .spyOn(documentClient, 'send')
      .mockImplementation(((command: object) =>
        command.constructor.name === 'UpdateCommand' ? Promise.reject(outage()) : Promise.resolve({})) as never);
    await expect(
      putEventIndexRows({ eventId: 'e1', recordTime: '2026-03-01T00:00:00.000Z', source: 'event', audience }),
    ).rejects.toThrow('service unavailable');
    expect(send.mock.calls.map(([command]) => (command as object).constructor.name)).toEqual([
      'BatchWriteCommand',
      'UpdateCommand',
    ]);
  });
});
