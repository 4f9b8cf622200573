/**
 * The IAM permissions an AWS API call needs, as `service:Action resource` lines: what a function's
 * role must grant for the call to succeed in AWS. Resources are named as the sandbox names them:
 * `table/<name>`, `table/<name>/index/<index>`, `queue/<name>`, `bucket/<name>/<key prefix>`,
 * `event-bus/<name>`, `identity/<email domain>`, `configuration-set/<name>`.
 * Only the data-plane calls functions make are covered; anything else names its own API.
 */
export function permissionsOf(service: string, operation: string, body: string, path: string): string[] {
  const input = parse(body);
  if (service === 'dynamodb') return dynamodbPermissions(operation, input);
  if (service === 'sqs') return sqsPermissions(operation, input, body);
  if (service === 's3') return s3Permissions(operation, path);
  if (service === 'events') return eventsPermissions(operation, input);
  if (service === 'ses') return sesPermissions(operation, input);
  return [`${service}:${operation} *`];
}

type Json = Record<string, any>;

function parse(body: string): Json {
  try {
    const value: unknown = JSON.parse(body);
    return value !== null && typeof value === 'object' ? (value as Json) : {};
  } catch {
    return {};
  }
}

const TRANSACT_WRITE_ACTIONS: Readonly<Record<string, string>> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem' };

function dynamodbPermissions(operation: string, input: Json): string[] {
  const table = (name: unknown, index?: unknown) => `table/${String(name)}${index ? `/index/${String(index)}` : ''}`;
  switch (operation) {
    // A transaction needs the permission of each of its parts, not one of its own.
    case 'TransactWriteItems':
      return (input['TransactItems'] ?? []).flatMap((item: Json) =>
        Object.entries(item).map(([kind, part]) => `dynamodb:${TRANSACT_WRITE_ACTIONS[kind] ?? kind} ${table((part as Json)['TableName'])}`),
      );
    case 'TransactGetItems':
      return (input['TransactItems'] ?? []).map((item: Json) => `dynamodb:GetItem ${table(item['Get']?.['TableName'])}`);
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return Object.keys(input['RequestItems'] ?? {}).map((name) => `dynamodb:${operation} ${table(name)}`);
    default:
      return [`dynamodb:${operation} ${table(input['TableName'], input['IndexName'])}`];
  }
}

function sqsPermissions(operation: string, input: Json, body: string): string[] {
  const url = String(input['QueueUrl'] ?? new URLSearchParams(body).get('QueueUrl') ?? '');
  const queue = `queue/${url.slice(url.lastIndexOf('/') + 1)}`;
  // The batch APIs are authorized by the single-message actions.
  const action = operation.replace(/Batch$/, '');
  return [`sqs:${action} ${queue}`];
}

function s3Permissions(operation: string, path: string): string[] {
  const [bucket = '', ...key] = path.split('?')[0]!.replace(/^\//, '').split('/');
  const prefix = key.length > 1 ? `${key[0]}/` : '';
  return [`s3:${operation} bucket/${bucket}/${prefix}`];
}

/** PutEvents needs events:PutEvents on the bus of each entry (the default bus when none is named). */
function eventsPermissions(operation: string, input: Json): string[] {
  if (operation !== 'PutEvents') return [`events:${operation} *`];
  const buses = new Set<string>((input['Entries'] ?? []).map((entry: Json) => String(entry['EventBusName'] ?? 'default').replace(/^.*\//, '')));
  return [...buses].map((bus) => `events:PutEvents event-bus/${bus}`);
}

/**
 * SES authorizes SendEmail on the identity sent as — here the From address's domain, the identity
 * the stack grants by default — and on the configuration set used.
 */
function sesPermissions(operation: string, input: Json): string[] {
  if (operation !== 'SendEmail') return [`ses:${operation} *`];
  const from = String(input['FromEmailAddress'] ?? '');
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  const set = input['ConfigurationSetName'];
  return [`ses:SendEmail identity/${address.slice(address.lastIndexOf('@') + 1)}`, ...(set ? [`ses:SendEmail configuration-set/${String(set)}`] : [])];
}
