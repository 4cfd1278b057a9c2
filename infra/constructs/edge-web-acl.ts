import { Aws, CfnRule, Fn, Stack, Token } from 'aws-cdk-lib';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface EdgeWebAclProps {
  /**
   * Requests to the public verification paths one IP may make in any 5 minutes before
   * WAF blocks it for a while. A scanner app verifying a delivery makes a few per second
   * at most; a crawler enumerating serials makes thousands.
   * @default 1500
   */
  readonly verifyRequestsPer5MinPerIp?: number;
  /**
   * Requests to everything else (the private API, JWKS, OpenAPI) one IP may make in any
   * 5 minutes. Integrations send batches (1,000 events per call), not floods of calls.
   * @default 3000
   */
  readonly apiRequestsPer5MinPerIp?: number;
  /**
   * Path prefixes of the public verification routes (the cached CloudFront behaviours).
   * @default ['/01/', '/00/']
   */
  readonly verifyPathPrefixes?: readonly string[];
}

const MIN_RATE_LIMIT = 10;

const NOT_IN_US_EAST_1 =
  'The CloudFront web ACL must be created in us-east-1: deploy this stack there, or pass webAclArn (infra/app.ts creates an edge stack in us-east-1 when CDK_DEFAULT_REGION is another region).';

/** The props with their defaults, checked before anything is built. */
const checkedLimits = (id: string, props: EdgeWebAclProps) => {
  const verifyLimit = props.verifyRequestsPer5MinPerIp ?? 1500;
  const apiLimit = props.apiRequestsPer5MinPerIp ?? 3000;
  const prefixes = props.verifyPathPrefixes ?? ['/01/', '/00/'];
  for (const [name, value] of [
    ['verifyRequestsPer5MinPerIp', verifyLimit],
    ['apiRequestsPer5MinPerIp', apiLimit],
  ] as const) {
    if (!Number.isInteger(value) || value < MIN_RATE_LIMIT || value > 2_000_000_000) {
      throw new Error(`EdgeWebAcl ${id}: ${name} must be an integer from ${MIN_RATE_LIMIT}, got ${value}`);
    }
  }
  if (prefixes.length === 0 || prefixes.some((p) => !/^\/[^*]*\/$/.test(p))) {
    throw new Error(`EdgeWebAcl ${id}: verifyPathPrefixes must be path prefixes like /01/`);
  }
  return { verifyLimit, apiLimit, prefixes };
};

const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  sampledRequestsEnabled: true,
  metricName,
});

const pathStartsWith = (prefix: string): CfnWebACL.StatementProperty => ({
  byteMatchStatement: {
    fieldToMatch: { uriPath: {} },
    positionalConstraint: 'STARTS_WITH',
    searchString: prefix,
    textTransformations: [{ priority: 0, type: 'NONE' }],
  },
});

/** Blocks an IP over `limit` requests in 5 minutes among those `scope` matches. */
const ratePerIp = (
  priority: number,
  name: string,
  limit: number,
  scope: CfnWebACL.StatementProperty,
): CfnWebACL.RuleProperty => ({
  name,
  priority,
  action: { block: {} },
  statement: {
    rateBasedStatement: { aggregateKeyType: 'IP', limit, evaluationWindowSec: 300, scopeDownStatement: scope },
  },
  visibilityConfig: visibility(name),
});

const managed = (
  priority: number,
  name: string,
  ruleActionOverrides?: CfnWebACL.RuleActionOverrideProperty[],
): CfnWebACL.RuleProperty => ({
  name,
  priority,
  overrideAction: { none: {} },
  statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ruleActionOverrides } },
  visibilityConfig: visibility(name),
});

/**
 * The AWS WAF web ACL in front of the CloudFront distribution (scope CLOUDFRONT, which AWS
 * only accepts in us-east-1: infra/app.ts puts this construct in an edge stack there when
 * the main stack lives elsewhere). Rules, cheapest first:
 *  1. a per-IP rate limit on the verification paths, so nobody scrapes or floods them;
 *  2. a per-IP rate limit on everything else;
 *  3. AWS managed IP reputation list (known bots, scanners, DDoS sources);
 *  4. AWS managed common rules (OWASP-style), with two rules counted only: body size
 *     (custody uploads are up to 5 MB of JSON by design; the API enforces each route's
 *     limit) and a missing User-Agent (industrial scanners and connectors);
 *  5. AWS managed known bad inputs (Log4j, Java deserialization, ...).
 */
export class EdgeWebAcl extends Construct {
  public readonly webAcl: CfnWebACL;
  /** Give this to the distribution (`webAclId`). */
  public readonly webAclArn: string;

  public constructor(scope: Construct, id: string, props: EdgeWebAclProps = {}) {
    super(scope, id);
    const { verifyLimit, apiLimit, prefixes } = checkedLimits(id, props);
    this.requireUsEast1();
    const isVerifyPath: CfnWebACL.StatementProperty =
      prefixes.length === 1 ? pathStartsWith(prefixes[0] ?? '') : { orStatement: { statements: prefixes.map(pathStartsWith) } };

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      description: 'TraceSeal CDN: per-IP rate limits and AWS managed rules',
      visibilityConfig: visibility('TraceSealEdge'),
      rules: [
        ratePerIp(0, 'VerifyRatePerIp', verifyLimit, isVerifyPath),
        ratePerIp(1, 'ApiRatePerIp', apiLimit, { notStatement: { statement: isVerifyPath } }),
        managed(2, 'AWSManagedRulesAmazonIpReputationList'),
        managed(3, 'AWSManagedRulesCommonRuleSet', [
          { name: 'SizeRestrictions_BODY', actionToUse: { count: {} } },
          // Label printers, handheld scanners and ERP connectors do not always send one.
          { name: 'NoUserAgent_HEADER', actionToUse: { count: {} } },
        ]),
        managed(4, 'AWSManagedRulesKnownBadInputsRuleSet'),
      ],
    });
    this.webAclArn = this.webAcl.attrArn;
  }

  /**
   * AWS accepts a CLOUDFRONT web ACL only in us-east-1. Known at synth: fail there. Not
   * known (an environment-agnostic synth): a template rule makes CloudFormation refuse the
   * deploy elsewhere before it creates anything.
   */
  private requireUsEast1(): void {
    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region)) {
      if (region !== 'us-east-1') throw new Error(NOT_IN_US_EAST_1);
      return;
    }
    const rule = new CfnRule(this, 'InUsEast1', {
      assertions: [{ assert: Fn.conditionEquals(Aws.REGION, 'us-east-1'), assertDescription: NOT_IN_US_EAST_1 }],
    });
    // The id it had when the stack made it.
    rule.overrideLogicalId('WebAclInUsEast1');
  }
}
