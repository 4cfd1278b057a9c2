import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Principal } from '#kernel/auth/principal';
import { buildDigitalLink } from '#kernel/codes/digital-link';
import { withCheckDigit } from '#kernel/codes/gtin';
import { issueBatch } from '#shared/issuance/services/batch-service';
import { registerOrganization, registerProduct } from '#shared/registry/services/registry-service';

export interface DemoData {
  factoryId: string;
  distributorId: string;
  regulatorId: string;
  adminId: string;
  gtin: string;
  batchId: string;
  demoCodeUri: string;
}

const SEED_FILE = 'demo-seed.json';

/** Seeds once per DATA_DIR through the same services the API uses, and remembers what it made. */
export const seedDemoData = async (dataDir: string, verifyBaseUrl: string): Promise<{ data: DemoData; created: boolean }> => {
  const file = join(dataDir, SEED_FILE);
  try {
    return { data: JSON.parse(await readFile(file, 'utf8')) as DemoData, created: false };
  } catch {
    // first start: seed below
  }
  const factory = await registerOrganization({
    name: 'Anhui Shield Safety Equipment Co., Ltd.',
    role: 'factory',
    region: 'CN-AH Hefei',
    licenseNumber: '91340100MA2TDEMO01',
  });
  const distributor = await registerOrganization({
    name: 'East China PPE Distribution Co.',
    role: 'distributor',
    region: 'CN-SH Shanghai',
    licenseNumber: '91310000MA1KDEMO02',
  });
  const regulator = await registerOrganization({
    name: 'Provincial Market Supervision Bureau',
    role: 'regulator',
    region: 'CN-AH Hefei',
    licenseNumber: 'REG-AH-0001',
  });
  const admin = await registerOrganization({
    name: 'TraceSeal Operations',
    role: 'admin',
    region: 'CN-SH Shanghai',
    licenseNumber: 'TS-OPS-0001',
  });
  const asFactory: Principal = { orgId: factory.id, role: 'factory', clientId: 'seed' };
  const gtin = withCheckDigit('0695201234567');
  await registerProduct(asFactory, {
    gtin,
    name: 'ABS safety helmet, type II, vented',
    category: 'safety_helmet',
    standard: 'GB 2811-2019',
    laCertificate: { number: 'LA-2026-0123456', validUntil: '2030-12-31' },
    serviceLifeMonths: 30,
  });
  const { batch, codes } = await issueBatch(asFactory, {
    gtin,
    lot: 'L2026-11A',
    productionDate: new Date().toISOString().slice(0, 10),
    count: 20,
    testReportRef: 'NQSIC-2026-H-0421',
  });
  const first = codes[0];
  if (first === undefined) throw new Error('seed batch has no codes');
  const data: DemoData = {
    factoryId: factory.id,
    distributorId: distributor.id,
    regulatorId: regulator.id,
    adminId: admin.id,
    gtin,
    batchId: batch.id,
    demoCodeUri: buildDigitalLink(verifyBaseUrl, { gtin, lot: batch.lot, ...first }),
  };
  await writeFile(file, JSON.stringify(data, null, 2));
  return { data, created: true };
};
