import type { CostLines } from "../cost-to-serve/drivers.js";
import { CoreInputError } from "../errors.js";
import { isoWeekday, isoWeekIndex } from "./weeks.js";

export interface RebatchOptions {
  /** Drops per ISO week the policy allows: a whole number, at least 1. */
  readonly dropsPerWeek: number;
  /** Customer ids to re-batch; default every customer. Ids with no lines are ignored. */
  readonly customers?: ReadonlySet<string>;
}

export interface MergeSmallOrdersOptions {
  /** Net value (quantity × price − discount over sales lines) an order must reach. */
  readonly minOrderValue: number;
  /** Customer ids the minimum applies to; default every customer. */
  readonly customers?: ReadonlySet<string>;
}

function affectedCustomers(lines: CostLines, customers: ReadonlySet<string> | undefined): Uint8Array {
  const out = new Uint8Array(lines.customerIds.length);
  lines.customerIds.forEach((id, c) => {
    out[c] = customers === undefined || customers.has(id) ? 1 : 0;
  });
  return out;
}

function undated(row: number): never {
  throw new CoreInputError(`order line ${row}: ordered_at is missing; re-batching needs the order date`, {
    row,
    field: "ordered_at",
  });
}

/** Renumbers codes 0..k-1 in order of first appearance; returns the count. */
function compact(codes: Int32Array): number {
  const map = new Map<number, number>();
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    let next = map.get(c);
    if (next === undefined) {
      next = map.size;
      map.set(c, next);
    }
    codes[i] = next;
  }
  return map.size;
}

/**
 * The lines as they would have been delivered at most `dropsPerWeek` times per ISO week: each
 * affected customer's week is cut into `dropsPerWeek` equal slots of days (Monday first; 2 drops:
 * Monday–Thursday and Friday–Sunday), and every sales line ordered in a slot goes on that slot's one
 * drop. Orders stay as they are (each is still handled); only drops merge, so the same units come in
 * fewer, larger drops. A merged drop keeps the distance of its first line (file order) that gives
 * one. Return lines keep their delivery (the engine counts drops on sales lines only). Other
 * customers' lines are unchanged. The result shares every column but `delivery` and `distance`.
 */
export function rebatchDeliveries(lines: CostLines, options: RebatchOptions): CostLines {
  const k = options.dropsPerWeek;
  if (!Number.isInteger(k) || k < 1)
    throw new CoreInputError(`dropsPerWeek: must be a whole number of at least 1, got ${k}`, {
      field: "dropsPerWeek",
    });
  const affected = affectedCustomers(lines, options.customers);
  const m = lines.customer.length;
  const { customer, quantity, time } = lines;
  const slotOf = new Float64Array(m).fill(Number.NaN);
  let minSlot = Number.POSITIVE_INFINITY;
  let maxSlot = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < m; i++) {
    if (affected[customer[i]!] === 0 || quantity[i]! < 0) continue;
    const t = time[i]!;
    if (Number.isNaN(t)) undated(i);
    const slot = isoWeekIndex(t) * k + Math.floor((isoWeekday(t) * k) / 7);
    slotOf[i] = slot;
    if (slot < minSlot) minSlot = slot;
    if (slot > maxSlot) maxSlot = slot;
  }
  // Keys: an untouched line keeps its delivery code d (< deliveries); a re-batched one gets
  // deliveries + (customer, slot) as one number.
  const span = maxSlot - minSlot + 1;
  const delivery = new Int32Array(m);
  const distance = lines.distance.slice();
  const dropDistance = new Map<number, number>();
  const keys = new Map<number, number>();
  for (let i = 0; i < m; i++) {
    const slot = slotOf[i]!;
    const key = Number.isNaN(slot)
      ? lines.delivery[i]!
      : lines.deliveries + customer[i]! * span + (slot - minSlot);
    let code = keys.get(key);
    if (code === undefined) {
      code = keys.size;
      keys.set(key, code);
    }
    delivery[i] = code;
    if (Number.isNaN(slot) || Number.isNaN(distance[i]!)) continue;
    const known = dropDistance.get(code);
    if (known === undefined) dropDistance.set(code, distance[i]!);
    else distance[i] = known;
  }
  return { ...lines, delivery, deliveries: keys.size, distance };
}

