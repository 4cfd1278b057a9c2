import { Duration } from 'aws-cdk-lib';
import { jobSlotsPartitionPattern } from '#kernel/db/item-keys';
import { JWKS_READ_KEYS, type TableAccess, VERIFY_READ_KEYS } from './table-access';

/** What one route function is given; anything not named here it does not get. */
export interface HttpFunctionSettings {
  readonly tableAccess: TableAccess;
  /**
   * The folder name the function was first deployed under, set only once its folder was
   * renamed. Its construct id stays `pascalCase(formerName)`, so every logical id under it
   * (function, role and policy, log group, API Gateway's invoke permissions) stays as
   * deployed: CloudFormation updates the function in place, where a new id would create a
   * second function (holding reserved concurrency twice while both exist) and orphan the
   * retained log group.
   * @default - the function's own name
   */
  readonly formerName?: string;
  /** @default 512 (TraceSealFunction) */
  readonly memorySize?: number;
  /** @default Duration.seconds(10) (TraceSealFunction) */
  readonly timeout?: Duration;
  /**
   * Needs VERIFY_BASE_URL: it prints verification URIs (or, for reports, completes a code
   * sent as a path on the verification host).
   * @default false
   */
  readonly printsCodes?: boolean;
  /**
   * Needs the private signing key (SIGNING_KEY_SECRET_ID and read access to the secret).
   * @default false
   */
  readonly signsCodes?: boolean;
  /**
   * The public scan path: gets `verifyReservedConcurrency`.
   * @default false
   */
  readonly publicHotPath?: boolean;
  /**
   * Places a viewer by its address: ships the offline IP database (TraceSealFunction's
   * `ipDatabase`), read at cold start.
   * @default false
   */
  readonly locatesViewers?: boolean;
}

/**
 * One entry per function the routes name. A route naming a function missing here, or an
 * entry no route names, fails the synth (and the infra tests), so no function gets
 * permissions by accident.
 */
