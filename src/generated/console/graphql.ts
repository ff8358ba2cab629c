/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type ActivityType =
  | 'EMAIL_SENT'
  | 'INSTORE_ORDER'
  | 'LOGIN'
  | 'ONLINE_ORDER'
  | 'WEBSITE_ERROR'
  | 'WEBSITE_VISIT';

export type SegmentChangeKind =
  | 'ENTERED'
  | 'EXITED';

export type ConsoleChannelFragment = { orders: number, items: number, itemsPerOrder: number, amountSpent: number, lastOrderAt: string | null };

export type ConsoleEventFragment = { customerId: string, type: ActivityType, at: string, summary: string, source: string, amount: number | null };

export type ConsoleProfileFieldsFragment = { id: string, firstName: string | null, lastName: string | null, gender: string | null, dateOfBirth: string | null, age: number | null, email: string | null, address: { street: string | null, city: string | null, postcode: string | null, country: string | null } | null, purchaseStats: { totalOrders: number, totalItems: number, totalSpent: number, online: { orders: number, items: number, itemsPerOrder: number, amountSpent: number, lastOrderAt: string | null }, instore: { orders: number, items: number, itemsPerOrder: number, amountSpent: number, lastOrderAt: string | null } }, favouriteProducts: Array<{ productName: string, purchases: number }>, lastActivity: { lastInstoreOrder: string | null, lastOnlineOrder: string | null, lastEmailSent: string | null, lastEmailOpened: string | null, lastEmailClicked: string | null, lastWebsiteVisit: string | null, lastLogin: string | null }, recentErrors: Array<{ message: string, page: string, lastSeen: string, occurrences: number }>, segments: Array<{ segment: string, since: string }>, recentActivity: { edges: Array<{ node: { customerId: string, type: ActivityType, at: string, summary: string, source: string, amount: number | null } }>, pageInfo: { hasNextPage: boolean } }, recentOrders: { edges: Array<{ node: { customerId: string, type: ActivityType, at: string, summary: string, source: string, amount: number | null } }>, pageInfo: { hasNextPage: boolean } } };

export type ConsoleProfileQueryVariables = Exact<{
  id: string | number;
  window: number;
}>;


export type ConsoleProfileQuery = { customer: { id: string, firstName: string | null, lastName: string | null, gender: string | null, dateOfBirth: string | null, age: number | null, email: string | null, address: { street: string | null, city: string | null, postcode: string | null, country: string | null } | null, purchaseStats: { totalOrders: number, totalItems: number, totalSpent: number, online: { orders: number, items: number, itemsPerOrder: number, amountSpent: number, lastOrderAt: string | null }, instore: { orders: number, items: number, itemsPerOrder: number, amountSpent: number, lastOrderAt: string | null } }, favouriteProducts: Array<{ productName: string, purchases: number }>, lastActivity: { lastInstoreOrder: string | null, lastOnlineOrder: string | null, lastEmailSent: string | null, lastEmailOpened: string | null, lastEmailClicked: string | null, lastWebsiteVisit: string | null, lastLogin: string | null }, recentErrors: Array<{ message: string, page: string, lastSeen: string, occurrences: number }>, segments: Array<{ segment: string, since: string }>, recentActivity: { edges: Array<{ node: { customerId: string, type: ActivityType, at: string, summary: string, source: string, amount: number | null } }>, pageInfo: { hasNextPage: boolean } }, recentOrders: { edges: Array<{ node: { customerId: string, type: ActivityType, at: string, summary: string, source: string, amount: number | null } }>, pageInfo: { hasNextPage: boolean } } } | null };

export type ConsoleLiveProfileSubscriptionVariables = Exact<{
  id: string | number;
  window: number;
}>;


export type ConsoleLiveProfileSubscription = { customerProfile: { id: string, firstName: string | null, lastName: string | null, gender: string | null, dateOfBirth: string | null, age: number | null, email: string | null, address: { street: string | null, city: string | null, postcode: string | null, country: string | null } | null, purchaseStats: { totalOrders: number, totalItems: number, totalSpent: number, online: { orders: number, items: number, itemsPerOrder: number, amountSpent: number, lastOrderAt: string | null }, instore: { orders: number, items: number, itemsPerOrder: number, amountSpent: number, lastOrderAt: string | null } }, favouriteProducts: Array<{ productName: string, purchases: number }>, lastActivity: { lastInstoreOrder: string | null, lastOnlineOrder: string | null, lastEmailSent: string | null, lastEmailOpened: string | null, lastEmailClicked: string | null, lastWebsiteVisit: string | null, lastLogin: string | null }, recentErrors: Array<{ message: string, page: string, lastSeen: string, occurrences: number }>, segments: Array<{ segment: string, since: string }>, recentActivity: { edges: Array<{ node: { customerId: string, type: ActivityType, at: string, summary: string, source: string, amount: number | null } }>, pageInfo: { hasNextPage: boolean } }, recentOrders: { edges: Array<{ node: { customerId: string, type: ActivityType, at: string, summary: string, source: string, amount: number | null } }>, pageInfo: { hasNextPage: boolean } } } };

