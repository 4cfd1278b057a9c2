import { type App, type Environment, Stack } from 'aws-cdk-lib';
import { EdgeWebAcl } from './constructs/edge-web-acl';
import { TraceSealStack, type TraceSealStackProps } from './traceseal-stack';

export interface TraceSealStacks {
  main: TraceSealStack;
  /** Only when the main stack is in a known region other than us-east-1. */
  edge?: Stack;
}

/**
 * The app's stacks. AWS WAF accepts a web ACL for CloudFront only in us-east-1. When the
 * main stack's region is known and another one, the web ACL goes into a second stack,
 * `TraceSealEdge`, in us-east-1 of the same account, and reaches the main stack as a
 * cross-region reference (CDK keeps it in SSM parameters). In us-east-1, or without a
 * known region (an offline synth), the main stack makes the web ACL itself, and its
 * template refuses a deploy outside us-east-1. A given `webAclArn` replaces both.
 */
export const addTraceSealStacks = (
  app: App,
  {
    env,
    ...props
  }: Omit<TraceSealStackProps, 'env' | 'crossRegionReferences'> & { env?: Required<Pick<Environment, 'account' | 'region'>> },
): TraceSealStacks => {
  let edge: Stack | undefined;
  let webAclArn = props.webAclArn;
  if (webAclArn === undefined && env !== undefined && env.region !== 'us-east-1') {
    edge = new Stack(app, 'TraceSealEdge', {
      description: 'TraceSeal: the AWS WAF web ACL of the CloudFront distribution (CloudFront scope lives in us-east-1)',
      env: { account: env.account, region: 'us-east-1' },
      crossRegionReferences: true,
      terminationProtection: props.terminationProtection,
    });
    webAclArn = new EdgeWebAcl(edge, 'EdgeWebAcl', props.webAcl).webAclArn;
  }
  const main = new TraceSealStack(app, 'TraceSeal', { ...props, env, webAclArn, crossRegionReferences: edge !== undefined });
  return { main, edge };
};