export const HTTP_FUNCTIONS: Readonly<Record<string, HttpFunctionSettings>> = {
  'create-org': { tableAccess: 'readWrite' },
  'get-org': { tableAccess: 'read' },
  // An organization's people: its members (ORG#…, with its admin count) and their user links
  // (USER#…); the stack lets it create, disable and delete users of the pool (Identity).
  'manage-org-users': {
    tableAccess: {
      leadingKeys: ['ORG#*', 'USER#*'],
      actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    },
  },
  // The partner directory: one Query of its own partitions.
  'list-partners': { tableAccess: { leadingKeys: ['PARTNERS#*'], actions: ['dynamodb:Query'] } },
  // Who did what: one Query of the organization's activity partition.
  'list-org-activity': { tableAccess: { leadingKeys: ['ACTIVITY#*'] } },
  'create-product': { tableAccess: 'readWrite' },
  // A factory's products (the owner index) and the count of each one's lots.
  'list-products': { tableAccess: 'read' },
  // The caller's organization read, its product read and updated: nothing else.
  'update-product': {
    tableAccess: { leadingKeys: ['ORG#*', 'PRODUCT#*'], actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'] },
  },
  // Up to 10,000 ECDSA signatures and 10 BatchWrite rounds per call; 1769 MB is one full
  // vCPU (the signing loop is single-threaded) and 29 s stays under API Gateway's 30 s.
  'create-batch': {
    tableAccess: 'readWrite',
    memorySize: 1769,
    timeout: Duration.seconds(29),
    printsCodes: true,
    signsCodes: true,
  },
  'get-batch': { tableAccess: 'read' },
  'list-batches': { tableAccess: 'read' },
  // Builds a page of up to 10,000 CSV/NDJSON rows in memory.
  'list-batch-codes': { tableAccess: 'read', memorySize: 1024, timeout: Duration.seconds(15), printsCodes: true },
  // Up to 1,000 events (5 MB) per call, each checked against custody state.
  'record-events': { tableAccess: 'readWrite', memorySize: 1024, timeout: Duration.seconds(29) },
  // Up to 1,000 signed SSCCs per call.
  'create-containers': {
    tableAccess: 'readWrite',
    memorySize: 1024,
    timeout: Duration.seconds(29),
    printsCodes: true,
    signsCodes: true,
  },
  'get-inventory': { tableAccess: 'read' },
  'get-chain': { tableAccess: 'read', memorySize: 1024 },
  // The public hot path: more memory is more CPU and a faster cold start for a signature
  // check; it reads only the items a verification needs.
  // It also answers as the GS1 resolver (linksets, links): it prints this host's URIs.
  'verify-code': { tableAccess: { leadingKeys: VERIFY_READ_KEYS }, memorySize: 1024, publicHotPath: true, printsCodes: true },
  // A participant's look-up of a verdict (the console): the same reads as verify-code, off the
  // public hot path (no reserved concurrency), printing no URIs.
  'get-verdict': { tableAccess: { leadingKeys: VERIFY_READ_KEYS } },
  'get-resolver-description': { tableAccess: 'none', printsCodes: true },
  'manage-product-links': { formerName: 'product-links', tableAccess: 'readWrite' },
  'get-jwks': { tableAccess: { leadingKeys: JWKS_READ_KEYS } },
  'get-openapi': { tableAccess: 'none' },
  'get-event-job': { tableAccess: 'read' },
  // Public: reads the product and its factory a code names, counts the reporter's hourly
  // quota, writes the report and its listing copies; nothing else (ReportStorage grants the photos).
  // The report's province is its reporter's address's, looked up in the IP database. It knows
  // the verification host: the verify page's form sends the code as a path on that host.
  'create-report': {
    tableAccess: {
      leadingKeys: ['PRODUCT#*', 'ORG#*', 'REPORT#*', 'REPORTS#*', 'REPORT_QUOTA#*', 'INBOX#*'],
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    },
    locatesViewers: true,
    printsCodes: true,
  },
  'list-reports': { tableAccess: { leadingKeys: ['ORG#*', 'REPORTS#*'] } },
  // EPCIS query: reads the time index (a GSI, which leading-key conditions cannot scope), facet rows and events.
  'query-epcis-events': { tableAccess: 'read', memorySize: 1024, timeout: Duration.seconds(29) },
  // Reads the caller's organization, the product it asks about, and scan rollups.
  'get-scan-summary': { tableAccess: { leadingKeys: ['ORG#*', 'PRODUCT#*', 'SCANS#*'] } },
  // Public: draws, their population chunks and results, and the listing of all draws (an index).
  'read-spot-checks': { formerName: 'spot-check-read', tableAccess: 'read' },
  // Spot-check writes: populations come from indexes, and a recall from a result is a whole-lot recall.
  'manage-spot-checks': {
    formerName: 'spot-check-write',
    tableAccess: 'readWrite',
    timeout: Duration.seconds(29),
    memorySize: 1024,
  },
  // The regulators' inbox: its entries, their history and listings, and the reports behind them.
  'read-inbox': { formerName: 'inbox-read', tableAccess: { leadingKeys: ['ORG#*', 'INBOX#*', 'REPORT#*', 'ALERT#*'] } },
  // Audit log: heads and proofs read only the log's own items (AUDIT_LOG_KEYS, audit-checkpoints.ts).
  'read-audit-log': { formerName: 'audit-log-read', tableAccess: { leadingKeys: ['AUDITLOG', 'AUDITLOG#*'] } },
  // Export jobs: the caller's organization and the newest signed head read, the job put and read (AuditExports queues it).
  // Creates a job with the export slot it takes, and fails a stalled job to take back its slot.
  'create-audit-export': {
    formerName: 'audit-export-create',
    tableAccess: {
      leadingKeys: ['ORG#*', 'AUDITLOG#*', 'EXPORTJOB#*', jobSlotsPartitionPattern('export')],
      actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    },
  },
  'get-audit-export': { formerName: 'audit-export-read', tableAccess: { leadingKeys: ['ORG#*', 'EXPORTJOB#*'] } },
  // Checkpoint now: the log's items (read, put, update); AuditCheckpoints adds the time-index feed.
  'create-checkpoint': {
    tableAccess: {
      leadingKeys: ['AUDITLOG', 'AUDITLOG#*'],
      actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    },
    signsCodes: true,
    timeout: Duration.seconds(29),
    memorySize: 1024,
  },
  // Moves an entry and, in the same transaction, its report's status on the record and listing copies.
  'update-inbox-entry': {
    formerName: 'inbox-update',
    tableAccess: {
      leadingKeys: ['ORG#*', 'INBOX#*', 'REPORT#*', 'REPORTS#*'],
      actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    },
  },
  // A product's anomaly rules live beside it: read the product and caller, replace the rules item.
  'manage-scan-rules': {
    formerName: 'scan-rules',
    tableAccess: { leadingKeys: ['PRODUCT#*', 'ORG#*'], actions: ['dynamodb:GetItem', 'dynamodb:PutItem'] },
  },
  'list-alerts': { tableAccess: { leadingKeys: ['ORG#*', 'ALERTS#*'] } },
  // Labs register signed reports: reads the lab, factory and product, writes the registration (TestReports grants the lab keys).
  'create-lab-report': {
    formerName: 'lab-reports',
    tableAccess: {
      leadingKeys: ['ORG#*', 'PRODUCT#*', 'BATCH#*', 'LABREPORT#*', 'SIGNING_KEYS', 'INBOX#*'],
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
    },
  },
  // Factories attach reports (the attachment and its citation in one transaction), compared with the lab's
  // registration and its public key; mismatches go to the inbox (TestReports grants the PDF bucket).
  'manage-test-reports': {
    formerName: 'test-reports',
    tableAccess: {
      leadingKeys: ['ORG#*', 'PRODUCT#*', 'BATCH#*', 'LABREPORT#*', 'SIGNING_KEYS', 'INBOX#*'],
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
    },
    memorySize: 1024,
  },
  // One transaction: the unit's scan item and unblock history, its alerts and their listing copies.
  'unblock-unit': {
    tableAccess: {
      leadingKeys: ['PRODUCT#*', 'ORG#*', 'SUBJECT#*', 'ALERT#*', 'ALERTS#*'],
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
    },
  },
};