export type ConsoleTimelineQueryVariables = Exact<{
  id: string | number;
  first: number;
  after?: string | null | undefined;
}>;


export type ConsoleTimelineQuery = { customer: { id: string, timeline: { edges: Array<{ cursor: string, node: { customerId: string, type: ActivityType, at: string, summary: string, source: string, amount: number | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type ConsoleSearchQueryVariables = Exact<{
  query: string;
}>;


export type ConsoleSearchQuery = { searchCustomers: Array<{ id: string, firstName: string | null, lastName: string | null, email: string | null }> };

export type ConsoleActivitySubscriptionVariables = Exact<{
  customerId: string | number;
}>;


export type ConsoleActivitySubscription = { customerActivity: { customerId: string, type: ActivityType, at: string, summary: string, source: string, amount: number | null } };

export type ConsoleSegmentsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleSegmentsQuery = { segments: Array<{ name: string, description: string | null, definition: string, size: number }> };

export type ConsoleSegmentMembersQueryVariables = Exact<{
  name: string;
  first: number;
  after?: string | null | undefined;
}>;


export type ConsoleSegmentMembersQuery = { segment: { name: string, size: number, members: { edges: Array<{ cursor: string, node: { id: string, firstName: string | null, lastName: string | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type ConsoleSegmentChangeFragment = { id: string, segment: string, customerId: string, kind: SegmentChangeKind, at: string };

export type ConsoleSegmentChangesSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type ConsoleSegmentChangesSubscription = { segmentChanges: { id: string, segment: string, customerId: string, kind: SegmentChangeKind, at: string } };

export type ConsoleReceiptFragment = { customerId: string, requestedAt: string, completedAt: string | null, rowsRemoved: number, tables: Array<string> };

export type ConsoleErasureQueryVariables = Exact<{
  id: string | number;
}>;


export type ConsoleErasureQuery = { erasure: { customerId: string, requestedAt: string, completedAt: string | null, rowsRemoved: number, tables: Array<string> } | null };

export type ConsoleEraseMutationVariables = Exact<{
  id: string | number;
  reason: string;
}>;


export type ConsoleEraseMutation = { eraseCustomer: { customerId: string, requestedAt: string, completedAt: string | null, rowsRemoved: number, tables: Array<string> } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const ConsoleChannelFragmentDoc = new TypedDocumentString(`
    fragment ConsoleChannel on ChannelStats {
  orders
  items
  itemsPerOrder
  amountSpent
  lastOrderAt
}
    `, {"fragmentName":"ConsoleChannel"}) as unknown as TypedDocumentString<ConsoleChannelFragment, unknown>;
export const ConsoleEventFragmentDoc = new TypedDocumentString(`
    fragment ConsoleEvent on ActivityEvent {
  customerId
  type
  at
  summary
  source
  amount
}
    `, {"fragmentName":"ConsoleEvent"}) as unknown as TypedDocumentString<ConsoleEventFragment, unknown>;
export const ConsoleProfileFieldsFragmentDoc = new TypedDocumentString(`
    fragment ConsoleProfileFields on Customer {
  id
  firstName
  lastName
  gender
  dateOfBirth
  age
  email
  address {
    street
    city
    postcode
    country
  }
  purchaseStats {
    online {
      ...ConsoleChannel
    }
    instore {
      ...ConsoleChannel
    }
    totalOrders
    totalItems
    totalSpent
  }
  favouriteProducts(limit: 6) {
    productName
    purchases
  }
  lastActivity {
    lastInstoreOrder
    lastOnlineOrder
    lastEmailSent
    lastEmailOpened
    lastEmailClicked
    lastWebsiteVisit
    lastLogin
  }
  recentErrors(limit: 5) {
    message
    page
    lastSeen
    occurrences
  }
  segments {
    segment
    since
  }
  recentActivity: timeline(first: $window) {
    edges {
      node {
        ...ConsoleEvent
      }
    }
    pageInfo {
      hasNextPage
    }
  }
  recentOrders: timeline(first: $window, types: [ONLINE_ORDER, INSTORE_ORDER]) {
    edges {
      node {
        ...ConsoleEvent
      }
    }
    pageInfo {
      hasNextPage
    }
  }
}
    fragment ConsoleChannel on ChannelStats {
  orders
  items
  itemsPerOrder
  amountSpent
  lastOrderAt
}
fragment ConsoleEvent on ActivityEvent {
  customerId
  type
  at
  summary
  source
  amount
}`, {"fragmentName":"ConsoleProfileFields"}) as unknown as TypedDocumentString<ConsoleProfileFieldsFragment, unknown>;
export const ConsoleSegmentChangeFragmentDoc = new TypedDocumentString(`
    fragment ConsoleSegmentChange on SegmentChange {
  id
  segment
  customerId
  kind
  at
}
    `, {"fragmentName":"ConsoleSegmentChange"}) as unknown as TypedDocumentString<ConsoleSegmentChangeFragment, unknown>;
export const ConsoleReceiptFragmentDoc = new TypedDocumentString(`
    fragment ConsoleReceipt on ErasureReceipt {
  customerId
  requestedAt
  completedAt
  rowsRemoved
  tables
}
    `, {"fragmentName":"ConsoleReceipt"}) as unknown as TypedDocumentString<ConsoleReceiptFragment, unknown>;
export const ConsoleProfileDocument = new TypedDocumentString(`
    query ConsoleProfile($id: ID!, $window: Int!) {
  customer(id: $id) {
    ...ConsoleProfileFields
  }
}
    fragment ConsoleChannel on ChannelStats {
  orders
  items
  itemsPerOrder
  amountSpent
  lastOrderAt
}
fragment ConsoleEvent on ActivityEvent {
  customerId
  type
  at
  summary
  source
  amount
}
fragment ConsoleProfileFields on Customer {
  id
  firstName
  lastName
  gender
  dateOfBirth
  age
  email
  address {
    street
    city
    postcode
    country
  }
  purchaseStats {
    online {
      ...ConsoleChannel
    }
    instore {
      ...ConsoleChannel
    }
    totalOrders
    totalItems
    totalSpent
  }
  favouriteProducts(limit: 6) {
    productName
    purchases
  }
  lastActivity {
    lastInstoreOrder
    lastOnlineOrder
    lastEmailSent
    lastEmailOpened
    lastEmailClicked
    lastWebsiteVisit
    lastLogin
  }
  recentErrors(limit: 5) {
    message
    page
    lastSeen
    occurrences
  }
  segments {
    segment
    since
  }
  recentActivity: timeline(first: $window) {
    edges {
      node {
        ...ConsoleEvent
      }
    }
    pageInfo {
      hasNextPage
    }
  }
  recentOrders: timeline(first: $window, types: [ONLINE_ORDER, INSTORE_ORDER]) {
    edges {
      node {
        ...ConsoleEvent
      }
    }
    pageInfo {
      hasNextPage
    }
  }
}`, {"hash":"sha256:09a7b5c7e8a011ea29d7dc30926ac59a0fa77b08892780b90f0d101479f20f39"}) as unknown as TypedDocumentString<ConsoleProfileQuery, ConsoleProfileQueryVariables>;
export const ConsoleLiveProfileDocument = new TypedDocumentString(`
    subscription ConsoleLiveProfile($id: ID!, $window: Int!) {
  customerProfile(customerId: $id) {
    ...ConsoleProfileFields
  }
}
    fragment ConsoleChannel on ChannelStats {
  orders
  items
  itemsPerOrder
  amountSpent
  lastOrderAt
}
fragment ConsoleEvent on ActivityEvent {
  customerId
  type
  at
  summary
  source
  amount
}
fragment ConsoleProfileFields on Customer {
  id
  firstName
  lastName
  gender
  dateOfBirth
  age
  email
  address {
    street
    city
    postcode
    country
  }
  purchaseStats {
    online {
      ...ConsoleChannel
    }
    instore {
      ...ConsoleChannel
    }
    totalOrders
    totalItems
    totalSpent
  }
  favouriteProducts(limit: 6) {
    productName
    purchases
  }
  lastActivity {
    lastInstoreOrder
    lastOnlineOrder
    lastEmailSent
    lastEmailOpened
    lastEmailClicked
    lastWebsiteVisit
    lastLogin
  }
  recentErrors(limit: 5) {
    message
    page
    lastSeen
    occurrences
  }
  segments {
    segment
    since
  }
  recentActivity: timeline(first: $window) {
    edges {
      node {
        ...ConsoleEvent
      }
    }
    pageInfo {
      hasNextPage
    }
  }
  recentOrders: timeline(first: $window, types: [ONLINE_ORDER, INSTORE_ORDER]) {
    edges {
      node {
        ...ConsoleEvent
      }
    }
    pageInfo {
      hasNextPage
    }
  }
}`, {"hash":"sha256:ac52d814921ecb6a74be0cd3ef6734c0e41d7beef08dcf747150066143faf698"}) as unknown as TypedDocumentString<ConsoleLiveProfileSubscription, ConsoleLiveProfileSubscriptionVariables>;
export const ConsoleTimelineDocument = new TypedDocumentString(`
    query ConsoleTimeline($id: ID!, $first: Int!, $after: String) {
  customer(id: $id) {
    id
    timeline(first: $first, after: $after) {
      edges {
        cursor
        node {
          ...ConsoleEvent
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}
    fragment ConsoleEvent on ActivityEvent {
  customerId
  type
  at
  summary
  source
  amount
}`, {"hash":"sha256:51900d45b07e0e0f8f43159746578be18b12c3575725dd266f445aefc8ab24db"}) as unknown as TypedDocumentString<ConsoleTimelineQuery, ConsoleTimelineQueryVariables>;
export const ConsoleSearchDocument = new TypedDocumentString(`
    query ConsoleSearch($query: String!) {
  searchCustomers(query: $query, first: 8) {
    id
    firstName
    lastName
    email
  }
}
    `, {"hash":"sha256:ecbd5383a8164480aa1f22adbfa38acda4e0429f9f3bd1ec48617dcdb705ce0b"}) as unknown as TypedDocumentString<ConsoleSearchQuery, ConsoleSearchQueryVariables>;
export const ConsoleActivityDocument = new TypedDocumentString(`
    subscription ConsoleActivity($customerId: ID!) {
  customerActivity(customerId: $customerId) {
    ...ConsoleEvent
  }
}
    fragment ConsoleEvent on ActivityEvent {
  customerId
  type
  at
  summary
  source
  amount
}`, {"hash":"sha256:b9bbd6bbb4cd3fd79c67a32da55128b81e56a22c66744d6a02079f7c686db395"}) as unknown as TypedDocumentString<ConsoleActivitySubscription, ConsoleActivitySubscriptionVariables>;
export const ConsoleSegmentsDocument = new TypedDocumentString(`
    query ConsoleSegments {
  segments {
    name
    description
    definition
    size
  }
}
    `, {"hash":"sha256:23959b026a402f336fb1cac858c4533a399fa34a2212d7f280422b94d3e3972c"}) as unknown as TypedDocumentString<ConsoleSegmentsQuery, ConsoleSegmentsQueryVariables>;
export const ConsoleSegmentMembersDocument = new TypedDocumentString(`
    query ConsoleSegmentMembers($name: String!, $first: Int!, $after: String) {
  segment(name: $name) {
    name
    size
    members(first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          firstName
          lastName
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}
    `, {"hash":"sha256:56b98e00f77952ce99580c01e1a426f96108b7c3abe228107e278b5f8898278c"}) as unknown as TypedDocumentString<ConsoleSegmentMembersQuery, ConsoleSegmentMembersQueryVariables>;
export const ConsoleSegmentChangesDocument = new TypedDocumentString(`
    subscription ConsoleSegmentChanges {
  segmentChanges {
    ...ConsoleSegmentChange
  }
}
    fragment ConsoleSegmentChange on SegmentChange {
  id
  segment
  customerId
  kind
  at
}`, {"hash":"sha256:ab10a1e6763238930e71ae6b42199fc578b315b129433fb361282cb44544e059"}) as unknown as TypedDocumentString<ConsoleSegmentChangesSubscription, ConsoleSegmentChangesSubscriptionVariables>;
export const ConsoleErasureDocument = new TypedDocumentString(`
    query ConsoleErasure($id: ID!) {
  erasure(customerId: $id) {
    ...ConsoleReceipt
  }
}
    fragment ConsoleReceipt on ErasureReceipt {
  customerId
  requestedAt
  completedAt
  rowsRemoved
  tables
}`, {"hash":"sha256:263e770ca40aa21ae520300bae366c57a5dc467d39b4211b4a046f56d79475b1"}) as unknown as TypedDocumentString<ConsoleErasureQuery, ConsoleErasureQueryVariables>;
export const ConsoleEraseDocument = new TypedDocumentString(`
    mutation ConsoleErase($id: ID!, $reason: String!) {
  eraseCustomer(customerId: $id, reason: $reason) {
    ...ConsoleReceipt
  }
}
    fragment ConsoleReceipt on ErasureReceipt {
  customerId
  requestedAt
  completedAt
  rowsRemoved
  tables
}`, {"hash":"sha256:850a077f53c713a2811bf1502cff0454ef747b40124d232022135bf8699f6a0c"}) as unknown as TypedDocumentString<ConsoleEraseMutation, ConsoleEraseMutationVariables>;