import type { ClickHouseStore } from '../store/clickhouse';
import { createCustomerLoader, searchCustomers } from './customer.loader';
import { createEngagementLoader } from './engagement.loader';
import { createFavouriteProductsLoader } from './favouriteProducts.loader';
import { createPurchaseStatsLoader } from './purchaseStats.loader';
import { createRecentErrorsLoader } from './recentErrors.loader';
import { createTimelineLoader } from './timeline.loader';

/**
 * One DataLoader per part of the profile, created for each request: fields of N customers in
 * one request cost one query per part, and nothing one request caches is seen by another.
 */
export function createLoaders(store: ClickHouseStore) {
  return {
    customer: createCustomerLoader(store),
    purchaseStats: createPurchaseStatsLoader(store),
    favouriteProducts: createFavouriteProductsLoader(store),
    engagement: createEngagementLoader(store),
    timeline: createTimelineLoader(store),
    recentErrors: createRecentErrorsLoader(store),
    /** Not batched: a search is one query of its own. */
    search: (query: string, first: number) => searchCustomers(store, query, first),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
