/**
 * The band around the target inside which the HPA keeps the current count
 * (replica_calculator.go, `Tolerances.isWithin`), with per-direction values (KEP-4951).
 */
export interface Tolerances {
  scaleDown: number;
  scaleUp: number;
}

export function isWithinTolerance(
  tolerances: Tolerances,
  usageRatio: number,
): boolean {
  return (
    1 - tolerances.scaleDown <= usageRatio &&
    usageRatio <= 1 + tolerances.scaleUp
  );
}
