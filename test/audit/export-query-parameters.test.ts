import { describe, expect, it } from 'vitest';
import { ExportQuery } from '#shared/app/schemas';
import { EXPORT_QUERY_PARAMETERS } from '#shared/audit/services/export-source';
import { EPCIS_QUERY_PARAMETERS } from '#shared/custody/domain/epcis-query';

describe('export query parameters', () => {
  it('are the EPCIS query parameters without paging, in the same order', () => {
    expect(EXPORT_QUERY_PARAMETERS).toEqual(
      EPCIS_QUERY_PARAMETERS.filter((name) => name !== 'perPage' && name !== 'nextPageToken'),
    );
    expect(EXPORT_QUERY_PARAMETERS).toContain('MATCH_epcClass');
    expect(EXPORT_QUERY_PARAMETERS).not.toContain('perPage');
    expect(EXPORT_QUERY_PARAMETERS).not.toContain('nextPageToken');
  });

  it('are exactly what the POST /v1/audit/exports body schema accepts in `query`', () => {
    // The schema carries the OpenAPI descriptions, so it lists the names itself: this keeps it in step.
    expect(Object.keys(ExportQuery.shape).sort()).toEqual([...EXPORT_QUERY_PARAMETERS].sort());
    expect(ExportQuery.safeParse({ perPage: '10' }).success).toBe(false);
  });
});
