import { describe, expect, it } from 'vitest';
import { appFunctions, grantsOf, refId, resource } from '../infra/inspect.ts';
import { synthesize } from '../infra/synth.ts';
import { call, info } from './client.ts';

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
    const table = /^<(\w+)\.Arn>(\/index\/(\S+))?$/.exec(arn);
    if (table && resource(template, table[1]!).Type === 'AWS::DynamoDB::GlobalTable') return [`${action} table${table[3] ? `/index/${table[3]}` : ''}`];
    const queue = /^<(\w+)\.Arn>$/.exec(arn);
    if (queue) return [`${action} queue:${queue[1]}`];
    const bucket = /^<(\w+)\.Arn>\/(.*)\*$/.exec(arn);
    if (bucket) return [`${action} bucket:${bucket[1]}/${bucket[2]}`];
    return [`${action} ${arn}`];
  });
}

/** What Lambda's event source mappings of the function use its role for: their sources and destinations. */
function eventSourceArnsOf(functionId: string): Set<string> {
  const arns = new Set<string>();
  for (const mapping of Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))) {
    if (refId(mapping.Properties.FunctionName) !== functionId) continue;
    const source = mapping.Properties.EventSourceArn['Fn::GetAtt'];
    arns.add(`<${source.join('.')}>`);
    const destination = mapping.Properties.DestinationConfig?.OnFailure?.Destination?.['Fn::GetAtt'];
    if (destination) arns.add(`<${destination.join('.')}>`);
  }
  return arns;
}

/** The recorded permissions in the same terms: the local table, queue and bucket names become logical ids. */
async function neededBy(): Promise<Record<string, string[]>> {
  const { queues, buckets } = (await call('GET', '/_sandbox/info')).body as { queues: Record<string, string>; buckets: Record<string, string> };
  const queueIds = new Map(Object.entries(queues).map(([id, url]) => [url.slice(url.lastIndexOf('/') + 1), id]));
  const bucketIds = new Map(Object.entries(buckets).map(([id, name]) => [name, id]));
  const { permissions } = (await call('GET', '/_sandbox/calls')).body as { permissions: Record<string, string[]> };
  return Object.fromEntries(
    Object.entries(permissions).map(([fn, lines]) => [
      fn,
      lines.map((line) => {
        const [action, where] = line.split(' ') as [string, string];
        if (where.startsWith('table/')) return `${action} table${where.includes('/index/') ? `/index/${where.split('/index/')[1]}` : ''}`;
        if (where.startsWith('queue/')) return `${action} queue:${queueIds.get(where.slice(6)) ?? where}`;
        if (where.startsWith('bucket/')) {
          const [, name, ...rest] = where.split('/');
          return `${action} bucket:${bucketIds.get(name!) ?? name}/${rest.join('/')}`;
        }
        return line;
      }),
    ]),
  );
}

/** A grant on every index covers a call on one; otherwise grants and calls match line for line. */
const covers = (grant: string, needed: string) => grant === needed || (grant.endsWith('/index/*') && needed.startsWith(grant.slice(0, -1)));

describe('every function is granted exactly what its code called during the integration run', async () => {
  await info();
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
