/** The operations GraphiQL opens with: one tab each for a full profile, a search, live activity, segments and the live profile. */
export interface ExampleTab {
  query: string;
  variables: string;
}

const FULL_PROFILE = `# A customer's full profile, as the dashboard shows it.
query FullProfile($id: ID!) {
  customer(id: $id) {
    id
    firstName
    lastName
    gender
    dateOfBirth
    age
    email
    address { street city postcode country }
    purchaseStats {
      online { ...ChannelStats }
      instore { ...ChannelStats }
      totalOrders
      totalItems
      totalSpent
    }
    favouriteProducts(limit: 5) { productName purchases }
    lastActivity {
      lastInstoreOrder
      lastOnlineOrder
      lastEmailSent
      lastEmailOpened
      lastEmailClicked
      lastWebsiteVisit
      lastLogin
    }
    recentErrors(limit: 5) { message page lastSeen occurrences }
    timeline(first: 10) {
      edges { cursor node { type at summary source } }
      pageInfo { hasNextPage endCursor }
    }
  }
}

fragment ChannelStats on ChannelStats {
  orders
  items
  itemsPerOrder
  amountSpent
  lastOrderAt
}
`;

const SEARCH = `# Find customers by id, email or name (case-insensitive).
query SearchCustomers($query: String!) {
  searchCustomers(query: $query, first: 10) {
    id
    firstName
    lastName
    email
  }
}
`;

const ACTIVITY = `# Live activity for one customer (graphql-ws).
# Run it, then watch events arrive as they are ingested.
subscription CustomerActivity($customerId: ID!) {
  customerActivity(customerId: $customerId) {
    customerId
    type
    at
    summary
    source
  }
}
`;

const SEGMENTS = `# The segments of SEGMENTS_FILE, each with its size and first members,
# and the segments this customer is in.
query Segments($id: ID!) {
  segments {
    name
    description
    definition
    size
    members(first: 5) { edges { node { id } } pageInfo { hasNextPage endCursor } }
  }
  customer(id: $id) { segments { segment since } }
}

# Entries and exits as they happen (graphql-ws); both arguments are optional.
subscription SegmentChanges {
  segmentChanges { id segment customerId kind at }
}
`;

const LIVE_PROFILE = `# The profile again after every commit that touched the customer (graphql-ws).
# Any selection of Customer works; run it, then watch it change as records are ingested.
subscription LiveProfile($customerId: ID!) {
  customerProfile(customerId: $customerId) {
    id
    purchaseStats { totalOrders totalSpent }
    lastActivity { lastWebsiteVisit lastOnlineOrder lastInstoreOrder }
    timeline(first: 3) { edges { node { type at summary } } }
  }
}
`;

const json = (value: unknown) => JSON.stringify(value, null, 2);

export function exampleTabs(customerId: string): ExampleTab[] {
  return [
    { query: FULL_PROFILE, variables: json({ id: customerId }) },
    { query: SEARCH, variables: json({ query: customerId }) },
    { query: ACTIVITY, variables: json({ customerId }) },
    { query: SEGMENTS, variables: json({ id: customerId }) },
    { query: LIVE_PROFILE, variables: json({ customerId }) },
  ];
}
