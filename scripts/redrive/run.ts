import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ListQueuesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** A dead-letter queue and the queue whose redrive policy sends failures to it. */
export interface RedrivePair {
  readonly deadLetterQueueUrl: string;
  readonly sourceQueueUrl: string;
}

export interface RedriveCounts {
  /** Sent back to the source queue and deleted from the dead-letter queue. */
  moved: number;
  /** Could not be sent back: still in the dead-letter queue, visible again after the visibility timeout. */
  failed: number;
  /** Sent back, but the delete failed: the source queue got it, the DLQ still holds a copy (harmless: settlement is idempotent). */
  notDeleted: number;
}

export interface RedriveProgress extends RedriveCounts {
  /** Messages waiting in the DLQ when the run started: the run handles at most these. */
  waitingAtStart: number;
}

export interface RedriveOptions {
  /** Aborting stops after the batch in flight; what is left stays in the DLQ for the next run. */
  signal?: AbortSignal;
  onProgress?: (progress: RedriveProgress) => void;
}

/** A message the run cannot send stays hidden this long, so one run never retries it in a loop. */
const HIDE_FAILED_SECONDS = 120;

/** Every queue URL of a deployed stack: CloudFormation names its queues `<stack name>-<logical id>-<suffix>`. */
export async function stackQueueUrls(sqs: SQSClient, stackName: string): Promise<string[]> {
  const prefix = `${stackName}-`;
  const urls: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 1000, ...(NextToken ? { NextToken } : {}) }));
    urls.push(...(page.QueueUrls ?? []).filter((url) => url.split('/').pop()!.startsWith(prefix)));
    NextToken = page.NextToken;
  } while (NextToken);
  return urls;
}

/** The dead-letter queues among `queueUrls` that some queue redrives to, each with that source. */
export async function findRedrivePairs(sqs: SQSClient, queueUrls: readonly string[]): Promise<RedrivePair[]> {
  const described = await Promise.all(
    queueUrls.map(async (url) => {
      const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn', 'RedrivePolicy'] }));
      const policy = Attributes.RedrivePolicy ? (JSON.parse(Attributes.RedrivePolicy) as { deadLetterTargetArn?: string }) : undefined;
      return { url, arn: Attributes.QueueArn, deadLetterTargetArn: policy?.deadLetterTargetArn };
    }),
  );
  const urlOfArn = new Map(described.map((queue) => [queue.arn, queue.url]));
  return described.flatMap((source) => {
    const deadLetterQueueUrl = source.deadLetterTargetArn && urlOfArn.get(source.deadLetterTargetArn);
    return deadLetterQueueUrl ? [{ deadLetterQueueUrl, sourceQueueUrl: source.url }] : [];
  });
}

/** Messages visible in a queue now (SQS's approximate count). */
export async function waitingMessages(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  return Number(Attributes.ApproximateNumberOfMessages ?? 0);
}

/**
 * Moves the messages waiting in a DLQ back to its source queue: receive a batch, send it to the
 * source with the same body and attributes, and delete from the DLQ only what the source accepted.
 * Safe to interrupt and to run twice: a message is never deleted before it was sent, and what is
 * not moved stays in the DLQ for the next run. Handles at most the messages waiting at the start,
 * so messages that fail again and come back during the run are not cycled.
 */
export async function redrive(sqs: SQSClient, pair: RedrivePair, options: RedriveOptions = {}): Promise<RedriveCounts & { waitingAtStart: number }> {
  const waitingAtStart = await waitingMessages(sqs, pair.deadLetterQueueUrl);
  const counts: RedriveCounts = { moved: 0, failed: 0, notDeleted: 0 };
  const report = () => options.onProgress?.({ ...counts, waitingAtStart });
  report();
  let handled = 0;
  while (handled < waitingAtStart && !options.signal?.aborted) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: pair.deadLetterQueueUrl,
        MaxNumberOfMessages: Math.min(10, waitingAtStart - handled),
        VisibilityTimeout: HIDE_FAILED_SECONDS,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) break;
    handled += Messages.length;
    await moveBatch(sqs, pair, Messages, counts);
    report();
  }
  return { ...counts, waitingAtStart };
}

async function moveBatch(sqs: SQSClient, pair: RedrivePair, messages: Message[], counts: RedriveCounts): Promise<void> {
  const byId = new Map(messages.map((message, i) => [String(i), message]));
  const sent = await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: pair.sourceQueueUrl,
      Entries: [...byId].map(([Id, message]) => ({
        Id,
        MessageBody: message.Body!,
        ...(message.MessageAttributes ? { MessageAttributes: message.MessageAttributes } : {}),
      })),
    }),
  );
  counts.failed += sent.Failed?.length ?? 0;
  const accepted = (sent.Successful ?? []).map((entry) => entry.Id!);
  if (accepted.length === 0) return;
  const deleted = await sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: pair.deadLetterQueueUrl,
      Entries: accepted.map((Id) => ({ Id, ReceiptHandle: byId.get(Id)!.ReceiptHandle! })),
    }),
  );
  counts.moved += deleted.Successful?.length ?? 0;
  counts.notDeleted += deleted.Failed?.length ?? 0;
}
