/**
 * Values written the way the Docker provider reads them back from the engine, so that a
 * second `pulumi preview` finds nothing to change (found on a real engine: every container
 * was to be replaced, on `cpus` and `healthcheck`, and updated on `memorySwap`).
 */

/** Go's time.Duration.String() for whole seconds: 10 → "10s", 240 → "4m0s", 3600 → "1h0m0s". */
export function goDuration(seconds: number): string {
    if (!Number.isInteger(seconds) || seconds < 0) {
        throw new Error(`goDuration: ${seconds} is not a whole number of seconds`);
    }
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    if (h > 0) return `${h}h${m}m${s}s`;
    if (m > 0) return `${m}m${s}s`;
    return `${s}s`;
}

/**
 * The provider's nanoInt64ToDecimalString (internal/provider/helpers.go): the engine's
 * NanoCPUs as nine decimals; when that text holds exactly nine zeros, one decimal instead;
 * otherwise trailing zeros dropped. 1 → "1.0", 0.25 → "0.25", 0.05 → "0.1" (sic).
 */
export function dockerCpus(cpus: number): string {
    const nano = Math.round(cpus * 1e9);
    if (nano === 0) return "0";
    const whole = Math.floor(nano / 1e9);
    const fraction = String(nano % 1e9).padStart(9, "0");
    const nine = `${whole}.${fraction}`;
    if ((nine.match(/0/g) ?? []).length === 9) {
        // big.Rat.FloatString(1): rounded half away from zero to one decimal.
        const tenths = Math.round(nano / 1e8);
        return `${Math.floor(tenths / 10)}.${tenths % 10}`;
    }
    return nine.replace(/0+$/, "");
}
