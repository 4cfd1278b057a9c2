import { Duration, Token } from 'aws-cdk-lib';
import { HeadersFrameOption, HeadersReferrerPolicy, type ResponseHeadersPolicyProps } from 'aws-cdk-lib/aws-cloudfront';
import { webContentSecurityPolicy } from '../../web/content-security-policy';

/** Where the web apps may reach besides their own origin: the OpenID provider. */
export interface WebSignInOrigins {
  /** Origin of the issuer (discovery, JWKS, token endpoint), e.g. `https://cognito-idp.<region>.amazonaws.com`. */
  readonly issuerOrigin: string;
  /** Origin of the sign-in pages (Cognito's hosted UI domain): authorize, logout. */
  readonly signInOrigin: string;
}

/** An origin the CSP can name: https, and nothing that could end a source list or start a directive. */
const ORIGIN_PATTERN = /^https:\/\/[^\s;,'"/]+$/;

/** Checked before anything is built: a stray `;` in an origin would add a directive of its own. */
export const checkSignInOrigins = ({ issuerOrigin, signInOrigin }: WebSignInOrigins): void => {
  for (const [name, origin] of Object.entries({ issuerOrigin, signInOrigin })) {
    // A token's value is known only at deploy time; what is literal around it is checked.
    const ok = Token.isUnresolved(origin)
      ? origin.startsWith('https://') && !/[\s;,'"]/.test(origin)
      : ORIGIN_PATTERN.test(origin);
    if (!ok) throw new Error(`${name} must be an https origin without a path, got "${origin}"`);
  }
};

/**
 * The response headers of every web-app response, over whatever the bucket sends:
 * the apps' CSP (web/content-security-policy.ts, which the local gateway sends too), HSTS, nosniff, no framing, a referrer without path to other origins, and
 * the camera for this origin only (the distributor and the workers' app scan labels with it).
 */
/**
 * The buckets whose presigned links the apps open from the page: label files and export
 * files are fetched (the preview reads a PDF in ranges, the export check hashes the files),
 * report photos are shown as images. Each is one bucket's own origin, never all of S3.
 */
export interface WebFileOrigins {
  readonly fetched: readonly string[];
  readonly images: readonly string[];
}

export const webResponseHeadersPolicy = (
  origins: WebSignInOrigins,
  files: WebFileOrigins = { fetched: [], images: [] },
): ResponseHeadersPolicyProps => ({
  comment: 'TraceSeal web apps: strict CSP, HSTS, nosniff, no framing, camera for this origin only',
  securityHeadersBehavior: {
    contentSecurityPolicy: {
      contentSecurityPolicy: webContentSecurityPolicy({
        connect: [origins.issuerOrigin, origins.signInOrigin, ...files.fetched],
        formAction: [origins.signInOrigin],
        img: files.images,
      }),
      override: true,
    },
    strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
    contentTypeOptions: { override: true },
    frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
    referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
  },
  customHeadersBehavior: {
    customHeaders: [{ header: 'Permissions-Policy', value: 'camera=(self)', override: true }],
  },
});
