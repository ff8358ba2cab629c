/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\nfragment ConsoleChannel on ChannelStats { orders items itemsPerOrder amountSpent lastOrderAt }": typeof types.ConsoleChannelFragmentDoc,
    "\nfragment ConsoleEvent on ActivityEvent { customerId type at summary source amount }": typeof types.ConsoleEventFragmentDoc,
    "\nfragment ConsoleProfileFields on Customer {\n  id firstName lastName gender dateOfBirth age email\n  address { street city postcode country }\n  purchaseStats { online { ...ConsoleChannel } instore { ...ConsoleChannel } totalOrders totalItems totalSpent }\n  favouriteProducts(limit: 6) { productName purchases }\n  lastActivity { lastInstoreOrder lastOnlineOrder lastEmailSent lastEmailOpened lastEmailClicked lastWebsiteVisit lastLogin }\n  recentErrors(limit: 5) { message page lastSeen occurrences }\n  segments { segment since }\n  recentActivity: timeline(first: $window) { edges { node { ...ConsoleEvent } } pageInfo { hasNextPage } }\n  recentOrders: timeline(first: $window, types: [ONLINE_ORDER, INSTORE_ORDER]) { edges { node { ...ConsoleEvent } } pageInfo { hasNextPage } }\n}": typeof types.ConsoleProfileFieldsFragmentDoc,
    "\nquery ConsoleProfile($id: ID!, $window: Int!) {\n  customer(id: $id) { ...ConsoleProfileFields }\n}": typeof types.ConsoleProfileDocument,
    "\nsubscription ConsoleLiveProfile($id: ID!, $window: Int!) {\n  customerProfile(customerId: $id) { ...ConsoleProfileFields }\n}": typeof types.ConsoleLiveProfileDocument,
    "\nquery ConsoleTimeline($id: ID!, $first: Int!, $after: String) {\n  customer(id: $id) {\n    id\n    timeline(first: $first, after: $after) { edges { cursor node { ...ConsoleEvent } } pageInfo { hasNextPage endCursor } }\n  }\n}": typeof types.ConsoleTimelineDocument,
    "\nquery ConsoleSearch($query: String!) {\n  searchCustomers(query: $query, first: 8) { id firstName lastName email }\n}": typeof types.ConsoleSearchDocument,
    "\nsubscription ConsoleActivity($customerId: ID!) {\n  customerActivity(customerId: $customerId) { ...ConsoleEvent }\n}": typeof types.ConsoleActivityDocument,
    "\nquery ConsoleSegments {\n  segments { name description definition size }\n}": typeof types.ConsoleSegmentsDocument,
    "\nquery ConsoleSegmentMembers($name: String!, $first: Int!, $after: String) {\n  segment(name: $name) {\n    name size\n    members(first: $first, after: $after) { edges { cursor node { id firstName lastName } } pageInfo { hasNextPage endCursor } }\n  }\n}": typeof types.ConsoleSegmentMembersDocument,
    "\nfragment ConsoleSegmentChange on SegmentChange { id segment customerId kind at }": typeof types.ConsoleSegmentChangeFragmentDoc,
    "\nsubscription ConsoleSegmentChanges {\n  segmentChanges { ...ConsoleSegmentChange }\n}": typeof types.ConsoleSegmentChangesDocument,
    "\nfragment ConsoleReceipt on ErasureReceipt { customerId requestedAt completedAt rowsRemoved tables }": typeof types.ConsoleReceiptFragmentDoc,
    "\nquery ConsoleErasure($id: ID!) {\n  erasure(customerId: $id) { ...ConsoleReceipt }\n}": typeof types.ConsoleErasureDocument,
    "\nmutation ConsoleErase($id: ID!, $reason: String!) {\n  eraseCustomer(customerId: $id, reason: $reason) { ...ConsoleReceipt }\n}": typeof types.ConsoleEraseDocument,
};
const documents: Documents = {
    "\nfragment ConsoleChannel on ChannelStats { orders items itemsPerOrder amountSpent lastOrderAt }": types.ConsoleChannelFragmentDoc,
    "\nfragment ConsoleEvent on ActivityEvent { customerId type at summary source amount }": types.ConsoleEventFragmentDoc,
    "\nfragment ConsoleProfileFields on Customer {\n  id firstName lastName gender dateOfBirth age email\n  address { street city postcode country }\n  purchaseStats { online { ...ConsoleChannel } instore { ...ConsoleChannel } totalOrders totalItems totalSpent }\n  favouriteProducts(limit: 6) { productName purchases }\n  lastActivity { lastInstoreOrder lastOnlineOrder lastEmailSent lastEmailOpened lastEmailClicked lastWebsiteVisit lastLogin }\n  recentErrors(limit: 5) { message page lastSeen occurrences }\n  segments { segment since }\n  recentActivity: timeline(first: $window) { edges { node { ...ConsoleEvent } } pageInfo { hasNextPage } }\n  recentOrders: timeline(first: $window, types: [ONLINE_ORDER, INSTORE_ORDER]) { edges { node { ...ConsoleEvent } } pageInfo { hasNextPage } }\n}": types.ConsoleProfileFieldsFragmentDoc,
    "\nquery ConsoleProfile($id: ID!, $window: Int!) {\n  customer(id: $id) { ...ConsoleProfileFields }\n}": types.ConsoleProfileDocument,
    "\nsubscription ConsoleLiveProfile($id: ID!, $window: Int!) {\n  customerProfile(customerId: $id) { ...ConsoleProfileFields }\n}": types.ConsoleLiveProfileDocument,
    "\nquery ConsoleTimeline($id: ID!, $first: Int!, $after: String) {\n  customer(id: $id) {\n    id\n    timeline(first: $first, after: $after) { edges { cursor node { ...ConsoleEvent } } pageInfo { hasNextPage endCursor } }\n  }\n}": types.ConsoleTimelineDocument,
    "\nquery ConsoleSearch($query: String!) {\n  searchCustomers(query: $query, first: 8) { id firstName lastName email }\n}": types.ConsoleSearchDocument,
    "\nsubscription ConsoleActivity($customerId: ID!) {\n  customerActivity(customerId: $customerId) { ...ConsoleEvent }\n}": types.ConsoleActivityDocument,
    "\nquery ConsoleSegments {\n  segments { name description definition size }\n}": types.ConsoleSegmentsDocument,
    "\nquery ConsoleSegmentMembers($name: String!, $first: Int!, $after: String) {\n  segment(name: $name) {\n    name size\n    members(first: $first, after: $after) { edges { cursor node { id firstName lastName } } pageInfo { hasNextPage endCursor } }\n  }\n}": types.ConsoleSegmentMembersDocument,
    "\nfragment ConsoleSegmentChange on SegmentChange { id segment customerId kind at }": types.ConsoleSegmentChangeFragmentDoc,
    "\nsubscription ConsoleSegmentChanges {\n  segmentChanges { ...ConsoleSegmentChange }\n}": types.ConsoleSegmentChangesDocument,
    "\nfragment ConsoleReceipt on ErasureReceipt { customerId requestedAt completedAt rowsRemoved tables }": types.ConsoleReceiptFragmentDoc,
    "\nquery ConsoleErasure($id: ID!) {\n  erasure(customerId: $id) { ...ConsoleReceipt }\n}": types.ConsoleErasureDocument,
    "\nmutation ConsoleErase($id: ID!, $reason: String!) {\n  eraseCustomer(customerId: $id, reason: $reason) { ...ConsoleReceipt }\n}": types.ConsoleEraseDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\nfragment ConsoleChannel on ChannelStats { orders items itemsPerOrder amountSpent lastOrderAt }"): typeof import('./graphql').ConsoleChannelFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\nfragment ConsoleEvent on ActivityEvent { customerId type at summary source amount }"): typeof import('./graphql').ConsoleEventFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\nfragment ConsoleProfileFields on Customer {\n  id firstName lastName gender dateOfBirth age email\n  address { street city postcode country }\n  purchaseStats { online { ...ConsoleChannel } instore { ...ConsoleChannel } totalOrders totalItems totalSpent }\n  favouriteProducts(limit: 6) { productName purchases }\n  lastActivity { lastInstoreOrder lastOnlineOrder lastEmailSent lastEmailOpened lastEmailClicked lastWebsiteVisit lastLogin }\n  recentErrors(limit: 5) { message page lastSeen occurrences }\n  segments { segment since }\n  recentActivity: timeline(first: $window) { edges { node { ...ConsoleEvent } } pageInfo { hasNextPage } }\n  recentOrders: timeline(first: $window, types: [ONLINE_ORDER, INSTORE_ORDER]) { edges { node { ...ConsoleEvent } } pageInfo { hasNextPage } }\n}"): typeof import('./graphql').ConsoleProfileFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\nquery ConsoleProfile($id: ID!, $window: Int!) {\n  customer(id: $id) { ...ConsoleProfileFields }\n}"): typeof import('./graphql').ConsoleProfileDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\nsubscription ConsoleLiveProfile($id: ID!, $window: Int!) {\n  customerProfile(customerId: $id) { ...ConsoleProfileFields }\n}"): typeof import('./graphql').ConsoleLiveProfileDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\nquery ConsoleTimeline($id: ID!, $first: Int!, $after: String) {\n  customer(id: $id) {\n    id\n    timeline(first: $first, after: $after) { edges { cursor node { ...ConsoleEvent } } pageInfo { hasNextPage endCursor } }\n  }\n}"): typeof import('./graphql').ConsoleTimelineDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\nquery ConsoleSearch($query: String!) {\n  searchCustomers(query: $query, first: 8) { id firstName lastName email }\n}"): typeof import('./graphql').ConsoleSearchDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\nsubscription ConsoleActivity($customerId: ID!) {\n  customerActivity(customerId: $customerId) { ...ConsoleEvent }\n}"): typeof import('./graphql').ConsoleActivityDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\nquery ConsoleSegments {\n  segments { name description definition size }\n}"): typeof import('./graphql').ConsoleSegmentsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\nquery ConsoleSegmentMembers($name: String!, $first: Int!, $after: String) {\n  segment(name: $name) {\n    name size\n    members(first: $first, after: $after) { edges { cursor node { id firstName lastName } } pageInfo { hasNextPage endCursor } }\n  }\n}"): typeof import('./graphql').ConsoleSegmentMembersDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\nfragment ConsoleSegmentChange on SegmentChange { id segment customerId kind at }"): typeof import('./graphql').ConsoleSegmentChangeFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\nsubscription ConsoleSegmentChanges {\n  segmentChanges { ...ConsoleSegmentChange }\n}"): typeof import('./graphql').ConsoleSegmentChangesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\nfragment ConsoleReceipt on ErasureReceipt { customerId requestedAt completedAt rowsRemoved tables }"): typeof import('./graphql').ConsoleReceiptFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\nquery ConsoleErasure($id: ID!) {\n  erasure(customerId: $id) { ...ConsoleReceipt }\n}"): typeof import('./graphql').ConsoleErasureDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\nmutation ConsoleErase($id: ID!, $reason: String!) {\n  eraseCustomer(customerId: $id, reason: $reason) { ...ConsoleReceipt }\n}"): typeof import('./graphql').ConsoleEraseDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
