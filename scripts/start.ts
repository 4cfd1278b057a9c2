import QRCode from 'qrcode';
import { JAVA_HINT } from './local/dynamodb-local';
import { startLocalRuntime } from './local/runtime';

/** `npm start`: the whole service on http://localhost:3000 with DynamoDB Local under DATA_DIR. */
const port = Number(process.env.PORT ?? 3000);
const dataDir = process.env.DATA_DIR ?? '.data';
/** Exactly `1`: the gateway believes viewers' CloudFront-Viewer-* headers (demos of places). */
const simulateViewerLocation = process.env.TRACESEAL_SIMULATE_VIEWER_LOCATION === '1';

const main = async (): Promise<void> => {
  const runtime = await startLocalRuntime({ port, dataDir, simulateViewerLocation, auditLogStartsWithTable: true });
  const { seedDemoData } = await import('./local/seed');
  const { data, created } = await seedDemoData(runtime.dataDir, runtime.url);
  const qr = await QRCode.toString(data.demoCodeUri, { type: 'terminal', small: true, errorCorrectionLevel: 'M' });

  console.log(`
TraceSeal is running on ${runtime.url}   (data in ${runtime.dataDir}, owner only; DynamoDB Local at ${runtime.dynamo.endpoint}, loopback only)
${created ? 'Seeded demo data' : 'Demo data'}: factory ${data.factoryId}, distributor ${data.distributorId}, regulator ${data.regulatorId}, admin ${data.adminId}

Demo code (GTIN ${data.gtin}, batch ${data.batchId}):
  ${data.demoCodeUri}
${qr}
Verify it:   curl -H 'Accept: application/json' '${data.demoCodeUri}'
Public keys: ${runtime.url}/.well-known/jwks.json      API document: ${runtime.url}/openapi.json
Tokens:      npm run token -- --org ${data.factoryId} --role factory
             npm run token -- --org ${data.adminId} --role admin
${
  simulateViewerLocation
    ? 'Simulating viewer locations (TRACESEAL_SIMULATE_VIEWER_LOCATION=1): CloudFront-Viewer-* headers sent to the gateway are taken as if CloudFront had set them.'
    : 'Viewer locations: CloudFront-* headers sent to the gateway are dropped, as CloudFront does; set TRACESEAL_SIMULATE_VIEWER_LOCATION=1 to simulate places.'
}
Stop with Ctrl-C.`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the gateway and DynamoDB Local…`);
    await runtime.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
};

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(message.includes('Java') ? JAVA_HINT : `Could not start TraceSeal: ${message}`);
  process.exit(1);
});
