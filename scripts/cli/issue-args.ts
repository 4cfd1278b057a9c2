import { parseArgs } from 'node:util';

/** What `traceseal issue` was asked, read from its arguments and environment; checks nothing the service checks. */
export const USAGE = `Usage: traceseal issue --gtin <GTIN-14> --lot <lot> --count <n> [--format csv,pdf,...] [--out dir]
                      [--production-date YYYY-MM-DD] [--ecc L|M|Q|H] [--module-mm 0.5] [--label-mm 38x45] [--cut-marks]
                      [--token <token> | env TRACESEAL_TOKEN] [--url <base> | env TRACESEAL_URL]
Formats: csv, ndjson, zpl, pdf, svg-zip, png-zip (default csv).`;

/** The POST /v1/batches body the command sends. */
export interface IssueBody {
  gtin: string;
  lot: string;
  productionDate: string;
  count: number;
  labels: Record<string, unknown> & { formats: string[] };
}

export interface IssueCommand {
  token: string;
  /** The service's base URL, without a trailing slash. */
  base: string;
  /** The folder the label files are downloaded to. */
  out: string;
  body: IssueBody;
}

export type IssueArgs =
  | { kind: 'usage'; exitCode: 0 | 2 }
  | { kind: 'invalid'; message: string }
  | { kind: 'issue'; command: IssueCommand };

const OPTIONS = {
  gtin: { type: 'string' },
  lot: { type: 'string' },
  count: { type: 'string' },
  format: { type: 'string', default: 'csv' },
  out: { type: 'string', default: '.' },
  'production-date': { type: 'string' },
  ecc: { type: 'string' },
  'module-mm': { type: 'string' },
  'label-mm': { type: 'string' },
  'cut-marks': { type: 'boolean' },
  token: { type: 'string' },
  url: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Only the label settings given: the service's defaults apply to the rest. */
const labelsOf = (values: { format: string; ecc?: string; 'module-mm'?: string; 'label-mm'?: string; 'cut-marks'?: boolean }) => {
  const [labelWidthMm, labelHeightMm] = (values['label-mm'] ?? '').split('x').map(Number);
  return {
    formats: values.format.split(','),
    ...(values.ecc ? { ecc: values.ecc } : {}),
    ...(values['module-mm'] ? { moduleMm: Number(values['module-mm']) } : {}),
    ...(labelWidthMm && labelHeightMm ? { labelWidthMm, labelHeightMm } : {}),
    ...(values['cut-marks'] === true ? { cutMarks: true } : {}),
  };
};

export const parseIssueArgs = (argv: string[], env: Record<string, string | undefined>): IssueArgs => {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  if (values.help === true || positionals[0] !== 'issue') return { kind: 'usage', exitCode: values.help === true ? 0 : 2 };
  const token = values.token ?? env.TRACESEAL_TOKEN ?? '';
  const base = (values.url ?? env.TRACESEAL_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
  const count = Number(values.count);
  if (values.gtin === undefined || values.lot === undefined || !Number.isInteger(count) || count < 1) {
    return { kind: 'invalid', message: `--gtin, --lot and a positive --count are required.\n${USAGE}` };
  }
  if (token === '') return { kind: 'invalid', message: 'No token: set TRACESEAL_TOKEN or pass --token.' };
  const body: IssueBody = {
    gtin: values.gtin,
    lot: values.lot,
    productionDate: values['production-date'] ?? new Date().toISOString().slice(0, 10),
    count,
    labels: labelsOf(values),
  };
  return { kind: 'issue', command: { token, base, out: values.out, body } };
};
