import { z } from 'zod';
import { DEFAULT_PER_PAGE, MAX_PER_PAGE } from '../domain/epcis-query';

/**
 * GET /v1/epcis/events: EPCIS 2.0 REST query parameters. Every value is a string here and is
 * parsed by shared/custody/domain/epcis-query.ts, so a bad or unknown parameter is one kind of
 * answer, 400 QUERY_PARAMETER_EXCEPTION naming the parameters (EPCIS's QueryParameterException).
 * The object is loose on purpose: unknown names reach that parser, which names them.
 */
const param = (description: string) => z.string().max(4096).optional().describe(description);
const list = 'comma-separated, or the parameter repeated';

export const EpcisEventsQuery = z.looseObject({
  GE_eventTime: param('eventTime ≥ this date-time (with a time zone)'),
  LT_eventTime: param('eventTime < this date-time'),
  GE_recordTime: param('recordTime ≥ this date-time'),
  LT_recordTime: param('recordTime < this date-time'),
  EQ_bizStep: param(`CBV business steps, bare names (shipping) or URIs (https://ref.gs1.org/cbv/BizStep-shipping); ${list}`),
  EQ_disposition: param(`CBV dispositions, bare names or URIs; ${list}`),
  MATCH_epc: param(`EPCs (GS1 Digital Link, https://id.gs1.org/...) in epcList or childEPCs; ${list}`),
  MATCH_anyEPC: param(`EPCs in epcList, childEPCs or parentID; ${list}`),
  MATCH_epcClass: param(
    `Classes https://id.gs1.org/01/{gtin} or https://id.gs1.org/01/{gtin}/10/{lot}: quantity elements of the class, and (an extension) the units of that GTIN or lot; ${list}`,
  ),
  EQ_bizLocation: param(`Business location ids; ${list}`),
  perPage: param(`Events per page, 1 to ${MAX_PER_PAGE} (default ${DEFAULT_PER_PAGE})`),
  nextPageToken: param("The token of the previous page's Link rel=next; only good for the same query and caller"),
});

export const EpcisQueryDocument = z
  .object({
    '@context': z.array(z.unknown()),
    type: z.literal('EPCISQueryDocument'),
    schemaVersion: z.literal('2.0'),
    creationDate: z.iso.datetime(),
    epcisBody: z.object({
      queryResults: z.object({
        queryName: z.literal('SimpleEventQuery'),
        resultsBody: z.object({ eventList: z.array(z.record(z.string(), z.unknown())) }),
      }),
    }),
  })
  .meta({ id: 'EpcisQueryDocument' });
