import { compactVerify, importJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';
import { accreditation, helmetFactory, labReportBody, registerLab, samplePdf } from '../support/test-reports';

let service: TestService;
let adminToken: string;

beforeAll(async () => {
  ({ service, adminToken } = await startTestServiceWithAdmin());
});
afterAll(async () => {
  await service?.stop();
});

const jwks = async () => ((await (await service.call('GET', '/.well-known/jwks.json')).json()) as { keys: JWK[] }).keys;

describe('labs and their signed registrations', () => {
  it('registers a lab with its accreditation and publishes its public key only', async () => {
    const lab = await registerLab(service, adminToken);
    const read = await service.call('GET', `/v1/orgs/${lab.id}`, { token: lab.token });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { accreditation: { scheme: string } }).accreditation.scheme).toBe('CNAS');
    const labKeys = (await jwks()).filter((key) => key.kid?.startsWith(`lab-${lab.id}-`));
    expect(labKeys).toHaveLength(1);
    expect(labKeys[0]).not.toHaveProperty('d');
  });

  it('refuses a lab without an accreditation, and an accreditation on anyone else', async () => {
    const base = { region: 'CN-GD Guangzhou', licenseNumber: `LIC-${Date.now()}` };
    const noAccreditation = await service.call('POST', '/v1/orgs', {
      token: adminToken,
      body: { ...base, name: 'Lab without scope', role: 'lab' },
    });
    expect(noAccreditation.status).toBe(400);
    expect(((await noAccreditation.json()) as { error: { code: string } }).error.code).toBe('ACCREDITATION_REQUIRED');
    const factoryWithOne = await service.call('POST', '/v1/orgs', {
      token: adminToken,
      body: { ...base, name: 'Factory posing as lab', role: 'factory', accreditation: accreditation() },
    });
    expect(factoryWithOne.status).toBe(400);
    expect(((await factoryWithOne.json()) as { error: { code: string } }).error.code).toBe('ACCREDITATION_NOT_ALLOWED');
  });

  it("signs a registration with the lab's published key, and the JWS carries exactly the registered claims", async () => {
    const lab = await registerLab(service, adminToken);
    const factory = await helmetFactory(service, adminToken);
    const body = labReportBody(factory, samplePdf());
    const res = await service.call('POST', '/v1/lab-reports', { token: lab.token, body });
    expect(res.status).toBe(201);
    const registration = (await res.json()) as { kid: string; jws: string; labOrgId: string };
    expect(registration.labOrgId).toBe(lab.id);
    const jwk = (await jwks()).find((key) => key.kid === registration.kid);
    expect(jwk).toBeDefined();
    const { payload, protectedHeader } = await compactVerify(registration.jws, await importJWK(jwk as JWK, 'ES256'));
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: registration.kid, typ: 'traceseal-lab-report+jws' });
    const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
    expect(claims).toMatchObject({ ...body, labOrgId: lab.id });
    // The same number again is a conflict, not a silent overwrite of what was signed.
    const again = await service.call('POST', '/v1/lab-reports', { token: lab.token, body });
    expect(again.status).toBe(409);
  });

  it('refuses a standard outside the accreditation, a date outside its validity, and clauses that do not fit', async () => {
    const lab = await registerLab(service, adminToken, { standards: ['GB 2626-2019'] });
    const factory = await helmetFactory(service, adminToken);
    const outsideScope = await service.call('POST', '/v1/lab-reports', {
      token: lab.token,
      body: labReportBody(factory, samplePdf()),
    });
    expect(outsideScope.status).toBe(400);
    expect(((await outsideScope.json()) as { error: { code: string } }).error.code).toBe('NOT_ACCREDITED');

    const expiredLab = await registerLab(service, adminToken, { validFrom: '2020-01-01', validUntil: '2025-12-31' });
    const expired = await service.call('POST', '/v1/lab-reports', {
      token: expiredLab.token,
      body: labReportBody(factory, samplePdf()),
    });
    expect(expired.status).toBe(400);
    expect(((await expired.json()) as { error: { code: string } }).error.code).toBe('NOT_ACCREDITED');

    const good = await registerLab(service, adminToken);
    const contradicted = await service.call('POST', '/v1/lab-reports', {
      token: good.token,
      body: labReportBody(factory, samplePdf(), {
        clauses: [
          { clause: 'impact_absorption', result: 'pass', value: 5200, unit: 'N' },
          { clause: 'penetration_resistance', result: 'pass' },
          { clause: 'chin_strap_strength', result: 'pass' },
        ],
      }),
    });
    expect(contradicted.status).toBe(400);
    expect(((await contradicted.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
  });

  it("refuses another factory's GTIN and an unknown factory", async () => {
    const lab = await registerLab(service, adminToken);
    const factory = await helmetFactory(service, adminToken);
    const other = await helmetFactory(service, adminToken);
    const wrongGtin = await service.call('POST', '/v1/lab-reports', {
      token: lab.token,
      body: labReportBody(factory, samplePdf(), { product: { gtin: other.gtin } }),
    });
    expect(wrongGtin.status).toBe(400);
    expect(((await wrongGtin.json()) as { error: { code: string } }).error.code).toBe('PRODUCT_NOT_OF_FACTORY');
    const unknownFactory = await service.call('POST', '/v1/lab-reports', {
      token: lab.token,
      body: labReportBody({ id: lab.id, gtin: factory.gtin }, samplePdf()),
    });
    expect(unknownFactory.status).toBe(400);
    expect(((await unknownFactory.json()) as { error: { code: string } }).error.code).toBe('UNKNOWN_FACTORY');
  });

  it('lets only a registered lab register: other roles are refused, and a token for an unregistered lab too', async () => {
    const factory = await helmetFactory(service, adminToken);
    const body = labReportBody(factory, samplePdf());
    for (const role of ['factory', 'distributor', 'regulator', 'admin'] as const) {
      const org = await registerOrg(service, role, adminToken);
      const res = await service.call('POST', '/v1/lab-reports', { token: org.token, body });
      expect(res.status, role).toBe(403);
    }
    const ghost = await service.token('00000000-0000-4000-8000-000000000000', 'lab');
    const ghostRes = await service.call('POST', '/v1/lab-reports', { token: ghost, body });
    expect(ghostRes.status).toBe(403);
    const anonymous = await service.call('POST', '/v1/lab-reports', { body });
    expect(anonymous.status).toBe(401);
  });
});
