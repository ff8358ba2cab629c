/** A fashion retailer's catalogue: names as the shop writes them (mixed case), prices in the shop's unit. */
export const PRODUCTS: ReadonlyArray<{ name: string; price: number }> = [
  { name: 'Slim Fit Jeans', price: 49.99 },
  { name: 'Relaxed Chinos', price: 39.5 },
  { name: 'Linen Shirt', price: 34.0 },
  { name: 'Oxford Shirt', price: 29.99 },
  { name: 'Merino Jumper', price: 59.0 },
  { name: 'Cable Knit Cardigan', price: 64.0 },
  { name: 'Crew Neck T-Shirt', price: 12.99 },
  { name: 'Graphic Tee', price: 17.5 },
  { name: 'Hooded Sweatshirt', price: 38.0 },
  { name: 'Puffer Jacket', price: 119.0 },
  { name: 'Trench Coat', price: 149.0 },
  { name: 'Denim Jacket', price: 69.99 },
  { name: 'Leather Belt', price: 24.0 },
  { name: 'Wool Scarf', price: 22.5 },
  { name: 'Beanie Hat', price: 14.0 },
  { name: 'Running Trainers', price: 89.0 },
  { name: 'Chelsea Boots', price: 110.0 },
  { name: 'Canvas Sneakers', price: 45.0 },
  { name: 'Midi Dress', price: 55.0 },
  { name: 'Wrap Dress', price: 62.0 },
  { name: 'Pleated Skirt', price: 36.0 },
  { name: 'High Waist Leggings', price: 27.0 },
  { name: 'Silk Blouse', price: 74.0 },
  { name: 'Tailored Blazer', price: 129.0 },
  { name: 'Swim Shorts', price: 21.0 },
  { name: 'Sports Bra', price: 26.0 },
  { name: 'Ankle Socks 5-Pack', price: 9.99 },
  { name: 'Tote Bag', price: 30.0 },
  { name: 'Crossbody Bag', price: 58.0 },
  { name: 'Aviator Sunglasses', price: 42.0 },
];

export const STORES: ReadonlyArray<{ id: string; city: string }> = [
  { id: 'LDN-01', city: 'London' },
  { id: 'MAN-01', city: 'Manchester' },
  { id: 'EDI-01', city: 'Edinburgh' },
  { id: 'BRS-01', city: 'Bristol' },
  { id: 'DUB-01', city: 'Dublin' },
  { id: 'PAR-01', city: 'Paris' },
];

export const PAGES = [
  'home.html',
  'search.html',
  'product.html',
  'category_women.html',
  'category_men.html',
  'sale.html',
  'basket.html',
  'checkout.html',
  'account.html',
  'login_success.html',
] as const;

/** Pages that sometimes fail, with what they fail with. */
export const FAILURES: ReadonlyArray<{ page: string; message: string }> = [
  { page: 'checkout.html', message: 'Payment provider timeout' },
  { page: 'checkout.html', message: 'Card declined' },
  { page: 'basket.html', message: 'Item out of stock' },
  { page: 'login.html', message: 'Invalid password' },
  { page: 'account.html', message: '500 Internal Server Error' },
  { page: 'search.html', message: 'Search service unavailable' },
];
