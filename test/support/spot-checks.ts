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
  inputs?: { population: string[]; salt: string };
  secret?: string;
  targets?: string[];
  selectedInspectors?: string[];
  results?: { target: string; n: number; result: string }[];
}

export const drawBody = (commitment: string, overrides: Record<string, unknown> = {}) => ({
  scope: {},
  kind: 'lots',
  sampleSize: 2,
  inspectors: ['Inspector Chen', 'Inspector Li', 'Inspector Wang'],
  inspectorCount: 2,
  commitment,
  ...overrides,
});

/** POSTs and returns status and JSON body. */
export const post = async (service: TestService, path: string, token: string, body?: unknown) => {
  const res = await service.call('POST', path, { token, ...(body === undefined ? {} : { body }) });
  return { status: res.status, body: (await res.json()) as PublishedDraw & { error?: { code: string } } };
};

export const getDraw = async (service: TestService, id: string): Promise<PublishedDraw> => {
  const res = await service.call('GET', `/v1/spot-checks/draws/${id}`);
  if (res.status !== 200) throw new Error(`draw read failed: ${res.status}`);
  return (await res.json()) as PublishedDraw;
};

/** Commits, fixes and reveals a draw; returns the published draw. */
export const completeDraw = async (service: TestService, token: string, overrides: Record<string, unknown> = {}) => {
  const { secret, commitment } = newSecret();
  const opened = await post(service, '/v1/spot-checks/draws', token, drawBody(commitment, overrides));
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
