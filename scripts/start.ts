import QRCode from 'qrcode';
import { DataDirInUseError, EXIT_DATA_DIR_IN_USE } from './local/data-dir-lock';
import { JAVA_HINT } from './local/dynamodb-local';
import { type LocalRuntime, startLocalRuntime } from './local/runtime';

/** `npm start`: the whole service on http://localhost:3000 with DynamoDB Local under DATA_DIR. */
const port = Number(process.env.PORT ?? 3000);
const dataDir = process.env.DATA_DIR ?? '.data';
/** Exactly `1`: the gateway believes viewers' CloudFront-Viewer-* headers (demos of places). */
const simulateViewerLocation = process.env.TRACESEAL_SIMULATE_VIEWER_LOCATION === '1';

let runtime: LocalRuntime | undefined;
let stopping = false;

/**
 * Every way a terminal ends this process stops the service and its database: Ctrl-C (SIGINT),
 * a closed terminal or SSH session (SIGHUP), kill or a supervisor (SIGTERM). Handlers are in
 * place before anything starts; a signal during the start exits, and the database, whose exit
 * hook and stdin watchdog follow this process (dynamodb-local.ts), goes with it. A second
 * signal while stopping exits at once.
 */
const stop = async (signal: NodeJS.Signals): Promise<void> => {
  if (stopping) process.exit(1);
  stopping = true;
  if (runtime === undefined) process.exit(1);
  console.log(`\n${signal}: stopping the gateway, background jobs and DynamoDB Local…`);
  try {
    await runtime.stop();
  } finally {
    process.exit(0);
  }
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(signal));

const main = async (): Promise<void> => {
  // The console at /console/ is served from web/dist: built here when its sources changed.
  const { buildWeb } = await import('./dev/build-web');
  await buildWeb({ quiet: true });
  runtime = await startLocalRuntime({ port, dataDir, simulateViewerLocation, auditLogStartsWithTable: true });
  const { seedDemoData } = await import('./local/seed');
  const { data, created } = await seedDemoData(runtime.dataDir, runtime.url);
  const people = await (await import('./local/seed-people')).seedDemoPeople(runtime.dataDir, data);
  const width = Math.max(...people.map((person) => person.email.length));
  const signIns = people
    .map(
      (person) => `  ${person.email.padEnd(width)}  ${person.password}   ${person.role}${person.orgAdmin ? ', org admin' : ''}`,
    )
    .join('\n');
  const qr = await QRCode.toString(data.demoCodeUri, { type: 'terminal', small: true, errorCorrectionLevel: 'M' });

  console.log(`
TraceSeal is running on ${runtime.url}   (data in ${runtime.dataDir}, owner only; DynamoDB Local at ${runtime.dynamo.endpoint}, loopback only)
${created ? 'Seeded demo data' : 'Demo data'}: factory ${data.factoryId}, distributor ${data.distributorId}, regulator ${data.regulatorId}, admin ${data.adminId}

Demo code (GTIN ${data.gtin}, batch ${data.batchId}):
  ${data.demoCodeUri}
${qr}
Verify it:   curl -H 'Accept: application/json' '${data.demoCodeUri}'
Console:     ${runtime.url}/console/
Public keys: ${runtime.url}/.well-known/jwks.json      API document: ${runtime.url}/openapi.json
Sign in to the console at ${runtime.url}/console/ as:   (passwords kept in ${runtime.dataDir}/oidc-accounts.json, owner only)
${signIns}
Tokens:      npm run token -- --org ${data.factoryId} --role factory
             npm run token -- --org ${data.adminId} --role admin
${
  simulateViewerLocation
    ? 'Simulating viewer locations (TRACESEAL_SIMULATE_VIEWER_LOCATION=1): CloudFront-Viewer-* headers sent to the gateway are taken as if CloudFront had set them.'
    : 'Viewer locations: CloudFront-* headers sent to the gateway are dropped, as CloudFront does; set TRACESEAL_SIMULATE_VIEWER_LOCATION=1 to simulate places.'
}
Stop with Ctrl-C.`);
};

main().catch(async (error: unknown) => {
  if (error instanceof DataDirInUseError) {
    console.error(error.message);
    process.exit(EXIT_DATA_DIR_IN_USE);
  }
  const message = error instanceof Error ? error.message : String(error);
  console.error(message.includes('Java') ? JAVA_HINT : `Could not start TraceSeal: ${message}`);
  await runtime?.stop();
  process.exit(1);
});
