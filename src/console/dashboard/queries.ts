/** The dashboard's operations and the shapes they return (the contract in SPEC.md). */

export type ActivityType = 'INSTORE_ORDER' | 'ONLINE_ORDER' | 'EMAIL_SENT' | 'WEBSITE_VISIT' | 'LOGIN' | 'WEBSITE_ERROR';

export interface ActivityEvent {
  customerId: string;
  type: ActivityType;
  at: string;
  summary: string;
  source: string;
}

export interface ChannelStats {
  orders: number;
  items: number;
  itemsPerOrder: number;
  amountSpent: number;
  lastOrderAt: string | null;
}

export interface LastActivity {
  lastInstoreOrder: string | null;
  lastOnlineOrder: string | null;
  lastEmailSent: string | null;
  lastEmailOpened: string | null;
  lastEmailClicked: string | null;
  lastWebsiteVisit: string | null;
  lastLogin: string | null;
}

export interface Profile {
  id: string;
  firstName: string | null;
  lastName: string | null;
  gender: string | null;
  dateOfBirth: string | null;
  age: number | null;
  email: string | null;
  address: { street: string | null; city: string | null; postcode: string | null; country: string | null } | null;
  purchaseStats: { online: ChannelStats; instore: ChannelStats; totalOrders: number; totalItems: number; totalSpent: number };
  favouriteProducts: Array<{ productName: string; purchases: number }>;
  lastActivity: LastActivity;
  recentErrors: Array<{ message: string; page: string; lastSeen: string; occurrences: number }>;
  /** The latest events of every kind, for the activity chart. */
  recentActivity: { edges: Array<{ node: ActivityEvent }>; pageInfo: { hasNextPage: boolean } };
  /** The latest orders, for the spend chart. */
  recentOrders: { edges: Array<{ node: ActivityEvent }>; pageInfo: { hasNextPage: boolean } };
}

export interface TimelinePage {
  edges: Array<{ cursor: string; node: ActivityEvent }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export interface SearchHit {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
}

/** How many events the charts summarise (the gateway's default MAX_FIRST). */
export const CHART_WINDOW = 100;
export const TIMELINE_PAGE = 15;

const CHANNEL = 'orders items itemsPerOrder amountSpent lastOrderAt';
const EVENT = 'customerId type at summary source';

export const PROFILE_QUERY = `
query ConsoleProfile($id: ID!, $window: Int!) {
  customer(id: $id) {
    id firstName lastName gender dateOfBirth age email
    address { street city postcode country }
    purchaseStats { online { ${CHANNEL} } instore { ${CHANNEL} } totalOrders totalItems totalSpent }
    favouriteProducts(limit: 6) { productName purchases }
    lastActivity { lastInstoreOrder lastOnlineOrder lastEmailSent lastEmailOpened lastEmailClicked lastWebsiteVisit lastLogin }
    recentErrors(limit: 5) { message page lastSeen occurrences }
    recentActivity: timeline(first: $window) { edges { node { ${EVENT} } } pageInfo { hasNextPage } }
    recentOrders: timeline(first: $window, types: [ONLINE_ORDER, INSTORE_ORDER]) { edges { node { ${EVENT} } } pageInfo { hasNextPage } }
  }
}`;

export const TIMELINE_QUERY = `
query ConsoleTimeline($id: ID!, $first: Int!, $after: String) {
  customer(id: $id) {
    id
    timeline(first: $first, after: $after) { edges { cursor node { ${EVENT} } } pageInfo { hasNextPage endCursor } }
  }
}`;

export const SEARCH_QUERY = `
query ConsoleSearch($query: String!) {
  searchCustomers(query: $query, first: 8) { id firstName lastName email }
}`;

export const ACTIVITY_SUBSCRIPTION = `
subscription ConsoleActivity($customerId: ID!) {
  customerActivity(customerId: $customerId) { ${EVENT} }
}`;
