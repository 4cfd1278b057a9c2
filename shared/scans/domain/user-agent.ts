import type { UaClass } from './scans';

/**
 * A user agent reduced to the class a scan is counted under. Order matters: WeChat's and
 * Alipay's in-app browsers also say "Mobile Safari", and many scanner apps embed a WebView
 * that says "Android", so the specific marks are tested before the generic ones.
 */
const RULES: readonly [UaClass, RegExp][] = [
  [
    'bot',
    /bot\b|crawler|spider|slurp|curl\/|wget\/|python-requests|go-http-client|headlesschrome|okhttp\/|java\/|node-fetch|undici|axios\//i,
  ],
  ['wechat', /micromessenger|wxwork/i],
  ['alipay', /alipayclient|aliapp\(ap/i],
  // Dedicated code readers and the QR readers built into Chinese super-apps and phones.
  [
    'scanner_app',
    /qrscanner|qr ?reader|barcodescanner|scanbot|zxing|scandit|honeywell|zebra|datalogic|\bdingtalk\b|aliapp\(dingtalk/i,
  ],
  ['mobile_browser', /mobile|android|iphone|ipad|ipod|harmonyos|opera mini/i],
  ['desktop_browser', /windows nt|macintosh|x11; |cros /i],
];

export const classifyUserAgent = (userAgent: string | undefined): UaClass => {
  if (userAgent === undefined || userAgent.trim() === '' || userAgent === '-') return 'other';
  for (const [uaClass, pattern] of RULES) if (pattern.test(userAgent)) return uaClass;
  return 'other';
};
