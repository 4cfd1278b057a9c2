/**
 * The Content-Security-Policy of the browser apps (the console and the workers' app), one
 * source for CloudFront's response-headers policy and the local gateway. Scripts come only
 * from our own origin: no inline script, no eval. Two loosenings, each for a library:
 * antd writes its component styles into <style> elements at run time ('unsafe-inline' for
 * styles only), and the barcode-detector polyfill compiles ZXing-C++'s WebAssembly
 * ('wasm-unsafe-eval', which allows WebAssembly compilation and no JavaScript eval).
 */
export interface WebCspSources {
  /** Origins the apps call besides their own: the OpenID provider's endpoints. */
  readonly connect?: readonly string[];
  /** Where a form may post besides our origin: the provider's sign-in pages. */
  readonly formAction?: readonly string[];
  /** Origins images come from besides our own: the bucket of report photos (presigned links). */
  readonly img?: readonly string[];
}

export const webContentSecurityPolicy = ({ connect = [], formAction = [], img = [] }: WebCspSources = {}): string =>
  [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    `img-src ${["'self'", 'data:', 'blob:', ...img].join(' ')}`,
    "font-src 'self'",
    `connect-src ${["'self'", ...connect].join(' ')}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "media-src 'self' blob:",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    `form-action ${["'self'", ...formAction].join(' ')}`,
  ].join('; ');
