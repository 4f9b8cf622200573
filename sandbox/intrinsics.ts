import { UnsupportedTemplateError } from './errors.ts';
import { ACCOUNT_ID, PARTITION, REGION, URL_SUFFIX, arns, fakeId, generatedName } from './physical-names.ts';
import { STACK_NAME, type CfnResource, type CfnTemplate } from './template.ts';

/** Values only known once the local services run; without them, queue URLs and stream ARNs cannot resolve. */
interface RuntimeFacts {
  /** Local URL of each queue, by logical id. */
  readonly queueUrls: Readonly<Record<string, string>>;
  /** Stream ARN of each table, by logical id. */
  readonly streamArns: Readonly<Record<string, string>>;
}

interface Physical {
  readonly ref: () => string;
  readonly attributes: Readonly<Record<string, () => string>>;
}

const PSEUDO_PARAMETERS: Readonly<Record<string, string>> = {
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT_ID,
  'AWS::Partition': PARTITION,
  'AWS::URLSuffix': URL_SUFFIX,
  'AWS::StackName': STACK_NAME,
  'AWS::StackId': `arn:${PARTITION}:cloudformation:${REGION}:${ACCOUNT_ID}:stack/${STACK_NAME}/${fakeId(STACK_NAME, 8)}`,
};

/**
 * Resolves CloudFormation intrinsic functions against the sandbox's physical resources, the way
 * CloudFormation would at deploy time: `Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`,
 * `Fn::Split` and the pseudo parameters. Physical names are stable (see physical-names.ts).
 */
export class TemplateResolver {
  private readonly physical = new Map<string, Physical>();

  constructor(
    private readonly template: CfnTemplate,
    private readonly facts?: RuntimeFacts,
  ) {}

