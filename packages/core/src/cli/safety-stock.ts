import { CoreInputError } from "../errors.js";
import { type SafetyStockResult, safetyStock } from "../supply/safety-stock.js";
import { numberFlag, parseFlags } from "./args.js";
import { CliError } from "./cli-error.js";

const COMMAND = "safety-stock";
const FLAGS = {
  "service-level": "string",
  "reorder-point": "string",
  "demand-sd": "string",
  "demand-mean": "string",
  "lead-time": "string",
  "lead-time-sd": "string",
  "order-quantity": "string",
} as const;

/** The core's field names as the flags that set them, so a refusal names what the user typed. */
const FLAG_OF: Record<string, string> = {
  serviceLevel: "--service-level",
  reorderPoint: "--reorder-point",
  demandSd: "--demand-sd",
  demandMean: "--demand-mean",
  leadTime: "--lead-time",
  leadTimeSd: "--lead-time-sd",
  orderQuantity: "--order-quantity",
};

/** shared/CONTRACT.md names these keys; `fill_rate` only with --order-quantity. */
export interface SafetyStockOutput {
  z: number;
  sigma_lead_time: number;
  safety_stock: number;
  reorder_point: number;
  cycle_service_level: number;
  fill_rate?: number;
}

const usage = (message: string): CliError => new CliError(`strata ${COMMAND}: ${message}`, 2);
const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f || 0;
};

function output(r: SafetyStockResult): SafetyStockOutput {
  // Units of stock to 2 decimals, z and probabilities to 6: a fill rate of 0.99996 must not print as 1.
  return {
    z: round(r.z, 6),
    sigma_lead_time: round(r.sigmaLeadTime, 2),
    safety_stock: round(r.safetyStock, 2),
    reorder_point: round(r.reorderPoint, 2),
    cycle_service_level: round(r.cycleServiceLevel, 6),
    ...(r.fillRate === null ? {} : { fill_rate: round(r.fillRate, 6) }),
  };
}

/**
 * `strata safety-stock [--service-level p | --reorder-point R] --demand-sd s [--demand-mean d]
 * [--lead-time L] [--lead-time-sd sL] [--order-quantity Q]`: demand per period, lead time in
 * periods (default 1). Every mistake is a usage error (exit 2) naming the flag.
 */
export async function runSafetyStock(argv: ReadonlyArray<string>): Promise<SafetyStockOutput> {
  const flags = parseFlags(COMMAND, argv, FLAGS);
  const serviceLevel = numberFlag(COMMAND, flags, "service-level");
  const reorderPoint = numberFlag(COMMAND, flags, "reorder-point");
  const demandSd = numberFlag(COMMAND, flags, "demand-sd", { min: 0 });
  const demandMean = numberFlag(COMMAND, flags, "demand-mean", { min: 0 });
  const leadTime = numberFlag(COMMAND, flags, "lead-time", { min: 0 });
  const leadTimeSd = numberFlag(COMMAND, flags, "lead-time-sd", { min: 0 });
  const orderQuantity = numberFlag(COMMAND, flags, "order-quantity");

  if ((serviceLevel === undefined) === (reorderPoint === undefined))
    throw usage("give --service-level p or --reorder-point R (one of them)");
  if (serviceLevel !== undefined && !(serviceLevel > 0 && serviceLevel < 1))
    throw usage(
      `--service-level must be a probability between 0 and 1 (exclusive), like 0.95, got ${JSON.stringify(flags.get("service-level"))}`,
    );
  if (demandSd === undefined)
    throw usage("--demand-sd <s> is required (standard deviation of demand per period)");
  if (orderQuantity !== undefined && !(orderQuantity > 0))
    throw usage(
      `--order-quantity must be greater than 0, got ${JSON.stringify(flags.get("order-quantity"))}`,
    );
  if (demandMean === undefined) {
    if (reorderPoint !== undefined) throw usage("--reorder-point needs --demand-mean <d>");
    if (leadTimeSd !== undefined) throw usage("--lead-time-sd needs --demand-mean <d>");
  }

  try {
    return output(
      safetyStock({
        demandSd,
        ...(demandMean !== undefined ? { demandMean } : {}),
        ...(leadTime !== undefined ? { leadTime } : {}),
        ...(leadTimeSd !== undefined ? { leadTimeSd } : {}),
        ...(orderQuantity !== undefined ? { orderQuantity } : {}),
        ...(serviceLevel !== undefined ? { serviceLevel } : { reorderPoint: reorderPoint! }),
      }),
    );
  } catch (error) {
    if (error instanceof CoreInputError && error.field !== undefined) {
      const flag = FLAG_OF[error.field] ?? error.field;
      throw usage(`${flag}: ${error.message.replace(`${error.field}: `, "")}`);
    }
    throw error;
  }
}
