import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type CfnElement, type PolicyValidationPluginReport, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { PROJECT_ROOT, type TraceSealFunction } from '../../infra/constructs/traceseal-function';
import { WEB_DIST_CONTEXT } from '../../infra/constructs/web-apps';
import { TraceSealStack, type TraceSealStackProps } from '../../infra/traceseal-stack';
import { actionsOf, type PolicyStatement, resourcesOf, roleStatements } from './template-helpers';
import { webDistFixture } from './web-dist-fixture';

/** The feature flags `cdk synth` passes from cdk.json, so tests build what the CLI builds. */
export const CDK_JSON_CONTEXT = (
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
).context;

export interface SynthOptions {
  /**
   * CDK's built-in check of the template against the CloudFormation resource schemas (as
   * `cdk synth` runs it). It costs about 8 s, so only traceseal-stack.test.ts turns it on.
   * @default false
   */
  readonly cloudFormationValidation?: boolean;
}

/**
 * An app as `cdk synth` builds it, minus bundling: the `aws:cdk:bundling-stacks` context
 * set to no stack makes NodejsFunction use a placeholder asset, which keeps a synth of the
 * whole stack under a second. bundling.test.ts bundles for real. The web apps come from a
 * small build made for the tests, so no test needs `npm run build:web`.
 */
export const newApp = ({ cloudFormationValidation = false }: SynthOptions = {}): App =>
  new App({
    context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], [WEB_DIST_CONTEXT]: webDistFixture() },
    builtinCloudFormationValidation: cloudFormationValidation,
  });

/** An empty stack of its own app, for tests of one construct. */
export const newStack = (id = 'Probe', options: SynthOptions = {}): Stack => new Stack(newApp(options), id);

export interface Synthesized {
  app: App;
  stack: TraceSealStack;
  template: Template;
}

export const synthesize = (props: TraceSealStackProps = {}, options: SynthOptions = {}): Synthesized => {
  const app = newApp(options);
  const stack = new TraceSealStack(app, 'TraceSeal', props);
  return { app, stack, template: Template.fromStack(stack) };
};

export const nagReport = (stack: Stack): PolicyValidationPluginReport => new AwsSolutionsChecks().validateScope(stack);

/** The logical id CloudFormation sees (resolved, so that a pinned id is the one returned). */
export const logicalIdOf = (construct: IConstruct): string => {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).resolve(element.logicalId) as string;
};

/** Lookups into a synthesized TraceSeal stack by function name (its folder under functions/). */
export const inspect = ({ stack, template }: Synthesized) => {
  const fn = (name: string): TraceSealFunction => {
    const found = stack.functions.get(name);
    if (found === undefined) throw new Error(`no function ${name}`);
    return found;
  };
  const propertiesOf = (construct: IConstruct): Record<string, unknown> =>
    resourcesOf(template)[logicalIdOf(construct)]?.Properties ?? {};
  const statementsOf = (name: string): PolicyStatement[] => roleStatements(template, logicalIdOf(fn(name).role));
  return {
    fn,
    propertiesOf,
    statementsOf,
    allActionsOf: (name: string): string[] => statementsOf(name).flatMap(actionsOf),
    environmentOf: (name: string): Record<string, unknown> =>
      (propertiesOf(fn(name)).Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {},
  };
};
