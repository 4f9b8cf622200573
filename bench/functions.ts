import { App } from 'aws-cdk-lib';
import { CommerceStack } from '../lib/commerce-stack.ts';
import { ENTRY_METADATA_KEY } from '../lib/function.ts';

/** Every function of the stack with its source entry, from the synthesized template (no bundling). */
export function stackFunctions(): Array<{ name: string; logicalId: string; entry: string }> {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new CommerceStack(app, 'Bench', { ephemeral: true });
  const template = app.synth().getStackByName(stack.stackName).template as {
    Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
  };
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.[ENTRY_METADATA_KEY])
    .map(([logicalId, r]) => ({ name: shortName(logicalId), logicalId, entry: r.Metadata![ENTRY_METADATA_KEY]! }));
}

/** `OrderPipelineSettleOrder4A1B2C3D` → `OrderPipelineSettleOrder`: the logical id without CDK's hash. */
const shortName = (logicalId: string) => logicalId.replace(/[0-9A-F]{8}$/, '');
