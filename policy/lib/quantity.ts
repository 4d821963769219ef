/**
 * Kubernetes resource quantities (`512Mi`, `1Gi`, `500m`, `1.5`), parsed so that rules
 * compare them the way the API server does instead of as strings. The policy pack owns this
 * parser; the platform program reads it from here (lib/quantity.ts), so both parse alike.
 */

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

// apimachinery's quantity grammar (non-negative): a number, then a binary or decimal SI
// suffix or a decimal exponent. No surrounding space: the API server refuses "512Mi ".
const QUANTITY = /^\+?([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

/** The value of a quantity in base units (bytes, cores), or undefined when it is not one. */
export function parseQuantity(text: string): number | undefined {
    const match = QUANTITY.exec(text);
    if (!match) {
        return undefined;
    }
    const suffix = match[2] ?? "";
    const factor = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : (BINARY[suffix] ?? DECIMAL[suffix]);
    return Number(match[1]) * factor;
}

/** Memory is counted in bytes: sub-byte suffixes (`m`, `u`, `n`) are legal for the API but never meant. */
export function parseMemory(text: string): number | undefined {
    if (/[mun]$/.test(text)) {
        return undefined;
    }
    return parseQuantity(text);
}

/** CPU in cores: `500m` is 0.5. Binary suffixes make no sense for CPU. */
export function parseCpu(text: string): number | undefined {
    if (/i$/.test(text)) {
        return undefined;
    }
    return parseQuantity(text);
}
