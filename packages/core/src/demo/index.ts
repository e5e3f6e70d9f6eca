export {
  DEMO_CATEGORIES,
  DEMO_CHANNELS,
  DEMO_COUNTRIES,
  DEMO_CUSTOMER_TYPES,
  type DemoCategory,
  type DemoChannel,
  type DemoCountry,
  type DemoCustomerType,
  type DemoProduct,
} from "./catalog.js";
export * from "./csv.js";
export * from "./retailer.js";