/**
 * The lines as they would have been ordered under a minimum order value: each affected customer's
 * orders are taken in date order (then file order), and an order below `minOrderValue` is merged
 * into the customer's next one, together with any earlier small orders already carried into it,
 * until the combined order reaches the minimum; the customer's last order is kept as it is, with
 * whatever was carried into it. A merged line takes the receiving order's code, date, delivery
 * and distance (the goods ship with it). Orders with only return lines are left alone. The result
 * shares every column but `order`, `delivery`, `time` and `distance`.
 */
export function mergeSmallOrders(lines: CostLines, options: MergeSmallOrdersOptions): CostLines {
  const min = options.minOrderValue;
  if (typeof min !== "number" || !Number.isFinite(min) || min < 0)
    throw new CoreInputError(`minOrderValue: must be a number of at least 0, got ${min}`, {
      field: "minOrderValue",
    });
  const affected = affectedCustomers(lines, options.customers);
  const m = lines.customer.length;
  const n = lines.orders;
  const { customer, quantity, unitPrice, discount, time } = lines;
  const value = new Float64Array(n);
  const orderTime = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const firstLine = new Int32Array(n).fill(-1);
  const owner = new Int32Array(n).fill(-1);
  for (let i = 0; i < m; i++) {
    const o = lines.order[i]!;
    if (affected[customer[i]!] === 0 || quantity[i]! < 0) continue;
    const t = time[i]!;
    if (Number.isNaN(t)) undated(i);
    value[o]! += quantity[i]! * unitPrice[i]! - discount[i]!;
    if (t < orderTime[o]!) orderTime[o] = t;
    if (firstLine[o] === -1) {
      firstLine[o] = i;
      owner[o] = customer[i]!;
    }
  }
  // The distance of each delivery, from its first sales line that gives one.
  const deliveryDistance = new Float64Array(lines.deliveries).fill(Number.NaN);
  for (let i = 0; i < m; i++) {
    const d = lines.delivery[i]!;
    if (quantity[i]! >= 0 && Number.isNaN(deliveryDistance[d]!)) deliveryDistance[d] = lines.distance[i]!;
  }

  const byCustomer = new Map<number, number[]>();
  for (let o = 0; o < n; o++) {
    if (firstLine[o] === -1) continue;
    const list = byCustomer.get(owner[o]!);
    if (list) list.push(o);
    else byCustomer.set(owner[o]!, [o]);
  }
  const target = Int32Array.from({ length: n }, (_, o) => o);
  for (const list of byCustomer.values()) {
    list.sort((a, b) => orderTime[a]! - orderTime[b]! || firstLine[a]! - firstLine[b]!);
    let carried: number[] = [];
    let carriedValue = 0;
    list.forEach((o, j) => {
      const combined = carriedValue + value[o]!;
      if (j < list.length - 1 && combined < min) {
        carried.push(o);
        carriedValue = combined;
        return;
      }
      for (const small of carried) target[small] = o;
      carried = [];
      carriedValue = 0;
    });
  }

  const order = lines.order.slice();
  const delivery = lines.delivery.slice();
  const newTime = time.slice();
  const distance = lines.distance.slice();
  for (let i = 0; i < m; i++) {
    const o = order[i]!;
    const t = target[o]!;
    if (t === o) continue;
    const receiving = firstLine[t]!;
    order[i] = t;
    newTime[i] = orderTime[t]!;
    delivery[i] = lines.delivery[receiving]!;
    distance[i] = Number.isNaN(distance[i]!) ? Number.NaN : deliveryDistance[delivery[i]!]!;
  }
  const orders = compact(order);
  const deliveries = compact(delivery);
  return { ...lines, order, orders, delivery, deliveries, time: newTime, distance };
}
