import type { PubSub } from 'type-graphql';
import type { ActivityType } from './activity';
import type { ActivityBus } from './bus';

export const CUSTOMER_ACTIVITY = 'customerActivity';

/** What a `customerActivity` subscription listens to: type-graphql hands it over as the topic id. */
export interface ActivityTopic {
  customerId: string;
  types: readonly ActivityType[] | null;
}

/**
 * type-graphql's PubSub over the activity bus. Publishing goes through the bus (the ingest sink
 * publishes there once records are committed), so only subscribe is served here.
 */
export function activityPubSub(bus: ActivityBus): PubSub {
  return {
    publish(routingKey: string) {
      throw new Error(`Activity is published through the ingest sink, not the "${routingKey}" topic.`);
    },
    subscribe(routingKey: string, dynamicId?: unknown) {
      if (routingKey !== CUSTOMER_ACTIVITY) throw new Error(`Unknown subscription topic "${routingKey}".`);
      const topic = dynamicId as ActivityTopic;
      return bus.subscribe(topic.customerId, topic.types);
    },
  };
}
