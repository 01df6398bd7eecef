const MEMORY_SUFFIX: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
};

const DECIMAL_SUFFIX: Record<string, number> = { m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/**
 * The value of any Kubernetes quantity (`100m`, `0.5`, `2e0`, `128Mi`, `1.5Gi`), in base units,
 * or undefined when `quantity` is not one. The same grammar as `resource.Quantity`: a decimal
 * number with a binary suffix (Ki…Ei), a decimal suffix (m, k, M…E) or a decimal exponent.
 */
export function quantityValue(quantity: string): number | undefined {
  const match = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei)|(m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/.exec(
    quantity,
  );
  if (!match) return undefined;
  const [, number, binary, decimal, exponent] = match;
  const scale =
    binary !== undefined
      ? MEMORY_SUFFIX[binary]
      : decimal !== undefined
        ? DECIMAL_SUFFIX[decimal]
        : 10 ** Number(exponent ?? 0);
  return Number(number) * scale;
}

/** Millicores of a CPU quantity (`100m` -> 100, `0.5` -> 500, `2` -> 2000, `2e0` -> 2000). */
export function milliCpu(quantity: string): number {
  const value = quantityValue(quantity);
  if (value === undefined) throw new Error(`unsupported CPU quantity ${JSON.stringify(quantity)}: use e.g. 500m or 2`);
  return Math.round(value * 1000);
}

/** Bytes of a memory or storage quantity (`128Mi`, `1Gi`, `512M`, `1e9`). */
export function bytes(quantity: string): number {
  const value = quantityValue(quantity);
  if (value === undefined) {
    throw new Error(`unsupported memory quantity ${JSON.stringify(quantity)}: use e.g. 128Mi or 1Gi`);
  }
  return Math.round(value);
}

/** Millicores as a quantity, rounded up to whole tenths of a core (`1234` -> `1300m`). */
export function formatCpu(milli: number): string {
  const rounded = Math.ceil(milli / 100) * 100;
  return rounded % 1000 === 0 ? `${rounded / 1000}` : `${rounded}m`;
}

/** Bytes as a quantity, rounded up to whole 128Mi (`Gi` when whole). */
export function formatMemory(value: number): string {
  const mi = Math.ceil(value / 1024 ** 2 / 128) * 128;
  return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
}

/** Millicores as an exact quantity (`250` -> `250m`, `1000` -> `1`). */
export function exactCpu(milli: number): string {
  return milli % 1000 === 0 ? `${milli / 1000}` : `${milli}m`;
}

/** Bytes as an exact quantity in Mi or Gi. */
export function exactMemory(value: number): string {
  const mi = Math.ceil(value / 1024 ** 2);
  return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
}
