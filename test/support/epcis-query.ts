import type { Role } from '#kernel/roles';
import { freshGtin, freshLicense, productBody } from './fixtures';
import type { TestService } from './local-service';

/** An organization in a chosen region (the shared fixture always registers CN-ZJ). */
export const orgIn = async (service: TestService, adminToken: string, role: Role, region: string) => {
  const res = await service.call('POST', '/v1/orgs', {
    token: adminToken,
    body: { name: `EPCIS ${role} ${region}`, role, region, licenseNumber: freshLicense() },
  });
  if (res.status !== 201) throw new Error(`org registration failed: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  return { id, token: await service.token(id, role) };
};

export const productOf = async (service: TestService, token: string): Promise<string> => {
  const gtin = freshGtin();
  const res = await service.call('POST', '/v1/products', { token, body: productBody(gtin) });
  if (res.status !== 201) throw new Error(`product registration failed: ${res.status} ${await res.text()}`);
  return gtin;
};

export interface QueryAnswer {
  status: number;
  body: {
    type?: string;
    epcisBody?: { queryResults: { resultsBody: { eventList: Record<string, unknown>[] } } };
    error?: { code: string; details?: { parameters?: string[] } };
  };
  events: Record<string, unknown>[];
  next?: string;
}

export const queryEvents = async (service: TestService, token: string, pathAndQuery: string): Promise<QueryAnswer> => {
  const res = await service.call('GET', pathAndQuery, { token });
  const body = (await res.json()) as QueryAnswer['body'];
  const link = res.headers.get('link');
  const next = link === null ? undefined : /^<([^>]+)>; rel="next"$/.exec(link)?.[1];
  return {
    status: res.status,
    body,
    events: body.epcisBody?.queryResults.resultsBody.eventList ?? [],
    ...(next === undefined ? {} : { next }),
  };
};

/** Every page, following Link rel=next. */
export const allPages = async (service: TestService, token: string, first: string) => {
  const pages: QueryAnswer[] = [];
  let next: string | undefined = first;
  while (next !== undefined) {
    const page = await queryEvents(service, token, next);
    if (page.status !== 200) throw new Error(`page failed: ${page.status} ${JSON.stringify(page.body)}`);
    pages.push(page);
    next = page.next;
    if (pages.length > 200) throw new Error('paging does not end');
  }
  return { pages, events: pages.flatMap((p) => p.events) };
};

/** An event's identity in a result list: a declaration shares its event's id. */
export const keyOf = (event: Record<string, unknown>): string =>
  `${String(event.eventID)}${event.errorDeclaration === undefined ? '' : '#declared'}`;
