/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** YYYY-MM-DD */
  Date: { input: string; output: string; }
  /** ISO-8601 UTC with milliseconds, e.g. 2024-05-01T10:00:00.000Z */
  DateTime: { input: string; output: string; }
};

export type ActivityConnection = {
  __typename?: 'ActivityConnection';
  edges: Array<ActivityEdge>;
  pageInfo: PageInfo;
};

export type ActivityEdge = {
  __typename?: 'ActivityEdge';
  cursor: Scalars['String']['output'];
  node: ActivityEvent;
};

export type ActivityEvent = {
  __typename?: 'ActivityEvent';
  at: Scalars['DateTime']['output'];
  customerId: Scalars['ID']['output'];
  source: Scalars['String']['output'];
  summary: Scalars['String']['output'];
  type: ActivityType;
};

export type ActivityType =
  | 'EMAIL_SENT'
  | 'INSTORE_ORDER'
  | 'LOGIN'
  | 'ONLINE_ORDER'
  | 'WEBSITE_ERROR'
  | 'WEBSITE_VISIT';

export type Address = {
  __typename?: 'Address';
  city: Maybe<Scalars['String']['output']>;
  country: Maybe<Scalars['String']['output']>;
  postcode: Maybe<Scalars['String']['output']>;
  street: Maybe<Scalars['String']['output']>;
};

export type ChannelStats = {
  __typename?: 'ChannelStats';
  amountSpent: Scalars['Float']['output'];
  items: Scalars['Int']['output'];
  itemsPerOrder: Scalars['Float']['output'];
  lastOrderAt: Maybe<Scalars['DateTime']['output']>;
  orders: Scalars['Int']['output'];
};

export type Customer = {
  __typename?: 'Customer';
  address: Maybe<Address>;
  age: Maybe<Scalars['Int']['output']>;
  dateOfBirth: Maybe<Scalars['Date']['output']>;
  email: Maybe<Scalars['String']['output']>;
  favouriteProducts: Array<FavouriteProduct>;
  firstName: Maybe<Scalars['String']['output']>;
  gender: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  lastActivity: LastActivity;
  lastName: Maybe<Scalars['String']['output']>;
  purchaseStats: PurchaseStats;
  recentErrors: Array<WebError>;
  timeline: ActivityConnection;
};


export type CustomerFavouriteProductsArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
};


export type CustomerRecentErrorsArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
};


export type CustomerTimelineArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  types: InputMaybe<Array<ActivityType>>;
};

export type FavouriteProduct = {
  __typename?: 'FavouriteProduct';
  productName: Scalars['String']['output'];
  purchases: Scalars['Int']['output'];
};

export type LastActivity = {
  __typename?: 'LastActivity';
  lastEmailClicked: Maybe<Scalars['DateTime']['output']>;
  lastEmailOpened: Maybe<Scalars['DateTime']['output']>;
  lastEmailSent: Maybe<Scalars['DateTime']['output']>;
  lastInstoreOrder: Maybe<Scalars['DateTime']['output']>;
  lastLogin: Maybe<Scalars['DateTime']['output']>;
  lastOnlineOrder: Maybe<Scalars['DateTime']['output']>;
  lastWebsiteVisit: Maybe<Scalars['DateTime']['output']>;
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export type PurchaseStats = {
  __typename?: 'PurchaseStats';
  instore: ChannelStats;
  online: ChannelStats;
  totalItems: Scalars['Int']['output'];
  totalOrders: Scalars['Int']['output'];
  totalSpent: Scalars['Float']['output'];
};

export type Query = {
  __typename?: 'Query';
  customer: Maybe<Customer>;
  customers: Array<Maybe<Customer>>;
  searchCustomers: Array<Customer>;
};


export type QueryCustomerArgs = {
  id: Scalars['ID']['input'];
};


export type QueryCustomersArgs = {
  ids: Array<Scalars['ID']['input']>;
};


export type QuerySearchCustomersArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  query: Scalars['String']['input'];
};

export type Subscription = {
  __typename?: 'Subscription';
  customerActivity: ActivityEvent;
};


