/**
 * The dashboard's operations. Their result and variable types, and the manifest of trusted documents the
 * gateway loads, are generated from them (`npm run codegen`, src/generated/console).
 */
import { graphql } from '../../generated/console';
import type {
  ActivityType as GeneratedActivityType,
  ConsoleChannelFragment,
  ConsoleEventFragment,
  ConsoleProfileQuery,
  ConsoleReceiptFragment,
  ConsoleSearchQuery,
  ConsoleSegmentChangeFragment,
  ConsoleSegmentMembersQuery,
  ConsoleSegmentsQuery,
  ConsoleTimelineQuery,
} from '../../generated/console/graphql';

export type ActivityType = GeneratedActivityType;
export type ActivityEvent = ConsoleEventFragment;
export type ChannelStats = ConsoleChannelFragment;
export type Profile = NonNullable<ConsoleProfileQuery['customer']>;
export type LastActivity = Profile['lastActivity'];
export type TimelinePage = NonNullable<ConsoleTimelineQuery['customer']>['timeline'];
export type SearchHit = ConsoleSearchQuery['searchCustomers'][number];
export type SegmentSummary = ConsoleSegmentsQuery['segments'][number];
export type SegmentMembers = NonNullable<ConsoleSegmentMembersQuery['segment']>['members'];
export type SegmentChange = ConsoleSegmentChangeFragment;
export type Receipt = ConsoleReceiptFragment;

/** How many events the charts summarise (the gateway's default MAX_FIRST). */
export const CHART_WINDOW = 100;
export const TIMELINE_PAGE = 15;

graphql(`
fragment ConsoleChannel on ChannelStats { orders items itemsPerOrder amountSpent lastOrderAt }`);

graphql(`
fragment ConsoleEvent on ActivityEvent { customerId type at summary source amount }`);

graphql(`
fragment ConsoleProfileFields on Customer {
  id firstName lastName gender dateOfBirth age email
  address { street city postcode country }
  purchaseStats { online { ...ConsoleChannel } instore { ...ConsoleChannel } totalOrders totalItems totalSpent }
  favouriteProducts(limit: 6) { productName purchases }
  lastActivity { lastInstoreOrder lastOnlineOrder lastEmailSent lastEmailOpened lastEmailClicked lastWebsiteVisit lastLogin }
  recentErrors(limit: 5) { message page lastSeen occurrences }
  segments { segment since }
  recentActivity: timeline(first: $window) { edges { node { ...ConsoleEvent } } pageInfo { hasNextPage } }
  recentOrders: timeline(first: $window, types: [ONLINE_ORDER, INSTORE_ORDER]) { edges { node { ...ConsoleEvent } } pageInfo { hasNextPage } }
}`);

export const PROFILE_QUERY = graphql(`
query ConsoleProfile($id: ID!, $window: Int!) {
  customer(id: $id) { ...ConsoleProfileFields }
}`);

/** The same profile, pushed again after every commit that touched the customer. */
export const PROFILE_SUBSCRIPTION = graphql(`
subscription ConsoleLiveProfile($id: ID!, $window: Int!) {
  customerProfile(customerId: $id) { ...ConsoleProfileFields }
}`);

export const TIMELINE_QUERY = graphql(`
query ConsoleTimeline($id: ID!, $first: Int!, $after: String) {
  customer(id: $id) {
    id
    timeline(first: $first, after: $after) { edges { cursor node { ...ConsoleEvent } } pageInfo { hasNextPage endCursor } }
  }
}`);

export const SEARCH_QUERY = graphql(`
query ConsoleSearch($query: String!) {
  searchCustomers(query: $query, first: 8) { id firstName lastName email }
}`);

export const ACTIVITY_SUBSCRIPTION = graphql(`
subscription ConsoleActivity($customerId: ID!) {
  customerActivity(customerId: $customerId) { ...ConsoleEvent }
}`);

export const SEGMENTS_QUERY = graphql(`
query ConsoleSegments {
  segments { name description definition size }
}`);

export const SEGMENT_MEMBERS_QUERY = graphql(`
query ConsoleSegmentMembers($name: String!, $first: Int!, $after: String) {
  segment(name: $name) {
    name size
    members(first: $first, after: $after) { edges { cursor node { id firstName lastName } } pageInfo { hasNextPage endCursor } }
  }
}`);

graphql(`
fragment ConsoleSegmentChange on SegmentChange { id segment customerId kind at }`);

export const SEGMENT_CHANGES_SUBSCRIPTION = graphql(`
subscription ConsoleSegmentChanges {
  segmentChanges { ...ConsoleSegmentChange }
}`);

graphql(`
fragment ConsoleReceipt on ErasureReceipt { customerId requestedAt completedAt rowsRemoved tables }`);

/** The privacy role's: whether (and how far) the customer was erased. Other roles get FORBIDDEN. */
export const ERASURE_QUERY = graphql(`
query ConsoleErasure($id: ID!) {
  erasure(customerId: $id) { ...ConsoleReceipt }
}`);

export const ERASE_MUTATION = graphql(`
mutation ConsoleErase($id: ID!, $reason: String!) {
  eraseCustomer(customerId: $id, reason: $reason) { ...ConsoleReceipt }
}`);
