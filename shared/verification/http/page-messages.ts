// Long by nature and kept as one file: every string of the page, both languages side by side.
import type { BizStep, CustodyView } from '#custody/contract';
import type { ScanRuleName, UnitFlag } from '#scans/contract';

/**
 * Every string of the public verify page, in both languages, in one place: a string added
 * to one language and not the other fails the type check.
 */
export const PAGE_LANGUAGES = ['zh-CN', 'en'] as const;
export type PageLanguage = (typeof PAGE_LANGUAGES)[number];

/**
 * The traffic light's verdicts in plain words. A sold unit and one in use are green: being
 * sold or worn is a fact about a genuine unit, not a sign of a copy; only scan patterns
 * (`suspect`, `blocked`) say a label may be copied.
 */
export type Light =
  | 'genuine'
  | 'sold'
  | 'inUse'
  | 'suspect'
  | 'recalled'
  | 'expired'
  | 'blocked'
  | 'invalid'
  | 'unknown'
  | 'withdrawn';

interface Messages {
  lights: Record<Light, { title: string; advice: string }>;
  facts: {
    product: string;
    standard: string;
    laCertificate: string;
    laValidUntil: (date: string) => string;
    laExpired: (date: string) => string;
    manufacturer: string;
    lot: string;
    productionDate: string;
    endOfServiceLife: string;
    recalledOn: string;
    whereNow: string;
    serial: string;
    gtin: string;
    container: string;
    containerKinds: Record<string, string>;
    /** `units`: units in all when the container holds cases (more than its direct count). */
    containerContents: (kind: string, count: number, units?: number) => string;
    sscc: string;
  };
  /** An organization with its place: `name（安徽省合肥市）`; one not named, by its role. */
  orgWithPlace: (name: string, place: string) => string;
  unnamedOrg: (role: string, place: string) => string;
  /** The green header's fact line: when, and by whom when the public may know it. */
  decommissioned: { sold: (date: string, by?: string) => string; in_use: (date: string, by?: string) => string };
  recall: { title: string; reason: (reason: string) => string; whatToDo: string; contact: (contact: string) => string };
  /** The national consumer complaint line, for a label that is not ours. */
  complaintLine: { before: string; after: string };
  spotCheckFailed: (date: string, testReportRef: string) => string;
  /** The scan-pattern notice: why (each rule in plain words), since when, and what to do. */
  scanAlert: {
    title: Record<UnitFlag, string>;
    since: (date: string) => string;
    rules: Record<ScanRuleName, string>;
    whatToDo: Record<UnitFlag, string>;
    reportLink: string;
  };
  custody: { title: string; omitted: (n: number) => string };
  /** Every step and state has its words: one added to custody and not here fails the type check. */
  steps: Record<BizStep | 'commissioning', string>;
  states: Record<CustodyView['state'], string>;
  roles: Record<string, string>;
  links: { title: string; safetyInfo: string; instructions: string };
  checks: {
    title: string;
    server: (at: string) => string;
    phonePending: string;
    phoneOk: string;
    phoneBad: string;
    phoneUnavailable: string;
    noScript: string;
  };
  report: {
    title: string;
    intro: string;
    place: string;
    city: string;
    description: string;
    contact: string;
    photos: string;
    website: string;
    submit: string;
  };
  switchTo: string;
  footer: string;
}

