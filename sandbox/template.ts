import { App } from 'aws-cdk-lib';
import { CommerceStack } from '../lib/commerce-stack.ts';

/** The stack id the sandbox synthesizes; physical names are derived from it like CloudFormation does. */
export const STACK_NAME = 'Commerce';

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
  readonly Parameters?: Record<string, { readonly Default?: unknown }>;
}

/**
 * Synthesizes the CDK app's own stack in-process, so the sandbox runs exactly what would be deployed.
 * Bundling is skipped (the sandbox builds each function itself from its `commerce:entry`), and cdk-nag
 * is not attached: policy checks belong to `cdk synth`, not to a local run.
 */
export function synthesizeTemplate(outdir: string): CfnTemplate {
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  new CommerceStack(app, STACK_NAME, { ephemeral: true });
  return app.synth().getStackByName(STACK_NAME).template as CfnTemplate;
}

/** Logical ids and resources of one CloudFormation type, in template order. */
export function resourcesOfType(template: CfnTemplate, type: string): Array<[string, CfnResource]> {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}
