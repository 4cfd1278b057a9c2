import type { TestService } from './local-service';
import { postJson, reportFields } from './reports';

export interface ListedEntry {
  kind: string;
  id: string;
  status: string;
  version: number;
  provinces: string[];
  gtin?: string;
  createdAt: string;
}

/** Files a report through the public route; its reference. */
export const fileReport = async (
  service: TestService,
  headers: Record<string, string>,
  overrides: Record<string, unknown> = {},
): Promise<string> => {
  const res = await postJson(service, reportFields(overrides), headers);
  if (res.status !== 202) throw new Error(`report failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { reference: string }).reference;
};

export const listInbox = async (service: TestService, token: string, query = ''): Promise<ListedEntry[]> => {
  const res = await service.call('GET', `/v1/inbox${query}`, { token });
  if (res.status !== 200) throw new Error(`inbox listing failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { entries: ListedEntry[] }).entries;
};

export const moveEntry = (service: TestService, token: string, id: string, body: Record<string, unknown>) =>
  service.call('POST', `/v1/inbox/report/${id}/status`, { token, body });