  /** Resolves every intrinsic inside `value` (objects and arrays deeply). */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const [intrinsic] = entries;
    if (entries.length === 1 && intrinsic && isIntrinsicName(intrinsic[0])) {
      return this.resolveIntrinsic(intrinsic[0], intrinsic[1]);
    }
    return Object.fromEntries(entries.map(([key, item]) => [key, this.resolve(item)]));
  }

  /** Resolves a value that must end up a string (environment variables, names, ARNs). */
  resolveString(value: unknown): string {
    const resolved = this.resolve(value);
    if (typeof resolved === 'string') return resolved;
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
    throw new UnsupportedTemplateError(`Expected a string, got ${JSON.stringify(resolved)}`);
  }

  /** What `Ref` of a resource or parameter returns. */
  ref(logicalId: string): string {
    const pseudo = PSEUDO_PARAMETERS[logicalId];
    if (pseudo !== undefined) return pseudo;
    const parameter = this.template.Parameters?.[logicalId];
    if (parameter) return String(parameter.Default ?? '');
    return this.physicalOf(logicalId).ref();
  }

  /** What `Fn::GetAtt` of a resource attribute returns. */
  getAtt(logicalId: string, attribute: string): string {
    const resource = this.template.Resources[logicalId];
    const read = this.physicalOf(logicalId).attributes[attribute];
    if (!read) {
      throw new UnsupportedTemplateError(`Fn::GetAtt ${logicalId}.${attribute} (${resource?.Type}) is not emulated by the sandbox`);
    }
    return read();
  }

  private resolveIntrinsic(name: string, argument: unknown): unknown {
    switch (name) {
      case 'Ref':
        return this.ref(String(argument));
      case 'Fn::GetAtt': {
        const [logicalId, ...attribute] = Array.isArray(argument) ? argument.map(String) : String(argument).split('.');
        return this.getAtt(String(logicalId), attribute.join('.'));
      }
      case 'Fn::Join': {
        const [separator, items] = argument as [string, unknown[]];
        return (this.resolve(items) as unknown[]).map(String).join(separator);
      }
      case 'Fn::Select': {
        const [index, items] = this.resolve(argument) as [number | string, unknown[]];
        return items[Number(index)];
      }
      case 'Fn::Split': {
        const [separator, source] = argument as [string, unknown];
        return this.resolveString(source).split(separator);
      }
      case 'Fn::Sub':
        return this.substitute(argument);
      default:
        throw new UnsupportedTemplateError(`${name} is not supported by the sandbox`);
    }
  }

  private substitute(argument: unknown): string {
    const [text, variables] = Array.isArray(argument) ? (argument as [string, Record<string, unknown>?]) : [String(argument)];
    return text.replace(/\$\{([^}]+)\}/g, (_match, expression: string) => {
      if (expression.startsWith('!')) return `\${${expression.slice(1)}}`;
      if (variables && expression in variables) return this.resolveString(variables[expression]);
      if (expression in PSEUDO_PARAMETERS) return this.ref(expression);
      const dot = expression.indexOf('.');
      return dot < 0 ? this.ref(expression) : this.getAtt(expression.slice(0, dot), expression.slice(dot + 1));
    });
  }

  private physicalOf(logicalId: string): Physical {
    let physical = this.physical.get(logicalId);
    if (!physical) {
      const resource = this.template.Resources[logicalId];
      if (!resource) throw new UnsupportedTemplateError(`Unknown logical id ${logicalId}`);
      physical = this.describe(logicalId, resource);
      this.physical.set(logicalId, physical);
    }
    return physical;
  }

  private describe(logicalId: string, resource: CfnResource): Physical {
    const props = resource.Properties ?? {};
    const explicit = (key: string) => (props[key] === undefined ? undefined : this.resolveString(props[key]));
    switch (resource.Type) {
      case 'AWS::DynamoDB::GlobalTable':
      case 'AWS::DynamoDB::Table': {
        const name = explicit('TableName') ?? generatedName(logicalId, 255);
        return {
          ref: () => name,
          attributes: { Arn: () => arns.table(name), StreamArn: () => this.fact('streamArns', logicalId) },
        };
      }
      case 'AWS::SQS::Queue': {
        const name = queueName(logicalId, props, explicit('QueueName'));
        const url = () => this.fact('queueUrls', logicalId);
        // Ref of a queue is its URL, which embeds the local endpoint's port.
        return { ref: url, attributes: { Arn: () => arns.queue(name), QueueName: () => name, QueueUrl: url } };
      }
      case 'AWS::S3::Bucket': {
        const name = explicit('BucketName') ?? generatedName(logicalId, 63).toLowerCase();
        return { ref: () => name, attributes: { Arn: () => arns.bucket(name) } };
      }
      case 'AWS::Lambda::Function': {
        const name = explicit('FunctionName') ?? generatedName(logicalId, 64);
        return { ref: () => name, attributes: { Arn: () => arns.function(name) } };
      }
      case 'AWS::Events::EventBus': {
        const name = explicit('Name') ?? generatedName(logicalId, 256);
        return { ref: () => name, attributes: { Arn: () => arns.eventBus(name), Name: () => name } };
      }
      case 'AWS::Events::Rule': {
        const name = explicit('Name') ?? generatedName(logicalId, 64);
        const bus = props['EventBusName'] === undefined ? 'default' : this.resolveString(props['EventBusName']);
        // Ref of a rule on a custom bus is `bus|rule`, its ARN names both.
        return { ref: () => (bus === 'default' ? name : `${bus}|${name}`), attributes: { Arn: () => arns.rule(bus, name) } };
      }
      case 'AWS::SES::ConfigurationSet': {
        const name = explicit('Name') ?? generatedName(logicalId, 64);
        return { ref: () => name, attributes: {} };
      }
      case 'AWS::Cognito::UserPool': {
        const id = `${REGION}_${fakeId(logicalId, 9, 'mixed')}`;
        const providerName = `cognito-idp.${REGION}.${URL_SUFFIX}/${id}`;
        return {
          ref: () => id,
          attributes: { Arn: () => arns.userPool(id), ProviderName: () => providerName, ProviderURL: () => `https://${providerName}` },
        };
      }
      case 'AWS::Cognito::UserPoolClient':
        return { ref: () => fakeId(logicalId, 26), attributes: {} };
      case 'AWS::Logs::LogGroup': {
        const name = explicit('LogGroupName') ?? generatedName(logicalId, 512);
        return { ref: () => name, attributes: { Arn: () => arns.logGroup(name) } };
      }
      case 'AWS::IAM::Role': {
        const name = explicit('RoleName') ?? generatedName(logicalId, 64);
        return { ref: () => name, attributes: { Arn: () => arns.role(name) } };
      }
      default:
        // API Gateway, IAM policies, permissions…: only their ids are ever referenced.
        return { ref: () => fakeId(logicalId, 7), attributes: {} };
    }
  }

  private fact(kind: keyof RuntimeFacts, logicalId: string): string {
    const value = this.facts?.[kind][logicalId];
    if (value === undefined) {
      throw new UnsupportedTemplateError(`${kind} of ${logicalId} is only known once the local services run`);
    }
    return value;
  }
}

/** A queue's name: explicit, or generated (FIFO queue names must end in `.fifo`). */
function queueName(logicalId: string, props: Record<string, unknown>, explicit: string | undefined): string {
  if (explicit) return explicit;
  const fifo = String(props['FifoQueue']) === 'true';
  return fifo ? `${generatedName(logicalId, 75)}.fifo` : generatedName(logicalId, 80);
}

function isIntrinsicName(key: string): boolean {
  return key === 'Ref' || key.startsWith('Fn::');
}
