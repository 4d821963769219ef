/**
 * Kubernetes resource quantities: parsed by the policy pack's parser (the pack stands alone,
 * so it owns it; config validation, the benchmark and the pack then read quantities alike),
 * and formatted for reports here.
 */
export { parseCpu, parseMemory, parseQuantity } from "../policy/lib/quantity";

const BINARY_MI = 2 ** 20;
const BINARY_GI = 2 ** 30;

export function formatMemory(bytes: number): string {
    const gi = bytes / BINARY_GI;
    return gi >= 1 ? `${+gi.toFixed(2)}Gi` : `${+(bytes / BINARY_MI).toFixed(0)}Mi`;
}

export function formatCpu(cores: number): string {
    const milli = Math.round(cores * 1000);
    return milli % 1000 === 0 ? `${milli / 1000}` : `${milli}m`;
}
