import { createHash, randomBytes } from 'node:crypto';
import { productBody } from './fixtures';
import type { TestService } from './local-service';

/** A regulator's secret and its commitment, as a regulator would make them. */
export const newSecret = (): { secret: string; commitment: string } => {
  const bytes = randomBytes(32);
  return { secret: bytes.toString('hex'), commitment: createHash('sha256').update(bytes).digest('hex') };
};

export interface PublishedDraw {
  id: string;
  status: string;
  commitment: string;
  populationSize?: number;
  populationCommitment?: string;
  serviceSaltCommitment?: string;
  serviceSalt?: string;
  population?: string[];
  inputs?: Record<string, unknown> & { population: { size: number; sha256: string }; serviceSaltCommitment: string };
  inspectors?: string[];
  inspectorRoster?: { id: string; name: string }[];
  secret?: string;
  seed?: string;
  targetPositions?: number[];
  targets?: string[];
  selectedInspectors?: string[];
  results?: { target?: string; targetPosition?: number; n: number; result: string }[];
}

/** POSTs and returns status and JSON body. */
export const post = async (service: TestService, path: string, token: string, body?: unknown) => {
  const res = await service.call('POST', path, { token, ...(body === undefined ? {} : { body }) });
  return { status: res.status, body: (await res.json()) as PublishedDraw & { error?: { code: string } } };
};

/** Registers an inspector for the regulator of `token`; returns its id. */
export const registerInspector = async (service: TestService, token: string, name: string): Promise<string> => {
  const res = await service.call('POST', '/v1/inspectors', { token, body: { name } });
  if (res.status !== 201) throw new Error(`inspector registration failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
};

// Each regulator's usual three inspectors, registered once per token (a token is one organization's).
const usualInspectors = new Map<string, Promise<string[]>>();
export const inspectorsOf = (service: TestService, token: string): Promise<string[]> => {
  let ids = usualInspectors.get(token);
  if (ids === undefined) {
    ids = (async () => {
      const registered: string[] = [];
      for (const name of ['Inspector Chen', 'Inspector Li', 'Inspector Wang'])
        registered.push(await registerInspector(service, token, name));
      return registered;
    })();
    usualInspectors.set(token, ids);
  }
  return ids;
};

/** A draw's body, with the regulator's usual inspectors unless the overrides name others. */
export const drawBody = async (
  service: TestService,
  token: string,
  commitment: string,
  overrides: Record<string, unknown> = {},
) => ({
  scope: {},
  kind: 'lots',
  sampleSize: 2,
  inspectors: await inspectorsOf(service, token),
  inspectorCount: 2,
  commitment,
  ...overrides,
});

export const getDraw = async (service: TestService, id: string): Promise<PublishedDraw> => {
  const res = await service.call('GET', `/v1/spot-checks/draws/${id}`);
  if (res.status !== 200) throw new Error(`draw read failed: ${res.status}`);
  return (await res.json()) as PublishedDraw;
};

/** Commits, fixes and reveals a draw; returns the drawing regulator's answer to the reveal. */
export const completeDraw = async (service: TestService, token: string, overrides: Record<string, unknown> = {}) => {
  const { secret, commitment } = newSecret();
  const opened = await post(service, '/v1/spot-checks/draws', token, await drawBody(service, token, commitment, overrides));
  if (opened.status !== 201) throw new Error(`draw refused: ${opened.status} ${JSON.stringify(opened.body)}`);
  const { id } = opened.body;
  const fixed = await post(service, `/v1/spot-checks/draws/${id}/fix`, token);
  if (fixed.status !== 200) throw new Error(`fix refused: ${fixed.status} ${JSON.stringify(fixed.body)}`);
  const revealed = await post(service, `/v1/spot-checks/draws/${id}/reveal`, token, { secret });
  if (revealed.status !== 200) throw new Error(`reveal refused: ${revealed.status} ${JSON.stringify(revealed.body)}`);
  return revealed.body;
};

/** Registers a product of a category for a factory. */
export const registerProduct = async (service: TestService, token: string, gtin: string, category: string) => {
  const res = await service.call('POST', '/v1/products', { token, body: { ...productBody(gtin), category } });
  if (res.status !== 201) throw new Error(`product registration failed: ${res.status} ${await res.text()}`);
};