const zh: Messages = {
  lights: {
    genuine: { title: '正品', advice: '此标签由登记的生产企业签发。' },
    sold: {
      title: '正品 · 已售出',
      advice:
        '售出后再扫码是正常的。只有当您刚买到的是新品，而上面的售出日期或商店与您的购买不符时，才可能有问题：请在下方举报。',
    },
    inUse: {
      title: '正品 · 使用中',
      advice: '使用中的产品经常被扫码，这是正常的。如果上面的日期或单位与您的实际情况不符，请在下方举报。',
    },
    suspect: { title: '此标签可能是复制的', advice: '这个编码的扫描记录看起来像是标签被复制了。请看下面的原因。' },
    recalled: { title: '已召回：停止使用', advice: '该产品已被召回。请立即停止使用，原因和处理方法见下。' },
    expired: { title: '已超过使用年限：请更换', advice: '该产品已超过使用年限，不能再提供防护。请更换。' },
    blocked: {
      title: '已封禁：请勿使用',
      advice: '这个编码的扫描记录看起来像是标签被复制了，已被封禁。请勿使用这件产品，并举报。',
    },
    invalid: { title: '无效：很可能是假冒', advice: '此标签的签名不正确，不是登记的生产企业签发的。请勿使用，并在下方举报。' },
    unknown: { title: '未知编码', advice: '签名有效，但没有这件产品的发放记录。请勿使用，并在下方举报。' },
    withdrawn: { title: '标签已作废', advice: '该标签已被作废或产品已报废，不应出现在产品上。请举报。' },
  },
  facts: {
    product: '产品',
    standard: '标准',
    laCertificate: 'LA 证书',
    laValidUntil: (d) => `有效期至 ${d}`,
    laExpired: (d) => `已于 ${d} 过期`,
    manufacturer: '生产企业',
    lot: '批号',
    productionDate: '生产日期',
    endOfServiceLife: '使用年限截止',
    recalledOn: '召回日期',
    whereNow: '当前位置',
    serial: '序列号',
    gtin: 'GTIN',
    container: '包装',
    containerKinds: { case: '箱', pallet: '托盘' },
    containerContents: (kind, n, units) =>
      `${kind}，内含 ${n} 件${units !== undefined && units !== n ? `，共 ${units} 个单品` : ''}`,
    sscc: 'SSCC',
  },
  orgWithPlace: (name, place) => `${name}（${place}）`,
  unnamedOrg: (role, place) => `${place}的一家${role}`,
  decommissioned: {
    sold: (d, by) => (by === undefined ? `于${d}售出。` : `于${d}由${by}售出。`),
    in_use: (d, by) => (by === undefined ? `自${d}起投入使用。` : `自${d}起由${by}投入使用。`),
  },
  recall: {
    title: '召回',
    reason: (r) => `召回原因：${r}`,
    whatToDo: '请立即停止使用。把它交回给您购买或领取它的商店或单位，由他们退回生产企业。',
    contact: (c) => `生产企业联系方式：${c}`,
  },
  complaintLine: { before: '您也可以拨打全国消费者投诉举报电话 ', after: '。' },
  spotCheckFailed: (d, ref) => `该批次在监管部门的双随机抽查中不合格（${d}，检验报告 ${ref}）。请停止使用并联系供应商。`,
  scanAlert: {
    title: { suspect: '扫描记录异常', blocked: '编码已被封禁' },
    since: (d) => `自 ${d} 起标记。`,
    rules: {
      too_many_scans: '这个编码被扫描的次数远远超过一件产品正常会有的次数。',
      impossible_travel: '它在相隔很远的城市被扫描，时间太短，一件产品不可能在两次扫描之间到达。',
      far_from_sale: '它在远离售出或投入使用地点的地方被扫描。',
      outside_market: '它在这批产品的销售地区以外被扫描。',
    },
    whatToDo: {
      suspect: '请核对您是从哪里买到的。如有疑问，请勿使用，并在下方举报，写明商店和城市。',
      blocked: '请勿使用这件产品。请在下方举报，写明商店和城市，并保留产品和购买凭证。',
    },
    reportLink: '去举报',
  },
  custody: { title: '流转记录', omitted: (n) => `（省略中间 ${n} 步）` },
  steps: {
    commissioning: '在生产企业赋码',
    shipping: '发货',
    receiving: '收货',
    retail_selling: '售出',
    decommissioning: '投入使用',
    decommissioning_reversal: '撤销售出或使用登记',
    destroying: '报废',
    packing: '装箱',
    unpacking: '拆箱',
    recall: '召回',
    void: '标签作废',
  },
  states: {
    held: '在库',
    at_factory: '在生产企业',
    at_distributor: '在经销商处',
    in_transit: '运输中',
    sold: '已售出给最终用户',
    in_use: '使用中',
    destroyed: '已报废',
    voided: '标签已作废',
    recalled: '已召回',
  },
  roles: { factory: '生产企业', distributor: '经销商', regulator: '监管部门', lab: '检测机构', admin: '平台' },
  links: { title: '安全与使用说明', safetyInfo: '安全信息', instructions: '使用说明' },
  checks: {
    title: '检查了什么、在哪里检查',
    server: (at) => `服务器：签名、产品记录、召回、使用年限与扫描记录，检查于 ${at}。`,
    phonePending: '本机：正在核对签名……',
    phoneOk: '本机：签名已在这部手机上核对，是真的。',
    phoneBad: '本机：签名在这部手机上核对失败，此标签很可能是假冒的。',
    phoneUnavailable: '本机：暂时无法在这部手机上核对签名。',
    noScript: '本机：未运行脚本，签名只由服务器核对。',
  },
  report: {
    title: '举报疑似假冒',
    intro: '觉得这件产品可疑？告诉我们在哪里看到的。联系方式只有监管部门可见。',
    place: '商店或地点',
    city: '城市',
    description: '情况说明',
    contact: '联系方式（可选）',
    photos: '照片（可选，JPEG 或 PNG）',
    website: '请勿填写',
    submit: '提交举报',
  },
  switchTo: 'English',
  footer: 'TraceSeal 扫码验真',
};

