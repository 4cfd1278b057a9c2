import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addTraceSealStacks } from './stacks';

/**
 * `npx cdk synth` / `npx cdk deploy`. Optional deploy-time settings come from context,
 * e.g. `-c verifyDomainName=verify.example.com -c certificateArn=arn:aws:acm:us-east-1:...`,
 * `-c webAclArn=...`, `-c cognitoDomainPrefix=...`. The stacks stay environment-agnostic
 * unless the CLI knows an account and region; with a region other than us-east-1 the WAF
 * web ACL gets its own stack there (infra/stacks.ts).
 */
const app = new App();

const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
};

const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;

addTraceSealStacks(app, {
  description: 'TraceSeal: signed GS1 Digital Link codes and public verification for PPE',
  env: account !== undefined && region !== undefined ? { account, region } : undefined,
  // The table, key and pool are retained anyway; this guards everything else too.
  terminationProtection: true,
  verifyDomainName: context('verifyDomainName'),
  certificateArn: context('certificateArn'),
  cognitoDomainPrefix: context('cognitoDomainPrefix'),
  webAclArn: context('webAclArn'),
});

// cdk-nag v3 is a policy-validation plugin: any unacknowledged finding fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
