/**
 * Where a reporter stands is where its address is: a report's province comes from
 * CloudFront-Viewer-Address through the offline IP database, as a scan's does. To put a
 * reporter in a province, a test sends an address the database places there, with a gateway
 * that simulates places (startTestService({ simulateViewerLocation: true })); without that
 * mode the gateway replaces the header with the connection's own address.
 *
 * One /24 of a large, long-allocated carrier or cloud range per province, every host of which
 * ip2region 2.3.0 places in that province (test/kernel/reporter-address.test.ts checks all of
 * them, so a database update that moves one fails there, not in a report test).
 */
export const PROVINCE_NETWORKS = {
  // China Telecom Shenzhen.
  'CN-GD': '113.87.1',
  // China Telecom Hangzhou.
  'CN-ZJ': '115.236.9',
  // China Telecom Chengdu.
  'CN-SC': '125.69.1',
  // China Telecom Wuhan.
  'CN-HB': '59.172.1',
  // China Telecom Shanghai.
  'CN-SH': '101.226.1',
  // China Unicom Beijing.
  'CN-BJ': '123.125.1',
} as const;
export type TestProvince = keyof typeof PROVINCE_NETWORKS;

const used = new Map<TestProvince, number>();

/**
 * A reporter in `province`: a CloudFront-Viewer-Address there, a different host each call.
 * The report rate limit counts per address (5 an hour), so each report gets its own budget.
 */
export const reporterIn = (province: TestProvince): Record<string, string> => {
  const count = (used.get(province) ?? 0) + 1;
  if (count > 254) throw new Error(`No more test addresses in ${province}`);
  used.set(province, count);
  return { 'cloudfront-viewer-address': `${PROVINCE_NETWORKS[province]}.${count}:${40000 + count}` };
};
