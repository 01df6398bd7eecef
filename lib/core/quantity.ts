const CPU_SUFFIX: Record<string, number> = { m: 1, '': 1000 };
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
};

/** Millicores of a CPU quantity (`100m` -> 100, `0.5` -> 500, `2` -> 2000). */
export function milliCpu(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(quantity);
  if (!match) throw new Error(`unsupported CPU quantity ${JSON.stringify(quantity)}: use e.g. 500m or 2`);
  return Math.round(Number(match[1]) * CPU_SUFFIX[match[2]]);
}

/** Bytes of a memory or storage quantity (`128Mi`, `1Gi`, `512M`). */
export function bytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(quantity);
  if (!match) throw new Error(`unsupported memory quantity ${JSON.stringify(quantity)}: use e.g. 128Mi or 1Gi`);
  return Math.round(Number(match[1]) * MEMORY_SUFFIX[match[2] ?? '']);
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
