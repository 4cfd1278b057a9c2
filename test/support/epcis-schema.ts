import { readFile } from 'node:fs/promises';

/**
 * The official EPCIS 2.0 JSON Schema from ../shared/standards/epcis beside the checkout.
 * It is reference material we must not copy into the project, so a missing file fails the
 * test with a message saying where it was looked for.
 */
export const loadEpcisValidator = async () => {
  const schemaPath = new URL('../../../shared/standards/epcis/EPCIS-JSON-Schema.json', import.meta.url);
  const schemaText = await readFile(schemaPath, 'utf8').catch(() => {
    throw new Error(
      `EPCIS schema not found at ${schemaPath.pathname}: these tests need ../shared/standards/epcis/ beside the checkout`,
    );
  });
  const { default: Ajv } = await import('ajv');
  const { default: addFormats } = await import('ajv-formats');
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(schemaText) as object);
  return (document: unknown): string | undefined => (validate(document) ? undefined : JSON.stringify(validate.errors));
};
