import type { TFunction } from 'i18next';
import type { InventoryItem } from './custody-calls';

/** The product's name in the reader's language when its factory gave one, else as registered. */
export const productNameOf = (item: InventoryItem, language: string): string | undefined => {
  if (item.kind !== 'unit' || item.product === undefined) return undefined;
  const { names, name } = item.product;
  return (language === 'en' ? names?.en : names?.zh) ?? name;
};

/** What a person calls an item: "安全帽 · 批次 L1 · 单品 42", "箱码 0061414…". */
export const itemTitle = (item: InventoryItem, t: TFunction, language: string): string =>
  item.kind === 'unit'
    ? t('distributor.unitTitle', {
        product: productNameOf(item, language) ?? t('distributor.unknownProduct'),
        lot: item.lot,
        serial: item.serial,
      })
    : t(item.containerKind === 'case' ? 'distributor.caseTitle' : 'distributor.palletTitle', { sscc: item.sscc });

/** How many units an item stands for: 1 for a unit, a container's total where known. */
export const contentsOf = (item: InventoryItem, t: TFunction): string =>
  item.kind === 'unit'
    ? t('distributor.oneUnit')
    : item.unitCount === undefined
      ? t('distributor.childCount', { count: item.childCount })
      : t('distributor.unitCount', { count: item.unitCount });