export type SubscriptionCustomerActivityArgs = {
  customerId: Scalars['ID']['input'];
  types: InputMaybe<Array<ActivityType>>;
};

export type WebError = {
  __typename?: 'WebError';
  lastSeen: Scalars['DateTime']['output'];
  message: Scalars['String']['output'];
  occurrences: Scalars['Int']['output'];
  page: Scalars['String']['output'];
};

export type ActivityType =
  | 'EMAIL_SENT'
  | 'INSTORE_ORDER'
  | 'LOGIN'
  | 'ONLINE_ORDER'
  | 'WEBSITE_ERROR'
  | 'WEBSITE_VISIT';

export type ChannelStatsFieldsFragment = { orders: number, items: number, itemsPerOrder: number, amountSpent: number, lastOrderAt: string | null };

export type FullProfileQueryVariables = Exact<{
  id: string | number;
  favourites: number | null | undefined;
  errors: number | null | undefined;
  first: number | null | undefined;
  after: string | null | undefined;
  types: Array<ActivityType> | ActivityType | null | undefined;
}>;


export type FullProfileQuery = { customer: { id: string, firstName: string | null, lastName: string | null, gender: string | null, dateOfBirth: string | null, age: number | null, email: string | null, address: { street: string | null, city: string | null, postcode: string | null, country: string | null } | null, purchaseStats: { totalOrders: number, totalItems: number, totalSpent: number, online: { orders: number, items: number, itemsPerOrder: number, amountSpent: number, lastOrderAt: string | null }, instore: { orders: number, items: number, itemsPerOrder: number, amountSpent: number, lastOrderAt: string | null } }, favouriteProducts: Array<{ productName: string, purchases: number }>, lastActivity: { lastInstoreOrder: string | null, lastOnlineOrder: string | null, lastEmailSent: string | null, lastEmailOpened: string | null, lastEmailClicked: string | null, lastWebsiteVisit: string | null, lastLogin: string | null }, timeline: { edges: Array<{ cursor: string, node: { customerId: string, type: ActivityType, at: string, summary: string, source: string } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } }, recentErrors: Array<{ message: string, page: string, lastSeen: string, occurrences: number }> } | null };

export type ManyProfilesQueryVariables = Exact<{
  ids: Array<string | number> | string | number;
}>;


export type ManyProfilesQuery = { customers: Array<{ id: string, firstName: string | null, age: number | null, purchaseStats: { totalOrders: number, totalItems: number, totalSpent: number, online: { lastOrderAt: string | null } }, favouriteProducts: Array<{ productName: string, purchases: number }>, lastActivity: { lastEmailSent: string | null, lastLogin: string | null, lastWebsiteVisit: string | null }, timeline: { edges: Array<{ node: { type: ActivityType, at: string } }>, pageInfo: { hasNextPage: boolean } }, recentErrors: Array<{ message: string, occurrences: number }> } | null> };

export type SearchCustomersQueryVariables = Exact<{
  query: string;
  first: number | null | undefined;
}>;


export type SearchCustomersQuery = { searchCustomers: Array<{ id: string, firstName: string | null, lastName: string | null, email: string | null }> };

export type CustomerActivitySubscriptionVariables = Exact<{
  customerId: string | number;
  types: Array<ActivityType> | ActivityType | null | undefined;
}>;


export type CustomerActivitySubscription = { customerActivity: { customerId: string, type: ActivityType, at: string, summary: string, source: string } };

