import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { config } from '../config.ts';
import { ORDER_EVENTS_SOURCE, type PublishedOrderEvent } from '../domain/order-events.ts';
import { awsClientOptions } from './client-options.ts';

const eventBridge = new EventBridgeClient(awsClientOptions);

/**
 * One PutEvents call to the order event bus (source `commerce.orders`, detail-type = the event's
 * type, time = when it was logged). Resolves with the indexes of the entries the bus did not take;
 * a call that fails as a whole rejects.
 */
export async function publishOrderEvents(events: readonly PublishedOrderEvent[]): Promise<number[]> {
  const { Entries = [], FailedEntryCount = 0 } = await eventBridge.send(
    new PutEventsCommand({
      Entries: events.map((event) => ({
        EventBusName: config.eventBusName,
        Source: ORDER_EVENTS_SOURCE,
        DetailType: event.type,
        Detail: JSON.stringify(event.detail),
        Time: new Date(event.detail.at),
      })),
    }),
  );
  if (FailedEntryCount === 0) return [];
  // Entries answer in request order; one with an ErrorCode (or none at all) was not taken.
  return events.flatMap((_, index) => (Entries[index]?.EventId && !Entries[index]?.ErrorCode ? [] : [index]));
}
