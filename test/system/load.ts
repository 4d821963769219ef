/**
 * Bounded load through the gateway: a Job in the cluster that sends at most `requests` GETs,
 * `parallel` at a time, for at most `seconds` after a 15 s pause, and stops by itself (or when the scenario
 * deletes it). Each batch of 25 requests prints `batch ok=<n> fail=<n>` and the failed
 * codes, so the counts can be read from its log while it runs.
 */
import { serviceSpec } from "../../catalog";
import { SMOKE_TEST } from "../../components/network/traffic";
import { LiveSystem, probePodSpec, until } from "../../e2e/live";

export interface Load {
    readonly requests: number;
    readonly seconds: number;
    readonly parallel: number;
}

export interface LoadCounts {
    readonly ok: number;
    readonly failed: number;
    /** The failed requests' HTTP codes (000: no answer), with how often each came. */
    readonly codes: Record<string, number>;
}

const BATCH = 25;

function job(namespace: string, name: string, path: string, load: Load): Record<string, unknown> {
    const gateway = serviceSpec("api-gateway");
    const url = `http://${gateway.name}:${gateway.port}${path}`;
    const batch = [
        'ok=0; fail=0; codes=""',
        `for i in "$@"; do c=$(curl -s -o /dev/null -m 10 -w "%{http_code}" ${url}); if [ "$c" = 200 ]; then ok=$((ok+1)); else fail=$((fail+1)); codes="$codes $c"; fi; done`,
        'echo "batch ok=$ok fail=$fail$codes"',
    ].join("; ");
    return {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name, namespace, labels: { "ecommerce.test/load": "true" } },
        spec: {
            backoffLimit: 0,
            activeDeadlineSeconds: load.seconds + 30,
            template: {
                // The smoke test's identity: the one client the gateway's policy admits inside the namespace.
                metadata: { labels: { ...LiveSystem.as(SMOKE_TEST), "ecommerce.test/load": "true" } },
                // A new pod's address reaches the gateway's policy a moment after it starts (kube-router): the first requests wait for it.
                spec: probePodSpec(`sleep 15; seq ${load.requests} | timeout ${load.seconds} xargs -P ${load.parallel} -n ${BATCH} sh -c '${batch}' _; echo done`, { memory: "32Mi" }),
            },
        },
    };
}

export function parseLoadLog(log: string): LoadCounts {
    let ok = 0;
    let failed = 0;
    const codes: Record<string, number> = {};
    for (const line of log.split("\n")) {
        const m = /^batch ok=(\d+) fail=(\d+)(.*)$/.exec(line.trim());
        if (!m) continue;
        ok += Number(m[1]);
        failed += Number(m[2]);
        for (const c of m[3].trim().split(/\s+/).filter(Boolean)) codes[c] = (codes[c] ?? 0) + 1;
    }
    return { ok, failed, codes };
}

/** Starts the load Job; `counts()` reads its log so far, `stop()` deletes it and returns the final counts. */
export async function startLoad(live: LiveSystem, name: string, path: string, load: Load): Promise<{ counts(): LoadCounts; finished(): boolean; stop(): LoadCounts }> {
    live.kubectl(["delete", "job", name, "-n", live.namespace, "--ignore-not-found", "--wait=true"]);
    live.kubectl(["apply", "-f", "-"], JSON.stringify(job(live.namespace, name, path, load)));
    await until(`load Job ${name} running`, 60, () => (live.pods().some((p) => p.name.startsWith(`${name}-`) && p.phase === "Running") || finished() ? true : undefined), 1000);
    const log = () => live.kubectl(["logs", `job/${name}`, "-n", live.namespace]);
    function finished(): boolean {
        const status = live.json<{ status: { succeeded?: number; failed?: number } }>(["get", "job", name]).status;
        return (status.succeeded ?? 0) + (status.failed ?? 0) > 0;
    }
    return {
        counts: () => parseLoadLog(log()),
        finished,
        stop: () => {
            const counts = parseLoadLog(log());
            live.kubectl(["delete", "job", name, "-n", live.namespace, "--ignore-not-found", "--wait=false"]);
            return counts;
        },
    };
}

export function describeCounts(c: LoadCounts): string {
    const codes = Object.entries(c.codes).map(([code, n]) => `${n}x${code}`).join(", ");
    return `${c.ok + c.failed} requests, ${c.failed} failed${codes ? ` (${codes})` : ""}`;
}