export const ChannelStatsFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ChannelStatsFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ChannelStats"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"orders"}},{"kind":"Field","name":{"kind":"Name","value":"items"}},{"kind":"Field","name":{"kind":"Name","value":"itemsPerOrder"}},{"kind":"Field","name":{"kind":"Name","value":"amountSpent"}},{"kind":"Field","name":{"kind":"Name","value":"lastOrderAt"}}]}}]} as unknown as DocumentNode<ChannelStatsFieldsFragment, unknown>;
export const FullProfileDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"FullProfile"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"favourites"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"errors"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"types"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ActivityType"}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}},{"kind":"Field","name":{"kind":"Name","value":"gender"}},{"kind":"Field","name":{"kind":"Name","value":"dateOfBirth"}},{"kind":"Field","name":{"kind":"Name","value":"age"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"address"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"street"}},{"kind":"Field","name":{"kind":"Name","value":"city"}},{"kind":"Field","name":{"kind":"Name","value":"postcode"}},{"kind":"Field","name":{"kind":"Name","value":"country"}}]}},{"kind":"Field","name":{"kind":"Name","value":"purchaseStats"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"online"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ChannelStatsFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"instore"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ChannelStatsFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"totalOrders"}},{"kind":"Field","name":{"kind":"Name","value":"totalItems"}},{"kind":"Field","name":{"kind":"Name","value":"totalSpent"}}]}},{"kind":"Field","name":{"kind":"Name","value":"favouriteProducts"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"favourites"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"productName"}},{"kind":"Field","name":{"kind":"Name","value":"purchases"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lastActivity"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lastInstoreOrder"}},{"kind":"Field","name":{"kind":"Name","value":"lastOnlineOrder"}},{"kind":"Field","name":{"kind":"Name","value":"lastEmailSent"}},{"kind":"Field","name":{"kind":"Name","value":"lastEmailOpened"}},{"kind":"Field","name":{"kind":"Name","value":"lastEmailClicked"}},{"kind":"Field","name":{"kind":"Name","value":"lastWebsiteVisit"}},{"kind":"Field","name":{"kind":"Name","value":"lastLogin"}}]}},{"kind":"Field","name":{"kind":"Name","value":"timeline"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"types"},"value":{"kind":"Variable","name":{"kind":"Name","value":"types"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customerId"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"source"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"recentErrors"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"errors"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"page"}},{"kind":"Field","name":{"kind":"Name","value":"lastSeen"}},{"kind":"Field","name":{"kind":"Name","value":"occurrences"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ChannelStatsFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ChannelStats"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"orders"}},{"kind":"Field","name":{"kind":"Name","value":"items"}},{"kind":"Field","name":{"kind":"Name","value":"itemsPerOrder"}},{"kind":"Field","name":{"kind":"Name","value":"amountSpent"}},{"kind":"Field","name":{"kind":"Name","value":"lastOrderAt"}}]}}]} as unknown as DocumentNode<FullProfileQuery, FullProfileQueryVariables>;
export const ManyProfilesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ManyProfiles"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ids"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ids"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ids"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"age"}},{"kind":"Field","name":{"kind":"Name","value":"purchaseStats"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalOrders"}},{"kind":"Field","name":{"kind":"Name","value":"totalItems"}},{"kind":"Field","name":{"kind":"Name","value":"totalSpent"}},{"kind":"Field","name":{"kind":"Name","value":"online"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lastOrderAt"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"favouriteProducts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"productName"}},{"kind":"Field","name":{"kind":"Name","value":"purchases"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lastActivity"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lastEmailSent"}},{"kind":"Field","name":{"kind":"Name","value":"lastLogin"}},{"kind":"Field","name":{"kind":"Name","value":"lastWebsiteVisit"}}]}},{"kind":"Field","name":{"kind":"Name","value":"timeline"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"3"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"recentErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"occurrences"}}]}}]}}]}}]} as unknown as DocumentNode<ManyProfilesQuery, ManyProfilesQueryVariables>;
export const SearchCustomersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SearchCustomers"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"query"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"searchCustomers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"query"},"value":{"kind":"Variable","name":{"kind":"Name","value":"query"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}}]} as unknown as DocumentNode<SearchCustomersQuery, SearchCustomersQueryVariables>;
export const CustomerActivityDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"CustomerActivity"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"types"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ActivityType"}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customerActivity"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"customerId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}}},{"kind":"Argument","name":{"kind":"Name","value":"types"},"value":{"kind":"Variable","name":{"kind":"Name","value":"types"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customerId"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"source"}}]}}]}}]} as unknown as DocumentNode<CustomerActivitySubscription, CustomerActivitySubscriptionVariables>;