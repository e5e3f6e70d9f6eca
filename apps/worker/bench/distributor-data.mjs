// The distributor the cost-to-serve and scenario benchmarks share: customers, order lines and
// activity events written inside PostgreSQL with seeded hash expressions (the same on every run).
import { randomUUID } from "node:crypto";

/** A seeded uniform [0, 1) in SQL: a hash of (i, salt), the same on every run and every plan. */
export const u = (i, salt) =>
  `((hashint8extended((${i})::bigint, ${salt}) & 4503599627370495)::float8 / 4503599627370496.0)`;
const money = (expr) => `round((${expr})::numeric, 2)::float8`;

/**
 * Writes `customers` customers (uuid md5('cust' || k), external id C<k>), about `lines` order lines
 * and their activity events into a fresh workspace `bench` owned by `userId`.
 */
export async function seedDistributor(database, tenantId, userId, { customers: CUSTOMERS, lines: LINES }) {
  await database.query("insert into tenants (id, slug, name) values ($1, 'bench', 'Bench Distribution')", [
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
  const t = `'${tenantId}'::uuid`;
  const dataset = `'${randomUUID()}'::uuid`;
  // Customer k has the uuid md5('cust' || k): the lines name it without a join. Foreign keys are
  // not checked while loading (session_replication_role = replica; every line's customer exists by
  // construction), as a bulk load would; the indexes are maintained.
  await database.query(`
    insert into customers (id, tenant_id, external_id)
    select md5('cust' || k)::uuid, ${t}, 'C' || k from generate_series(1, ${CUSTOMERS}) k`);
  // Orders of 1 to 5 lines (3 on average). Every customer has an order; the others go to customers
  // drawn with a skew (a few big accounts, a long tail). A customer has a channel for most of its
  // orders, a region and a drop distance; EDI (store replenishment) orders of a week share one drop,
  // other orders are their own drop. Products have a price and a cost; ~3% of lines are returns.
  const orders = Math.ceil((LINES / 3) * 1.1) + CUSTOMERS;
  await database.query(`
    set session_replication_role = replica;
    insert into order_lines (tenant_id, dataset_id, customer_id, line_key, order_id, ordered_at,
      quantity, unit_price, unit_cost, discount, product, category, channel, region, weight,
      delivery_id, distance)
    select ${t}, ${dataset}, md5('cust' || o.c)::uuid, md5('line' || l.g)::uuid, 'O' || o.o,
      timestamptz '2024-01-01 00:00:00+00' + o.day * interval '1 day',
      l.q, l.price, ${money("l.price * (0.5 + 0.3 * " + u("l.p", 21) + ")")},
      case when ${u("l.g", 8)} < 0.1 then ${money("abs(l.q) * l.price * 0.05")} end,
      'P' || l.p, 'cat' || (l.p % 40), o.channel, o.region,
      ${money("abs(l.q) * (0.1 + 3 * " + u("l.p", 22) + ")")},
      case when o.channel = 'edi' then 'W' || (o.day / 7) end,
      o.distance
    from (
      select o, c, n, day, start,
        case when ${u("o", 3)} < 0.85
          then (array['web', 'edi', 'phone', 'field sales'])[1 + floor(4 * ${u("c", 10)})::int]
          else 'web' end as channel,
        (array['north', 'south', 'east', 'west'])[1 + floor(4 * ${u("c", 11)})::int] as region,
        ${money("3 + 120 * power(" + u("c", 12) + ", 2)")} as distance
      from (
        select o, c, n, day, sum(n) over (order by o) - n as start
        from (
          select o,
            case when o <= ${CUSTOMERS} then o
              else 1 + floor(${CUSTOMERS} * power(${u("o", 2)}, 2))::int end as c,
            1 + floor(5 * ${u("o", 1)})::int as n,
            floor(365 * ${u("o", 4)})::int as day
          from generate_series(1, ${orders}) o
        ) o0
      ) o1
      where start < ${LINES}
    ) o
    cross join lateral (
      select g, p, price,
        (1 + floor(24 * power(${u("g", 6)}, 2)))::float8 * (case when ${u("g", 7)} < 0.03 then -1 else 1 end) as q
      from (
        select o.start + k as g, 1 + floor(5000 * power(${u("o.start + k", 5)}, 1.5))::int as p
        from generate_series(1, o.n) k
        where o.start + k <= ${LINES}
      ) l0
      cross join lateral (select ${money("2 + 80 * power(" + u("l0.p", 20) + ", 2)")} as price) pr
    ) l;
    set session_replication_role = origin`);
  // Activity events: a third of the customers get sales visits (one row a visit), one in seven
  // expedites, every one its payment terms.
  await database.query(`
    set session_replication_role = replica;
    insert into activity_events (tenant_id, dataset_id, customer_id, event_key, activity, quantity, occurred_on)
    select ${t}, ${dataset}, md5('cust' || k)::uuid, md5('ev' || k || '-' || a || '-' || v)::uuid, a, q,
      date '2024-01-01' + (floor(365 * ${u("k * 10 + v", 40)}))::int
    from (
      select k, 'sales visit' as a, v, 1::float8 as q
      from generate_series(1, ${CUSTOMERS}) k
      cross join lateral generate_series(1, 1 + floor(6 * ${u("k", 30)})::int) v
      where ${u("k", 31)} < 0.33
      union all
      select k, 'expedite', 1, 1 + floor(4 * ${u("k", 32)}) from generate_series(1, ${CUSTOMERS}) k
      where ${u("k", 33)} < 0.15
      union all
      select k, 'payment_terms_days', 1, 30 + 15 * floor(4 * ${u("k", 34)})
      from generate_series(1, ${CUSTOMERS}) k
    ) e;
    set session_replication_role = origin`);
  await database.query("vacuum (analyze) customers, order_lines, activity_events");
}
