import { withCheckDigit } from '#kernel/codes/gtin';
import type { Role } from '#kernel/roles';
import type { TestService } from './local-service';

let counter = 0;
/** A fresh valid GTIN-14 per call, so tests never collide on the registry. */
export const freshGtin = (): string => {
  counter += 1;
  const body = `069${String(Date.now() % 1e6).padStart(6, '0')}${String(counter).padStart(4, '0')}`.slice(0, 13);
  return withCheckDigit(body);
};

export const freshLicense = (): string => `LIC-${Math.random().toString(36).slice(2, 12).toUpperCase()}`;

export const productBody = (gtin: string) => ({
  gtin,
  name: 'Full-body fall-arrest harness',
  category: 'fall_arrest_harness',
  standard: 'GB 6095-2021',
  laCertificate: { number: 'LA-2026-7654321', validUntil: '2030-06-30' },
  serviceLifeMonths: 60,
});

/** Registers an organization through the API as an admin (its name and region given or made up), and returns it with a token. */
export const registerOrg = async (
  service: TestService,
  role: Role,
  adminToken: string,
  named: { name?: string; region?: string } = {},
) => {
  const res = await service.call('POST', '/v1/orgs', {
    token: adminToken,
    body: {
      name: named.name ?? `Test ${role} ${counter++}`,
      role,
      region: named.region ?? 'CN-ZJ Hangzhou',
      licenseNumber: freshLicense(),
    },
  });
  if (res.status !== 201) throw new Error(`org registration failed: ${res.status} ${await res.text()}`);
  const org = (await res.json()) as { id: string };
  return { id: org.id, token: await service.token(org.id, role) };
};

/** A factory with one registered product, ready to issue. */
export const factoryWithProduct = async (
  service: TestService,
  adminToken: string,
  named: { name?: string; region?: string } = {},
) => {
  const factory = await registerOrg(service, 'factory', adminToken, named);
  const gtin = freshGtin();
  const res = await service.call('POST', '/v1/products', { token: factory.token, body: productBody(gtin) });
  if (res.status !== 201) throw new Error(`product registration failed: ${res.status} ${await res.text()}`);
  return { factory, gtin };
};
