import { createHash } from 'node:crypto';

/**
 * The verify page's one script: it checks the label's AI 8030 signature on the phone with
 * WebCrypto against our JWKS (cached long by the CDN and the browser), so "the signature is
 * genuine" still shows when the status lookup failed or was slow. It rebuilds exactly what
 * the server signs (shared/kernel/codes/signature.ts): "01"+gtin+"10"+lot+GS+"21"+serial, ECDSA
 * P-256 SHA-256 over an IEEE P1363 r||s signature, and refuses high-S twins as the server
 * does. Inputs come from data attributes (never interpolated into the script), so one
 * script body, and one CSP hash, serves every page. Plain ES2017 for old phone browsers.
 */
export const CHECK_SCRIPT = `(function () {
  var el = document.getElementById('phone-check');
  if (!el) return;
  var d = el.dataset;
  function show(state) {
    el.setAttribute('data-state', state);
    el.textContent = d[state] || '';
  }
  if (!window.crypto || !crypto.subtle || !window.fetch || typeof BigInt !== 'function') return show('unavailable');
  show('pending');
  var digsig = d.digsig || '';
  var kid = digsig.slice(0, 4);
  var sig;
  try {
    var b = atob(digsig.slice(4).replace(/-/g, '+').replace(/_/g, '/'));
    sig = new Uint8Array(b.length);
    for (var i = 0; i < b.length; i++) sig[i] = b.charCodeAt(i);
  } catch (e) {
    return show('bad');
  }
  if (sig.length !== 64) return show('bad');
  var s = '';
  for (var j = 32; j < 64; j++) s += (sig[j] < 16 ? '0' : '') + sig[j].toString(16);
  if (BigInt('0x' + s) > BigInt('0x7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8')) return show('bad');
  var message = new TextEncoder().encode('01' + d.gtin + '10' + d.lot + String.fromCharCode(29) + '21' + d.serial);
  fetch('/.well-known/jwks.json', { credentials: 'omit' })
    .then(function (r) {
      if (!r.ok) throw new Error('jwks');
      return r.json();
    })
    .then(function (jwks) {
      var jwk = (jwks.keys || []).filter(function (k) {
        return k.kid === kid;
      })[0];
      // A key we do not know (yet) is not proof of a fake: the server has the last word.
      if (!jwk) throw new Error('kid');
      return crypto.subtle
        .importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, ext: true }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify'])
        .then(function (key) {
          return crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, sig, message);
        });
    })
    .then(
      function (ok) {
        show(ok ? 'ok' : 'bad');
      },
      function () {
        show('unavailable');
      },
    );
})();`;

/** For the CSP: only this exact script may run on the page. */
export const CHECK_SCRIPT_HASH = `sha256-${createHash('sha256').update(CHECK_SCRIPT, 'utf8').digest('base64')}`;

export const PAGE_CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  `script-src '${CHECK_SCRIPT_HASH}'`,
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');
