import { Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { EdgeWebAcl } from '../../infra/constructs/edge-web-acl';
import { addTraceSealStacks } from '../../infra/stacks';
import { TraceSealStack } from '../../infra/traceseal-stack';
import { newApp, newStack, type Synthesized, synthesize } from './synth';
import { resourcesOfType } from './template-helpers';

const ACCOUNT = '123456789012';

interface Rule {
  Name: string;
  Priority: number;
  Action?: unknown;
  Statement: Record<string, Record<string, unknown>>;
}

let synth: Synthesized;
beforeAll(() => {
  synth = synthesize();
});

const webAclOf = (template: Template) => resourcesOfType(template, 'AWS::WAFv2::WebACL');
const distributionWebAcl = (template: Template) =>
  (resourcesOfType(template, 'AWS::CloudFront::Distribution')[0]?.[1].Properties?.DistributionConfig as { WebACLId?: unknown })
    .WebACLId;

describe('AWS WAF is part of the stack by default', () => {
  it('puts a CLOUDFRONT web ACL in front of the distribution', () => {
    const [[id, acl] = []] = webAclOf(synth.template);
    expect(acl?.Properties).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
    expect(distributionWebAcl(synth.template)).toEqual({ 'Fn::GetAtt': [id, 'Arn'] });
  });

  it('rate-limits the public verification paths per IP, everything else too, then AWS managed rules', () => {
    const rules = webAclOf(synth.template)[0]?.[1].Properties?.Rules as Rule[];
    expect(rules.map((r) => r.Name)).toEqual([
      'VerifyRatePerIp',
      'ApiRatePerIp',
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
    ]);
    const [verify, api] = rules;
    expect(verify).toMatchObject({
      Action: { Block: {} },
      Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 1500, EvaluationWindowSec: 300 } },
    });
    const scopeDown = JSON.stringify(verify?.Statement.RateBasedStatement?.ScopeDownStatement);
    for (const prefix of ['/01/', '/00/']) expect(scopeDown).toContain(`"SearchString":"${prefix}"`);
    expect(scopeDown).toContain('"PositionalConstraint":"STARTS_WITH"');
    expect(JSON.stringify(api?.Statement.RateBasedStatement?.ScopeDownStatement)).toContain('NotStatement');
    // Custody uploads are up to 5 MB by design: the managed body-size rule only counts.
    const common = rules.find((r) => r.Name === 'AWSManagedRulesCommonRuleSet');
    expect(JSON.stringify(common?.Statement.ManagedRuleGroupStatement?.RuleActionOverrides)).toContain('SizeRestrictions_BODY');
  });

  it('without a known region, the template itself refuses a deploy outside us-east-1', () => {
    const rules = (synth.template.toJSON() as { Rules?: Record<string, { Assertions: { Assert: unknown }[] }> }).Rules ?? {};
    expect(rules.WebAclInUsEast1?.Assertions.map((a) => a.Assert)).toEqual([
      { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] },
    ]);
  });

  it('refuses at synth a stack elsewhere than us-east-1 with no web ACL given, and takes a given one', () => {
    expect(() => new TraceSealStack(newApp(), 'T', { env: { account: ACCOUNT, region: 'eu-central-1' } })).toThrow(/us-east-1/);
    const inEast = new TraceSealStack(newApp(), 'T', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const east = Template.fromStack(inEast);
    expect(webAclOf(east)).toHaveLength(1);
    expect((east.toJSON() as { Rules?: Record<string, unknown> }).Rules).not.toHaveProperty('WebAclInUsEast1');
    const given = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/shared/abcd';
    const withArn = Template.fromStack(
      new TraceSealStack(newApp(), 'T', { env: { account: ACCOUNT, region: 'eu-central-1' }, webAclArn: given }),
    );
    expect(webAclOf(withArn)).toHaveLength(0);
    expect(distributionWebAcl(withArn)).toBe(given);
  });
});

describe('EdgeWebAcl on its own', () => {
  it('refuses a stack known to be outside us-east-1', () => {
    const stack = new Stack(newApp(), 'Edge', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    expect(() => new EdgeWebAcl(stack, 'Acl')).toThrow(/must be created in us-east-1/);
  });

  it('adds no template rule to a stack known to be in us-east-1', () => {
    const stack = new Stack(newApp(), 'Edge', { env: { account: ACCOUNT, region: 'us-east-1' } });
    new EdgeWebAcl(stack, 'Acl');
    expect((Template.fromStack(stack).toJSON() as { Rules?: Record<string, unknown> }).Rules ?? {}).not.toHaveProperty(
      'WebAclInUsEast1',
    );
  });

  it('refuses rate limits below 10 requests per 5 minutes', () => {
    expect(() => new EdgeWebAcl(newStack(), 'Acl', { verifyRequestsPer5MinPerIp: 5 })).toThrow(/verifyRequestsPer5MinPerIp/);
  });

  it('refuses verification path prefixes that are not paths', () => {
    expect(() => new EdgeWebAcl(newStack(), 'Acl', { verifyPathPrefixes: ['01*'] })).toThrow(/verifyPathPrefixes/);
  });
});

describe('the app in a region other than us-east-1', () => {
  it('adds an edge stack in us-east-1 for the web ACL, referenced across regions, and passes cdk-nag', () => {
    const app = newApp();
    const { main, edge } = addTraceSealStacks(app, { env: { account: ACCOUNT, region: 'eu-central-1' } });
    expect(edge?.region).toBe('us-east-1');
    expect(main.region).toBe('eu-central-1');
    const edgeTemplate = Template.fromStack(edge as NonNullable<typeof edge>);
    expect(webAclOf(edgeTemplate)).toHaveLength(1);
    const mainTemplate = Template.fromStack(main);
    expect(webAclOf(mainTemplate)).toHaveLength(0);
    expect(JSON.stringify(distributionWebAcl(mainTemplate))).toMatch(/CrossRegion|ExportsReader/i);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });
});
