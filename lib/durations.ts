/**
 * Two small grammars the stacks take values in: Prometheus durations (prometheus/common's
 * model.ParseDuration: units from y down to ms, largest first, each at most once, so
 * `1h30m` is one) and JVM memory sizes as -Xmx and -Xms take them (bytes, or k, m, g, t
 * in either case).
 */

const PROMETHEUS_DURATION = /^(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?$/;
const UNIT_MS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1];

/** Milliseconds, or undefined when Prometheus would refuse the text. */
export function parsePrometheusDuration(text: string): number | undefined {
    if (text === "0") {
        return 0;
    }
    const m = PROMETHEUS_DURATION.exec(text);
    if (!m || text === "") {
        return undefined;
    }
    return m.slice(1).reduce((total, n, i) => total + (n === undefined ? 0 : Number(n) * UNIT_MS[i]!), 0);
}

/** The shortest Prometheus duration for whole seconds, as Prometheus prints one (`1h20m`, `0s`). */
export function formatPrometheusDuration(ms: number): string {
    let rest = Math.round(ms / 1000) * 1000;
    if (rest === 0) {
        return "0s";
    }
    const units = ["y", "w", "d", "h", "m", "s"];
    let text = "";
    units.forEach((unit, i) => {
        const size = UNIT_MS[i]!;
        const n = Math.floor(rest / size);
        if (n > 0) {
            text += `${n}${unit}`;
            rest -= n * size;
        }
    });
    return text;
}

const JVM_SIZE = /^([1-9][0-9]*)([kKmMgGtT]?)$/;
const JVM_FACTOR: Record<string, number> = { "": 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/** Bytes of a JVM size such as 512m or 1G, or undefined when the JVM would refuse it. */
export function parseJvmSize(text: string): number | undefined {
    const m = JVM_SIZE.exec(text);
    return m ? Number(m[1]) * JVM_FACTOR[m[2]!.toLowerCase()]! : undefined;
}

/** The last -Xmx in a JVM option string (the one the JVM applies), in bytes. */
export function maxHeapOf(options: string): number | undefined {
    const all = [...options.matchAll(/(?:^|\s)-Xmx(\S+)/g)];
    const last = all.at(-1)?.[1];
    return last === undefined ? undefined : parseJvmSize(last);
}
