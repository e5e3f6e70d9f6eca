import { CoreInputError } from "../errors.js";

const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** Density of the standard normal distribution, φ(x). */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / SQRT_2PI;
}

// W. J. Cody, "Rational Chebyshev approximations for the error function", Mathematics of
// Computation 23 (1969) 631-638, as in Netlib SPECFUN's CALERF: erfc to about 1e-16 relative,
// including far in the tail, where 1 - erf(x) would lose every digit.
const A = [3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315];
const B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171];
const C = [
  0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769,
  1712.0476126340707, 2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-8,
];
const D = [
  15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597,
  4362.619090143247, 3439.3676741437216, 1230.3393548037495,
];
const P = [
  0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275, 0.0006587491615298378,
  0.016315387137302097,
];
const Q = [
  2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918,
];
const ONE_OVER_SQRT_PI = 0.5641895835477563;

/** exp(-y²) computed as Cody does, splitting y so the square loses no digits. */
function expMinusSquare(y: number): number {
  const ysq = Math.trunc(16 * y) / 16;
  const del = (y - ysq) * (y + ysq);
  return Math.exp(-ysq * ysq) * Math.exp(-del);
}

/** The complementary error function erfc(x) = 1 − erf(x). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const y = Math.abs(x);
  let result: number;
  if (y <= 0.46875) {
    const ysq = y > 1.11e-16 ? y * y : 0;
    let num = A[4]! * ysq;
    let den = ysq;
    for (let i = 0; i < 3; i++) {
      num = (num + A[i]!) * ysq;
      den = (den + B[i]!) * ysq;
    }
    return 1 - (x * (num + A[3]!)) / (den + B[3]!);
  }
  if (y <= 4) {
    let num = C[8]! * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]!) * y;
      den = (den + D[i]!) * y;
    }
    result = expMinusSquare(y) * ((num + C[7]!) / (den + D[7]!));
  } else if (y < 26.543) {
    const ysq = 1 / (y * y);
    let num = P[5]! * ysq;
    let den = ysq;
    for (let i = 0; i < 4; i++) {
      num = (num + P[i]!) * ysq;
      den = (den + Q[i]!) * ysq;
    }
    const r = (ysq * (num + P[4]!)) / (den + Q[4]!);
    result = expMinusSquare(y) * ((ONE_OVER_SQRT_PI - r) / y);
  } else result = 0;
  return x < 0 ? 2 - result : result;
}

/** Φ(x), the standard normal cumulative distribution: P(Z ≤ x). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** 1 − Φ(x) = P(Z > x), accurate in the upper tail (no cancellation). */
export function normalTail(x: number): number {
  return 0.5 * erfc(x / Math.SQRT2);
}

/**
 * The standard normal loss function G(z) = E[max(Z − z, 0)] = φ(z) − z(1 − Φ(z)): the expected
 * shortage per replenishment cycle, in units of σ of lead-time demand, when the reorder point is
 * z σ above the mean (Silver, Pyke & Peterson's G_u(k); Chopra & Meindl's ESC divided by σ_L).
 */
export function normalLoss(z: number): number {
  // Below the mean both terms are positive; above it the tail keeps its relative accuracy, so the
  // difference is good to ~1e-16 absolute (G falls like φ(z)/z², far below any stock figure).
  return normalPdf(z) - z * normalTail(z);
}

// M. J. Wichura, "Algorithm AS 241: the percentage points of the normal distribution", Applied
// Statistics 37 (1988) 477-484, PPND16: about 1e-16 relative accuracy over (0, 1).
const A16 = [
  3.3871328727963665, 133.14166789178438, 1971.5909503065513, 13731.69376550946, 45921.95393154987,
  67265.7709270087, 33430.57558358813, 2509.0809287301227,
];
const B16 = [
  1, 42.31333070160091, 687.1870074920579, 5394.196021424751, 21213.794301586597, 39307.89580009271,
  28729.085735721943, 5226.495278852854,
];
const C16 = [
  1.4234371107496835, 4.630337846156546, 5.769497221460691, 3.6478483247632045, 1.2704582524523684,
  0.2417807251774506, 0.022723844989269184, 0.0007745450142783414,
];
const D16 = [
  1, 2.053191626637759, 1.6763848301838038, 0.6897673349851, 0.14810397642748008, 0.015198666563616457,
  0.0005475938084995345, 1.0507500716444169e-9,
];
const E16 = [
  6.657904643501103, 5.463784911164114, 1.7848265399172913, 0.29656057182850487, 0.026532189526576124,
  0.0012426609473880784, 0.000027115555687434876, 2.0103343992922881e-7,
];
const F16 = [
  1, 0.599832206555888, 0.1369298809227358, 0.014875361290850615, 0.0007868691311456133,
  0.000018463183175100548, 1.421511758316446e-7, 2.0442631033899397e-15,
];

function horner(c: ReadonlyArray<number>, x: number): number {
  let v = c[c.length - 1]!;
  for (let i = c.length - 2; i >= 0; i--) v = v * x + c[i]!;
  return v;
}

/** The standard normal quantile Φ⁻¹(p) for p in (0, 1) (Wichura's AS 241). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new CoreInputError(`probability must be in (0, 1), got ${p}`, { field: "p" });
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * horner(A16, r)) / horner(B16, r);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let value: number;
  if (r <= 5) {
    r -= 1.6;
    value = horner(C16, r) / horner(D16, r);
  } else {
    r -= 5;
    value = horner(E16, r) / horner(F16, r);
  }
  return q < 0 ? -value : value;
}
