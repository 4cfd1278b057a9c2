import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type PolicyValidationPluginReport } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PROJECT_ROOT } from '../../infra/constructs/traceseal-function';
import { TraceSealStack, type TraceSealStackProps } from '../../infra/traceseal-stack';

/** The feature flags `cdk synth` passes from cdk.json, so tests build what the CLI builds. */
export const CDK_JSON_CONTEXT = (
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
).context;

export interface Synthesized {
  app: App;
  stack: TraceSealStack;
  template: Template;
}

/**
 * The stack as `cdk synth` builds it, minus bundling: the `aws:cdk:bundling-stacks`
 * context set to no stack makes NodejsFunction use a placeholder asset, which keeps these
 * tests at a few seconds. bundling.test.ts bundles for real. `cloudFormationValidation`
 * runs CDK's built-in check of the template against the CloudFormation resource schemas
 * (as `cdk synth` does); it costs seconds, so variants of the stack skip it.
 */
export const synthesize = (
  props: TraceSealStackProps = {},
  { cloudFormationValidation = true }: { cloudFormationValidation?: boolean } = {},
): Synthesized => {
  const app = new App({
    context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: cloudFormationValidation,
  });
  const stack = new TraceSealStack(app, 'TraceSeal', props);
  return { app, stack, template: Template.fromStack(stack) };
};

export const nagReport = (stack: TraceSealStack): PolicyValidationPluginReport => new AwsSolutionsChecks().validateScope(stack);
