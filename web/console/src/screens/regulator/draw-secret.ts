/**
 * A draw's secret, made in the browser: 32 random bytes (WebCrypto), and the hex SHA-256 of
 * those bytes as the commitment the API publishes. The secret is never sent before the reveal
 * and never stored by the console: the person saves it when it is shown, once.
 */
const hex = (bytes: Uint8Array): string => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

export const newDrawSecret = async (): Promise<{ secret: string; commitment: string }> => {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return { secret: hex(bytes), commitment: hex(digest) };
};
