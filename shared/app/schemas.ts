/**
 * The one schema source: these validate every request and feed /openapi.json, one file
 * per resource. Objects are strict, so a misspelt field is a clear 400 rather than
 * silently ignored.
 */

export * from '#kernel/http/common-schemas';
export * from '../audit/http/export-schemas';
export * from '../audit/http/log-schemas';
export * from '../counterfeit-reports/http/schemas';
export * from '../custody/http/epcis-query-schemas';
export * from '../custody/http/event-job-schemas';
export * from '../custody/http/schemas';
export * from '../issuance/http/schemas';
export * from '../registry/http/member-schemas';
export * from '../registry/http/schemas';
export * from '../resolver/http/schemas';
export * from '../scans/http/alert-schemas';
export * from '../scans/http/schemas';
export * from '../spot-checks/http/schemas';
export * from '../test-reports/http/schemas';
export * from '../verification/http/schemas';
export * from './inbox-schemas';
