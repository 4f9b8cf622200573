import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PutEventsEntry, PutEventsResult } from '../event-bus.ts';

type PutEvents = (entries: readonly PutEventsEntry[]) => PutEventsResult[];

/** An email SendEmail took, as GET /_sandbox/mail lists it. */
export interface CapturedEmail {
  readonly messageId: string;
  readonly at: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly configurationSet: string | undefined;
  readonly tags: Readonly<Record<string, string>>;
}

/** SES's part: every email is kept, in order, and sent nowhere. */
export class Mailbox {
  private readonly messages: CapturedEmail[] = [];

  capture(input: Record<string, any>): CapturedEmail {
    const simple = input['Content']?.['Simple'];
    const email: CapturedEmail = {
      messageId: `${randomUUID()}-sandbox`,
      at: new Date().toISOString(),
      from: String(input['FromEmailAddress'] ?? ''),
      to: (input['Destination']?.['ToAddresses'] as string[] | undefined) ?? [],
      subject: String(simple?.['Subject']?.['Data'] ?? ''),
      text: String(simple?.['Body']?.['Text']?.['Data'] ?? ''),
      configurationSet: input['ConfigurationSetName'],
      tags: Object.fromEntries(((input['EmailTags'] as Array<{ Name: string; Value: string }> | undefined) ?? []).map((tag) => [tag.Name, tag.Value])),
    };
    this.messages.push(email);
    return email;
  }

  list(): CapturedEmail[] {
    return [...this.messages];
  }
}

export interface BusAndMailServer {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * The local EventBridge (PutEvents, JSON 1.1) and SES v2 (SendEmail, REST JSON) endpoints, on one
 * port; functions reach them through the service proxies, which record the calls and their permissions.
 */
export async function startBusAndMail(putEvents: PutEvents, mailbox: Mailbox): Promise<BusAndMailServer> {
  const server = createServer((req, res) => void handle(req, res, putEvents, mailbox).catch(() => res.destroy()));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, putEvents: PutEvents, mailbox: Mailbox): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  let input: Record<string, any>;
  try {
    input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    return reply(res, 400, 'application/x-amz-json-1.1', { __type: 'SerializationException', message: 'Malformed JSON' });
  }
  const target = String(req.headers['x-amz-target'] ?? '');
  if (target === 'AWSEvents.PutEvents') {
    const results = putEvents((input['Entries'] as PutEventsEntry[] | undefined) ?? []);
    const failed = results.filter((result) => 'ErrorCode' in result).length;
    return reply(res, 200, 'application/x-amz-json-1.1', { FailedEntryCount: failed, Entries: results });
  }
  if (req.method === 'POST' && req.url?.split('?')[0] === '/v2/email/outbound-emails') {
    if (!input['FromEmailAddress'] || !input['Destination']?.['ToAddresses']?.length) {
      res.setHeader('x-amzn-errortype', 'BadRequestException');
      return reply(res, 400, 'application/json', { message: 'FromEmailAddress and Destination.ToAddresses are required' });
    }
    return reply(res, 200, 'application/json', { MessageId: mailbox.capture(input).messageId });
  }
  return reply(res, 400, 'application/x-amz-json-1.1', { __type: 'UnknownOperationException', message: `${req.method} ${req.url} ${target} is not emulated` });
}

function reply(res: ServerResponse, status: number, contentType: string, body: unknown): void {
  res.writeHead(status, { 'content-type': contentType });
  res.end(JSON.stringify(body));
}
