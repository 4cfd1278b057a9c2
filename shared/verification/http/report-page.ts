import { type PageLanguage, pageLanguage } from './page-messages';

/**
 * The page a browser gets after posting the "report a suspected fake" form (which works
 * without JavaScript): the reference number, or what to fix. Chinese by default, like the
 * verify page; no script, no external resource.
 */
interface ReportPageMessages {
  title: string;
  received: string;
  referenceLabel: string;
  keep: string;
  failedTitle: string;
  failed: Record<string, string>;
  failedOther: string;
  back: string;
}

const MESSAGES: Record<PageLanguage, ReportPageMessages> = {
  'zh-CN': {
    title: '举报已收到',
    received: '感谢您的举报。它会送到市场监管部门；如果标签上的产品在本平台登记，也会送到其生产企业。',
    referenceLabel: '举报编号',
    keep: '请保存此编号。联系监管部门或生产企业说明此事时，请告知此编号。',
    failedTitle: '举报未能提交',
    failed: {
      VALIDATION_FAILED: '请填写地点、城市和情况说明。',
      PHOTO_TOO_LARGE: '照片太大：每张不超过 2 MB。',
      UNSUPPORTED_PHOTO_TYPE: '照片格式不支持：请使用 JPEG、PNG 或 WebP。',
      TRUNCATED_PHOTO: '照片不完整，请重新选择后再提交。',
      TOO_MANY_PHOTOS: '最多上传 3 张照片。',
      PAYLOAD_TOO_LARGE: '提交内容太大：请减少或缩小照片。',
      RATE_LIMITED: '提交次数过多，请稍后再试。',
    },
    failedOther: '请检查填写内容后重试。',
    back: '请返回上一页，修改后重新提交。',
  },
  en: {
    title: 'Report received',
    received:
      'Thank you. Your report goes to the market regulator, and to the manufacturer when the label names a product registered here.',
    referenceLabel: 'Reference number',
    keep: 'Keep this number, and quote it when you contact the regulator or the manufacturer about this report.',
    failedTitle: 'Your report was not sent',
    failed: {
      VALIDATION_FAILED: 'Please fill in the place, the city and what looks wrong.',
      PHOTO_TOO_LARGE: 'A photo is too large: at most 2 MB each.',
      UNSUPPORTED_PHOTO_TYPE: 'A photo is not a supported type: use JPEG, PNG or WebP.',
      TRUNCATED_PHOTO: 'A photo is incomplete: choose it again and resend.',
      TOO_MANY_PHOTOS: 'At most 3 photos.',
      PAYLOAD_TOO_LARGE: 'The report is too large: send fewer or smaller photos.',
      RATE_LIMITED: 'Too many reports: please try again later.',
    },
    failedOther: 'Please check what you entered and try again.',
    back: 'Go back to the previous page, correct it and send again.',
  },
};

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const page = (language: PageLanguage, title: string, body: string): string =>
  `<!doctype html><html lang="${language}"><head><meta charset="utf-8">` +
  '<meta name="viewport" content="width=device-width,initial-scale=1">' +
  `<title>${escapeHtml(title)}</title>` +
  '<style>body{font-family:system-ui,sans-serif;margin:0 auto;max-width:32rem;padding:1rem;line-height:1.5}' +
  '.ref{font:700 1.6rem ui-monospace,monospace;letter-spacing:.05em;padding:.5rem;border:2px solid #333;display:inline-block}</style>' +
  `</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;

export const reportPageLanguage = (lang: string | undefined, acceptLanguage: string | undefined): PageLanguage =>
  pageLanguage(lang, acceptLanguage);

export const renderReportReceipt = (language: PageLanguage, reference: string): string => {
  const m = MESSAGES[language];
  const other: PageLanguage = language === 'en' ? 'zh-CN' : 'en';
  return page(
    language,
    m.title,
    `<p>${escapeHtml(m.received)}</p><p>${escapeHtml(m.referenceLabel)}:<br><span class="ref">${escapeHtml(reference)}</span></p>` +
      `<p>${escapeHtml(m.keep)}</p><p lang="${other}">${escapeHtml(MESSAGES[other].referenceLabel)}: ${escapeHtml(reference)}</p>`,
  );
};

export const renderReportFailure = (language: PageLanguage, errorCode: string): string => {
  const m = MESSAGES[language];
  return page(
    language,
    m.failedTitle,
    `<p>${escapeHtml(m.failed[errorCode] ?? m.failedOther)}</p>` + `<p>${escapeHtml(m.back)}</p>`,
  );
};