const en: Messages = {
  lights: {
    genuine: { title: 'Genuine', advice: 'This label was issued by the registered manufacturer.' },
    sold: {
      title: 'Genuine · sold',
      advice:
        'Scanning after the sale is normal. Be wary only if you have just bought it as new and the date or shop above is not yours: then report it below.',
    },
    inUse: {
      title: 'Genuine · in use',
      advice:
        'Units in use are scanned often; that is normal. If the date or organization above does not match yours, report it below.',
    },
    suspect: {
      title: 'This label may be a copy',
      advice: 'The scans of this code look like its label was copied. See why below.',
    },
    recalled: {
      title: 'Recalled: stop using',
      advice: 'This product was recalled. Stop using it now; why, and what to do, below.',
    },
    expired: {
      title: 'Service life over: replace',
      advice: 'This product is past the end of its service life and no longer protects. Replace it.',
    },
    blocked: {
      title: 'Blocked: do not use',
      advice: 'This code has been blocked after scans that look like copies of its label. Do not use this product; report it.',
    },
    invalid: {
      title: 'Invalid: likely counterfeit',
      advice: 'The signature is wrong: this label was not issued by a registered manufacturer. Do not use it; report it below.',
    },
    unknown: {
      title: 'Unknown code',
      advice: 'The signature is valid but no such unit was ever issued. Do not use it; report it below.',
    },
    withdrawn: {
      title: 'Label withdrawn',
      advice: 'This label was voided or the unit destroyed: it must not be on a product. Report it.',
    },
  },
  facts: {
    product: 'Product',
    standard: 'Standard',
    laCertificate: 'LA certificate',
    laValidUntil: (d) => `valid until ${d}`,
    laExpired: (d) => `expired on ${d}`,
    manufacturer: 'Manufacturer',
    lot: 'Lot',
    productionDate: 'Production date',
    endOfServiceLife: 'End of service life',
    recalledOn: 'Recalled on',
    whereNow: 'Where it is',
    serial: 'Serial',
    gtin: 'GTIN',
    container: 'Container',
    containerKinds: { case: 'Case', pallet: 'Pallet' },
    containerContents: (kind, n, units) =>
      `${kind}, ${n} ${n === 1 ? 'item' : 'items'} inside${units !== undefined && units !== n ? `, ${units} ${units === 1 ? 'unit' : 'units'} in all` : ''}`,
    sscc: 'SSCC',
  },
  orgWithPlace: (name, place) => `${name} (${place})`,
  unnamedOrg: (role, place) => `a ${role} in ${place}`,
  decommissioned: {
    sold: (d, by) => (by === undefined ? `Sold on ${d}.` : `Sold on ${d} by ${by}.`),
    in_use: (d, by) => (by === undefined ? `In use since ${d}.` : `In use since ${d}, by ${by}.`),
  },
  recall: {
    title: 'Recall',
    reason: (r) => `Why: ${r}`,
    whatToDo: 'Stop using it now. Hand it back to the shop or employer you got it from; they return it to the manufacturer.',
    contact: (c) => `Manufacturer's contact: ${c}`,
  },
  complaintLine: { before: "You can also call China's national consumer complaint line, ", after: '.' },
  spotCheckFailed: (d, ref) =>
    `This lot failed a regulator's random spot check on ${d} (test report ${ref}). Stop using it and contact the supplier.`,
  scanAlert: {
    title: { suspect: 'Unusual scans', blocked: 'Code blocked' },
    since: (d) => `Flagged since ${d}.`,
    rules: {
      too_many_scans: 'This code was scanned far more often than one product ever is.',
      impossible_travel: 'It was scanned in cities too far apart for one product to travel between the scans.',
      far_from_sale: 'It was scanned far from where it was sold or put into use.',
      outside_market: 'It was scanned outside the market this lot was made for.',
    },
    whatToDo: {
      suspect: 'Check where you got it. If in doubt, do not use it and report it below, with the shop and city.',
      blocked: 'Do not use this product. Report it below with the shop and city, and keep the product and its receipt.',
    },
    reportLink: 'Report it',
  },
  custody: { title: 'Custody', omitted: (n) => `(${n} steps in between not shown)` },
  steps: {
    commissioning: 'Coded at the factory',
    shipping: 'Shipped',
    receiving: 'Received',
    retail_selling: 'Sold',
    decommissioning: 'Put into use',
    decommissioning_reversal: 'Sale or use undone',
    destroying: 'Destroyed',
    packing: 'Packed',
    unpacking: 'Unpacked',
    recall: 'Recalled',
    void: 'Label voided',
  },
  states: {
    held: 'In stock',
    at_factory: 'At the factory',
    at_distributor: 'At a distributor',
    in_transit: 'In transit',
    sold: 'Sold to an end user',
    in_use: 'In use',
    destroyed: 'Destroyed',
    voided: 'Label voided',
    recalled: 'Recalled',
  },
  roles: { factory: 'factory', distributor: 'distributor', regulator: 'regulator', lab: 'lab', admin: 'platform' },
  links: { title: 'Safety and instructions', safetyInfo: 'Safety information', instructions: 'Instructions' },
  checks: {
    title: 'What was checked, and where',
    server: (at) => `Server: signature, product record, recall, service life and scan patterns, checked ${at}.`,
    phonePending: 'This phone: checking the signature…',
    phoneOk: 'This phone: signature checked on this phone, it is genuine.',
    phoneBad: 'This phone: the signature failed the check on this phone; this label is likely counterfeit.',
    phoneUnavailable: 'This phone: the signature could not be checked on this phone right now.',
    noScript: 'This phone: scripts are off; only the server checked the signature.',
  },
  report: {
    title: 'Report a suspected fake',
    intro: 'Something wrong with this product? Tell us where you saw it. Only regulators see your contact.',
    place: 'Shop or place',
    city: 'City',
    description: 'What you saw',
    contact: 'Contact (optional)',
    photos: 'Photos (optional, JPEG or PNG)',
    website: 'Leave this empty',
    submit: 'Send report',
  },
  switchTo: '中文',
  footer: 'TraceSeal · Scan to verify',
};

export const PAGE_MESSAGES: Record<PageLanguage, Messages> = { 'zh-CN': zh, en };

/**
 * The page's language: an explicit `lang` (the switch link) wins, then the first language
 * of Accept-Language if it is English, else Chinese, the language of the people who scan.
 */
export const pageLanguage = (lang: string | undefined, acceptLanguage: string | undefined): PageLanguage => {
  if (lang === 'en' || lang === 'zh-CN') return lang;
  const first = (acceptLanguage ?? '').split(',')[0]?.split(';')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh-CN';
};
