// The bench customers: five seeded log-normal customer types of a retailer, the same on every
// run, stored in customer_features as an import would. Shared by run.mjs and run-memory.mjs.
import { randomUUID } from "node:crypto";

export const FEATURES = [
  "recency_days",
  "orders",
  "revenue",
  "avg_basket",
  "tenure_days",
  "categories",
  "return_rate",
  "discount_share",
];

/** mulberry32 + Box-Muller: the same customers on every run. */
function random(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
  return { next, normal };
}

// Five customer types of a retailer, each a log-normal cloud around its own profile.
const TYPES = [
  {
    share: 0.35,
    recency: 20,
    orders: 12,
    basket: 45,
    tenure: 700,
    categories: 5,
    returns: 0.04,
    discount: 0.1,
  },
  {
    share: 0.25,
    recency: 150,
    orders: 3,
    basket: 30,
    tenure: 400,
    categories: 2,
    returns: 0.02,
    discount: 0.45,
  },
  {
    share: 0.2,
    recency: 60,
    orders: 5,
    basket: 120,
    tenure: 300,
    categories: 3,
    returns: 0.12,
    discount: 0.05,
  },
  {
    share: 0.15,
    recency: 300,
    orders: 1.5,
    basket: 35,
    tenure: 900,
    categories: 1,
    returns: 0.01,
    discount: 0.2,
  },
  {
    share: 0.05,
    recency: 7,
    orders: 60,
    basket: 800,
    tenure: 1100,
    categories: 9,
    returns: 0.03,
    discount: 0.02,
  },
];

function customerFeatures(r) {
  const u = r.next();
  let cumulative = 0;
  const type =
    TYPES.find((t) => {
      cumulative += t.share;
      return u < cumulative;
    }) ?? TYPES[0];
  const ln = (v, s = 0.35) => v * Math.exp(s * r.normal());
  const orders = Math.max(1, Math.round(ln(type.orders)));
  const basket = ln(type.basket);
  return {
    recency_days: Math.round(ln(type.recency)),
    orders,
    revenue: Math.round(orders * basket * 100) / 100,
    avg_basket: Math.round(basket * 100) / 100,
    tenure_days: Math.round(ln(type.tenure, 0.2)),
    categories: Math.max(1, Math.round(ln(type.categories, 0.3))),
    return_rate: Math.min(1, ln(type.returns, 0.5)),
    discount_share: Math.min(1, ln(type.discount, 0.3)),
  };
}

export async function seedCustomers(database, tenantId, userId, customers) {
  await database.query("insert into tenants (id, slug, name) values ($1, 'bench', 'Bench Retail')", [
    tenantId,
  ]);
  await database.query(
    "insert into users (id, email, name, password_hash) values ($1, 'bench@example.com', 'Bench', 'x')",
    [userId],
  );
  await database.query("insert into memberships (tenant_id, user_id, role) values ($1, $2, 'owner')", [
    tenantId,
    userId,
  ]);
  const r = random(42);
  for (let start = 0; start < customers; start += 10_000) {
    const ids = [];
    const ext = [];
    const features = [];
    for (let i = start; i < Math.min(customers, start + 10_000); i++) {
      ids.push(randomUUID());
      ext.push(`C${i + 1}`);
      features.push(JSON.stringify(customerFeatures(r)));
    }
    await database.query(
      "insert into customers (id, tenant_id, external_id) select u.id, $1, u.e from unnest($2::uuid[], $3::text[]) u(id, e)",
      [tenantId, ids, ext],
    );
    await database.query(
      "insert into customer_features (customer_id, tenant_id, features) select u.id, $1, u.f from unnest($2::uuid[], $3::jsonb[]) u(id, f)",
      [tenantId, ids, features],
    );
  }
  await database.query("analyze");
}
