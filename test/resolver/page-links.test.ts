import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { mainTableName } from '#kernel/db/dynamodb-client';
import { MAIN_TABLE } from '#kernel/db/table-definitions';
import type { ProductLink } from '#shared/resolver/domain/link-types';
import { pageLinksFor } from '#shared/resolver/services/page-links';
import { putProductLinks } from '#shared/resolver/store/product-link-repository';
import { ensureTable } from '../../scripts/local/tables';
import { freshGtin } from '../support/fixtures';

/**
 * Which of a product's stored links the verify page shows, against DynamoDB Local: only
 * safety and instruction links, in the reader's language where the factory gave one, and
 * otherwise whatever language there is, so a reader is never left with no safety link.
 */
beforeAll(async () => ensureTable(new DynamoDBClient({}), MAIN_TABLE, mainTableName()));

const link = (linkType: ProductLink['linkType'], hreflang?: ProductLink['hreflang']): ProductLink => ({
  linkType,
  href: `https://factory.example/${linkType}/${hreflang ?? 'any'}`,
  title: `${linkType} ${hreflang ?? ''}`,
  type: 'text/html',
  ...(hreflang === undefined ? {} : { hreflang }),
});

const stored = async (links: ProductLink[]): Promise<string> => {
  const gtin = freshGtin();
  await putProductLinks(gtin, links, '2026-12-01T00:00:00.000Z');
  return gtin;
};

const hrefs = (links: ProductLink[]) => links.map((l) => l.href).sort();

describe('links on the verify page', () => {
  it('shows a product with no links none, and never its other link types', async () => {
    expect(await pageLinksFor(freshGtin(), 'en')).toEqual([]);
    const gtin = await stored([link('pip', 'en'), link('certificationInfo'), link('recallStatus', 'en')]);
    expect(await pageLinksFor(gtin, 'en')).toEqual([]);
  });

  it('picks the reader’s language where the factory gave one, keeping links that name no language', async () => {
    const gtin = await stored([link('safetyInfo', 'en'), link('safetyInfo', 'zh-CN'), link('instructions')]);
    expect(hrefs(await pageLinksFor(gtin, 'zh-CN'))).toEqual(hrefs([link('safetyInfo', 'zh-CN'), link('instructions')]));
    expect(hrefs(await pageLinksFor(gtin, 'en'))).toEqual(hrefs([link('safetyInfo', 'en'), link('instructions')]));
  });

  it('falls back to another language, per link type, when none is in the reader’s', async () => {
    const gtin = await stored([link('safetyInfo', 'en'), link('instructions', 'zh-CN'), link('instructions', 'en')]);
    expect(hrefs(await pageLinksFor(gtin, 'zh-CN'))).toEqual(hrefs([link('safetyInfo', 'en'), link('instructions', 'zh-CN')]));
  });
});
