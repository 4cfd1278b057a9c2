/**
 * The local OpenID provider's pages: server-rendered, Chinese first with English beneath,
 * no script and no external resource (fonts, images, styles), so they work under the CSP
 * the gateway gives everything under /oidc (OIDC_PAGE_CSP).
 */

/** No script at all, styles inline only, forms post only to this origin, never framed. */
export const OIDC_PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const STYLE = `body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f5f5f5;color:#1f1f1f}
main{max-width:22rem;margin:4rem auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.15)}
h1{font-size:1.4rem;margin:0 0 1.5rem}.en{display:block;font-size:.8em;color:#595959;font-weight:normal}
label{display:block;margin:1rem 0 .3rem;font-weight:600}input{box-sizing:border-box;width:100%;padding:.55rem;font-size:1rem;border:1px solid #8c8c8c;border-radius:4px}
input:focus,button:focus{outline:3px solid #1677ff;outline-offset:1px}
button{margin-top:1.5rem;width:100%;padding:.65rem;font-size:1rem;border:0;border-radius:4px;background:#1456c8;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#1456c8;border:1px solid #1456c8;margin-top:.75rem}
p[role=alert]{background:#fff1f0;border:1px solid #cf1322;color:#a8071a;padding:.6rem;border-radius:4px}`;

/** Chinese, then the English beneath it (marked so screen readers switch language). */
const both = (zh: string, en: string): string => `${escapeHtml(zh)}<span class="en" lang="en">${escapeHtml(en)}</span>`;

const page = (titleZh: string, titleEn: string, body: string): string => `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(`${titleZh} · ${titleEn}`)} · TraceSeal</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${both(titleZh, titleEn)}</h1>
${body}
</main>
</body>
</html>
`;

export const renderLoginPage = (input: { action: string; email?: string; failed?: boolean }): string =>
  page(
    '登录 TraceSeal',
    'Sign in to TraceSeal',
    `${input.failed === true ? `<p role="alert" id="login-error">${both('电子邮箱或密码不正确，或此账号已被移除。', 'The email or password is wrong, or this account was removed.')}</p>` : ''}
<form method="post" action="${escapeHtml(input.action)}">
<label for="email">${both('电子邮箱', 'Email')}</label>
<input id="email" name="email" type="email" autocomplete="username" required maxlength="254" value="${escapeHtml(input.email ?? '')}"${input.failed === true ? ' aria-describedby="login-error" aria-invalid="true"' : ' autofocus'}>
<label for="password">${both('密码', 'Password')}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="200">
<button type="submit">${both('登录', 'Sign in')}</button>
</form>`,
  );

/** oidc-provider's confirmation form (hidden fields) with our two buttons. */
export const renderLogoutPage = (form: string): string =>
  page(
    '退出登录',
    'Sign out',
    `<p>${both('要退出 TraceSeal 吗？', 'Do you want to sign out of TraceSeal?')}</p>
${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout" autofocus>${both('退出登录', 'Sign out')}</button>
<button type="submit" form="op.logoutForm" class="secondary">${both('保持登录', 'Stay signed in')}</button>`,
  );

export const renderLoggedOutPage = (): string =>
  page('已退出登录', 'Signed out', `<p>${both('您已退出 TraceSeal。', 'You have signed out of TraceSeal.')}</p>`);

export const renderErrorPage = (error: string, description: string | undefined): string =>
  page(
    '登录出错',
    'Sign-in failed',
    `<p role="alert">${both('无法完成登录，请返回控制台重试。', 'Sign-in could not be completed: go back to the console and try again.')}</p>
<p><code>${escapeHtml(error)}</code>${description === undefined ? '' : ` — ${escapeHtml(description)}`}</p>`,
  );
