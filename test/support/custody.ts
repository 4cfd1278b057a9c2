import type { TestService } from './local-service';

/** A custody event body for POST /v1/events, with a time the caller can shift. */
export const custodyEvent = (bizStep: string, fields: Record<string, unknown>, offsetMs = 0) => ({
  bizStep,
  eventTime: new Date(Date.now() + offsetMs).toISOString(),
  eventTimeZoneOffset: '+08:00',
  ...fields,
});

export interface EventsResponse {
  status: number;
  results: { index: number; status: string; eventId?: string; error?: { status: number; code: string } }[];
}

export const postEvents = async (service: TestService, token: string, events: unknown[]): Promise<EventsResponse> => {
  const res = await service.call('POST', '/v1/events', { token, body: { events } });
  const body = (await res.json()) as Omit<EventsResponse, 'status'>;
  return { status: res.status, results: body.results };
};

export const issueUnits = async (
  service: TestService,
  token: string,
  gtin: string,
  lot: string,
  count: number,
): Promise<string[]> => {
  const res = await service.call('POST', '/v1/batches', { token, body: { gtin, lot, productionDate: '2026-11-01', count } });
  if (res.status !== 201) throw new Error(`issuance failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { codes: string[] }).codes;
};

export const issueContainer = async (service: TestService, token: string, kind: 'case' | 'pallet'): Promise<string> => {
  const res = await service.call('POST', '/v1/containers', { token, body: { kind, count: 1 } });
  if (res.status !== 201) throw new Error(`container issuance failed: ${res.status} ${await res.text()}`);
  const [first] = ((await res.json()) as { codes: { uri: string }[] }).codes;
  if (first === undefined) throw new Error('no container issued');
  return first.uri;
};

export const scan = async (uri: string) =>
  (await (await fetch(uri, { headers: { accept: 'application/json' } })).json()) as {
    status: string;
    custody?: {
      state: string;
      label: string;
      custodian?: { name: string };
      alreadyDecommissioned?: unknown;
      history: { step: string }[];
    };
  };

export interface RequestCount<T> {
  value: T;
  requests: number;
  byCommand: Record<string, number>;
  /** GetItem requests by the kind of item read: the head of its partition key (ORG, PRODUCT, EVENT, SUBJECT…). */
  getsByKind: Record<string, number>;
}

/**
 * DynamoDB requests made while `run` runs, by command. The local service calls the real
 * handlers in this process, so they share the module-scope document client counted here.
 */
export const countRequests = async <T>(run: () => Promise<T>): Promise<RequestCount<T>> => {
  const { documentClient } = await import('#kernel/db/dynamodb-client');
  const byCommand: Record<string, number> = {};
  const getsByKind: Record<string, number> = {};
  const name = `test-request-counter-${Math.random().toString(36).slice(2)}`;
  documentClient.middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      byCommand[command] = (byCommand[command] ?? 0) + 1;
      if (command === 'GetItem') {
        const pk = (args.input as { Key?: { pk?: unknown } }).Key?.pk;
        const kind = typeof pk === 'string' ? (pk.split('#')[0] ?? pk) : '?';
        getsByKind[kind] = (getsByKind[kind] ?? 0) + 1;
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  try {
    const value = await run();
    return { value, requests: Object.values(byCommand).reduce((a, b) => a + b, 0), byCommand, getsByKind };
  } finally {
    documentClient.middlewareStack.remove(name);
  }
};

/** The lot of a unit code: /01/{gtin}/10/{lot}/21/{serial}. */
export const lotOf = (uri: string): string => new URL(uri).pathname.split('/')[4] ?? '';
