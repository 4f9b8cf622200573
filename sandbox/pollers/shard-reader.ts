import {
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ResourceNotFoundException,
  TrimmedDataAccessException,
  type DynamoDBStreamsClient,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import type { FunctionInvoker } from '../function-registry.ts';
import type { SandboxLog } from '../logs.ts';
import type { StreamMappingSpec } from '../topology/functions.ts';
import type { StreamCheckpoints } from './checkpoints.ts';
import { matchesAnyPattern } from './filter-pattern.ts';
import type { FailedBatch, OnFailureQueue } from './on-failure.ts';
import type { Pause } from './pause.ts';
import { processStreamBatch, type StreamBatchContext } from './stream-batch.ts';
import { keyFingerprint, toLambdaStreamRecord, TTL_USER_IDENTITY } from './stream-records.ts';

/** How often a shard with nothing new is polled. */
const IDLE_POLL_MS = 200;
const ERROR_PAUSE_MS = 1_000;
/** How often a disabled mapping looks again (enabling it wakes the readers at once). */
const DISABLED_CHECK_MS = 1_000;

interface ShardReaderOptions {
  readonly mapping: StreamMappingSpec;
  readonly functionArn: string;
  readonly shardId: string;
  /** Where to start when no checkpoint exists for the shard. */
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  readonly streams: DynamoDBStreamsClient;
  readonly functions: FunctionInvoker;
  readonly checkpoints: StreamCheckpoints;
  readonly onFailure: OnFailureQueue | undefined;
  /** Whether a REMOVE record of this key comes from the TTL sweeper. */
  readonly isTtlDeletion: (fingerprint: string) => boolean;
  readonly pause: Pause;
  readonly isStopped: () => boolean;
  /** False while the mapping is disabled: the shard is not read (its records wait in the stream). */
  readonly isEnabled: () => boolean;
  readonly log: SandboxLog;
}

interface BufferedRecord {
  readonly record: DynamoDBRecord;
  readonly matches: boolean;
}

/**
 * Reads one shard in order, like Lambda's stream poller: records are filtered, gathered into batches
 * of up to BatchSize within MaximumBatchingWindowInSeconds, and each batch is handled (retries,
 * bisection, on-failure destination) before the next one starts; the checkpoint then moves past it.
 */
export class ShardReader {
  private readonly buffer: BufferedRecord[] = [];
  private lastSequenceNumber: string | undefined;
  private windowOpenedAt: number | undefined;
  /** Start time of the last poll that found nothing, while nothing was pending; undefined when busy. */
  private idleSince: number | undefined;
  private finished = false;
  private reportedProblem: string | undefined;
  /** Whether the last GetRecords call returned records: then there may be more to read at once. */
  private lastPollFound = false;

  constructor(private readonly options: ShardReaderOptions) {
    this.lastSequenceNumber = options.checkpoints.get(options.mapping.logicalId, options.shardId);
  }

  /** True when everything up to the shard's end was handled, as seen by a poll started at or after `time`. */
  settledSince(time: number): boolean {
    return this.finished || (this.idleSince !== undefined && this.idleSince >= time);
  }

  get done(): boolean {
    return this.finished;
  }

  /** Reads until the shard is closed and drained, or the sandbox stops. */
  async run(): Promise<void> {
    let iterator = await this.acquireIterator(false);
    while (!this.options.isStopped()) {
      if (!this.options.isEnabled()) {
        this.idleSince = undefined;
        await this.options.pause.for(DISABLED_CHECK_MS);
        continue;
      }
      if (iterator !== undefined) {
        try {
          iterator = await this.poll(iterator);
        } catch (error) {
          if (error instanceof ResourceNotFoundException) break;
          iterator = await this.acquireIterator(error instanceof TrimmedDataAccessException, error);
          continue;
        }
      }
      if (await this.deliverReadyBatch(iterator === undefined)) continue;
      if (iterator === undefined && this.buffer.length === 0) break;
      if (!this.lastPollFound) await this.options.pause.for(Math.min(IDLE_POLL_MS, this.windowRemaining() ?? IDLE_POLL_MS));
    }
    this.finished = !this.options.isStopped();
  }

  /**
   * An iterator after the last record read (or checkpointed), else at the mapping's position. After an
   * unexpected error it retries until it gets one; expired iterators are simply renewed.
   */
  private async acquireIterator(trimmed: boolean, cause?: unknown): Promise<string | undefined> {
    let problem = cause instanceof ExpiredIteratorException || cause instanceof TrimmedDataAccessException ? undefined : cause;
    while (!this.options.isStopped()) {
      if (problem !== undefined) {
        // A lasting problem is reported once, not every second.
        const message = `Reading ${this.options.shardId} failed: ${String(problem)}`;
        if (message !== this.reportedProblem) this.options.log.warn(this.options.mapping.logicalId, message);
        this.reportedProblem = message;
        await this.options.pause.for(ERROR_PAUSE_MS);
      }
      try {
        return await this.iterator(trimmed);
      } catch (error) {
        problem = error;
      }
    }
    return undefined;
  }

  /** One GetRecords call; returns the next iterator, or undefined once the shard is closed. */
  private async poll(iterator: string): Promise<string | undefined> {
    const startedAt = Date.now();
    const page = await this.options.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    const records = page.Records ?? [];
    for (const source of records) {
      const record = toLambdaStreamRecord(source, this.options.mapping.streamArn);
      const keys = record.dynamodb?.Keys;
      if (record.eventName === 'REMOVE' && keys && this.options.isTtlDeletion(keyFingerprint(keys))) {
        record.userIdentity = { ...TTL_USER_IDENTITY };
      }
      this.buffer.push({ record, matches: matchesAnyPattern(this.options.mapping.filterPatterns, record) });
      this.lastSequenceNumber = record.dynamodb?.SequenceNumber ?? this.lastSequenceNumber;
    }
    this.lastPollFound = records.length > 0;
    this.idleSince = records.length === 0 && this.buffer.length === 0 ? startedAt : undefined;
    this.reportedProblem = undefined;
    return page.NextShardIterator;
  }

  /** Handles the next batch if it is full, its window has passed, or the shard ended; false if none was ready. */
  private async deliverReadyBatch(shardEnded: boolean): Promise<boolean> {
    await this.skipFilteredRecords();
    const { batchSize } = this.options.mapping;
    const matching = this.buffer.filter((entry) => entry.matches).length;
    if (matching === 0) return false;
    this.windowOpenedAt ??= Date.now();
    if (matching < batchSize && !shardEnded && (this.windowRemaining() ?? 0) > 0) return false;

    let taken = 0;
    let end = 0;
    while (end < this.buffer.length && taken < batchSize) {
      if (this.buffer[end]!.matches) taken += 1;
      end += 1;
    }
    const entries = this.buffer.splice(0, end);
    this.windowOpenedAt = undefined;
    await processStreamBatch(
      entries.filter((entry) => entry.matches).map((entry) => entry.record),
      this.batchContext(),
    );
    if (this.options.isStopped()) return true;
    await this.checkpoint(entries.at(-1)!.record);
    return true;
  }

  /** Records no filter matches never reach the function; the checkpoint just moves past them. */
  private async skipFilteredRecords(): Promise<void> {
    let skipped: DynamoDBRecord | undefined;
    while (this.buffer[0] && !this.buffer[0].matches) skipped = this.buffer.shift()!.record;
    if (skipped) await this.checkpoint(skipped);
  }

  private batchContext(): StreamBatchContext {
    const { mapping, functionArn, shardId, functions, onFailure, pause, isStopped, log } = this.options;
    return {
      mapping,
      invoke: (records: DynamoDBRecord[]) => functions.invoke(mapping.functionLogicalId, { Records: records }),
      discard: async (batch: Omit<FailedBatch, 'functionArn' | 'shardId' | 'streamArn'>) => {
        const failed = { ...batch, functionArn, shardId, streamArn: mapping.streamArn };
        if (onFailure) await onFailure.send(failed);
        else log.warn(mapping.logicalId, `Discarding ${batch.records.length} record(s) of ${shardId}: ${batch.condition}`);
      },
      pause,
      isStopped,
    };
  }

  private windowRemaining(): number | undefined {
    if (this.windowOpenedAt === undefined) return undefined;
    return Math.max(0, this.windowOpenedAt + this.options.mapping.batchingWindowSeconds * 1000 - Date.now());
  }

  private async checkpoint(record: DynamoDBRecord): Promise<void> {
    const sequenceNumber = record.dynamodb?.SequenceNumber;
    if (sequenceNumber) await this.options.checkpoints.save(this.options.mapping.logicalId, this.options.shardId, sequenceNumber);
  }

  private async iterator(trimmed: boolean): Promise<string | undefined> {
    const { streams, mapping, shardId } = this.options;
    const after = trimmed ? undefined : this.lastSequenceNumber;
    const type: ShardIteratorType = after ? 'AFTER_SEQUENCE_NUMBER' : trimmed ? 'TRIM_HORIZON' : this.options.startingPosition;
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({ StreamArn: mapping.streamArn, ShardId: shardId, ShardIteratorType: type, SequenceNumber: after }),
    );
    return ShardIterator;
  }
}
