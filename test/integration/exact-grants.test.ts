import { describe, expect, it } from 'vitest';
import { appFunctions, grantsOf, refId, resource } from '../infra/inspect.ts';
import { synthesize } from '../infra/synth.ts';
import { allRecordedCalls } from './exact-grants.ts';

/**
 * SPEC §6: every function's IAM grants are exactly the calls its code makes. The sandbox's service
 * proxies record, per function, the permission each AWS call needed (sandbox/faults/iam-actions.ts)
 * while the whole integration project runs; this file runs last (vitest.config.ts) and compares
 * that record with each role in the synthesized template: a grant the code never needed, or a call
 * no grant covers, fails. What Lambda itself does with the role for an event source mapping (read
 * the stream or the queue, write the on-failure destination), and logs and X-Ray, are not calls of
 * the code and are left out.
 */
const synthesized = synthesize({ bundling: false });
const { template } = synthesized;

/** Permissions of the role in the proxies' terms: `dynamodb:PutItem table`, `sqs:SendMessage queue:<logicalId>`. */
function grantedTo(roleId: string, eventSourceArns: Set<string>): string[] {
  return grantsOf(template, roleId).flatMap(({ action, resource: arn }) => {
    if (/^(logs|xray):/.test(action)) return [];
    if (eventSourceArns.has(arn)) return [];
    const ses = /:ses:.*:(identity|configuration-set)\/(.+)$/.exec(arn);
    if (ses) return [`${action} ${ses[1]}/${ses[2]!.replace(/^<(\w+)>$/, (_, id: string) => String(resource(template, id).Properties?.Name ?? id))}`];
    const table = /^<(\w+)\.Arn>(\/index\/(\S+))?$/.exec(arn);
    if (table && resource(template, table[1]!).Type === 'AWS::DynamoDB::GlobalTable') return [`${action} table${table[3] ? `/index/${table[3]}` : ''}`];
    const queue = /^<(\w+)\.Arn>$/.exec(arn);
    if (queue && resource(template, queue[1]!).Type === 'AWS::Events::EventBus') return [`${action} event-bus/${resource(template, queue[1]!).Properties.Name}`];
    if (queue) return [`${action} queue:${queue[1]}`];
    const bucket = /^<(\w+)\.Arn>\/(.*)\*$/.exec(arn);
    if (bucket) return [`${action} bucket:${bucket[1]}/${bucket[2]}`];
    return [`${action} ${arn}`];
  });
}

/** What Lambda itself uses the function's role for: its event source mappings' sources and destinations, and its asynchronous on-failure destination. */
function eventSourceArnsOf(functionId: string): Set<string> {
  const arns = new Set<string>();
  for (const config of Object.values(template.findResources('AWS::Lambda::EventInvokeConfig'))) {
    if (refId(config.Properties.FunctionName) !== functionId) continue;
    const destination = config.Properties.DestinationConfig?.OnFailure?.Destination?.['Fn::GetAtt'];
    if (destination) arns.add(`<${destination.join('.')}>`);
  }
  for (const mapping of Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))) {
    if (refId(mapping.Properties.FunctionName) !== functionId) continue;
    const source = mapping.Properties.EventSourceArn['Fn::GetAtt'];
    arns.add(`<${source.join('.')}>`);
    const destination = mapping.Properties.DestinationConfig?.OnFailure?.Destination?.['Fn::GetAtt'];
    if (destination) arns.add(`<${destination.join('.')}>`);
  }
  return arns;
}

/** The recorded permissions in the same terms: each sandbox's table, queue and bucket names become logical ids. */
async function neededBy(): Promise<Record<string, string[]>> {
  const needed: Record<string, Set<string>> = {};
  for (const { queues, buckets, permissions } of await allRecordedCalls()) {
    const queueIds = new Map(Object.entries(queues).map(([id, url]) => [url.slice(url.lastIndexOf('/') + 1), id]));
    const bucketIds = new Map(Object.entries(buckets).map(([id, name]) => [name, id]));
    for (const [fn, lines] of Object.entries(permissions)) {
      for (const line of lines) {
        const [action, where] = line.split(' ') as [string, string];
        let named = line;
        if (where.startsWith('table/')) named = `${action} table${where.includes('/index/') ? `/index/${where.split('/index/')[1]}` : ''}`;
        else if (where.startsWith('queue/')) named = `${action} queue:${queueIds.get(where.slice(6)) ?? where}`;
        else if (where.startsWith('bucket/')) {
          const [, name, ...rest] = where.split('/');
          named = `${action} bucket:${bucketIds.get(name!) ?? name}/${rest.join('/')}`;
        }
        (needed[fn] ??= new Set()).add(named);
      }
    }
  }
  return Object.fromEntries(Object.entries(needed).map(([fn, lines]) => [fn, [...lines].sort()]));
}

/** Grants and calls match line for line: a grant on every index (`index/*`) is wider than any call. */
const covers = (grant: string, needed: string) => grant === needed;

describe('every function is granted exactly what its code called during the integration run', async () => {
  const needed = await neededBy();
  for (const fn of appFunctions(synthesized)) {
    it(fn.entry, () => {
      const granted = grantedTo(fn.roleId, eventSourceArnsOf(fn.logicalId));
      const calls = needed[fn.logicalId] ?? [];
      const missing = calls.filter((line) => !granted.some((grant) => covers(grant, line)));
      const unused = granted.filter((grant) => !calls.some((line) => covers(grant, line)));
      expect({ missing, unused }, `${fn.entry} called: ${calls.join(', ') || 'nothing'}`).toEqual({ missing: [], unused: [] });
    });
  }
});
