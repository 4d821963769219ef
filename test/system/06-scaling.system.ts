/**
 * Manual 7 on the live system: a bounded load (a Job in the cluster, a fixed number of
 * requests and a time limit) drives an autoscaled service over its CPU target; its HPA
 * scales it up, and down after the load; a new `maxReplicas` reaches the live HPA. The
 * JVMs' real CPU and memory, at rest and under that load, are recorded against the
 * manual's requests and limits.
 */
import { strict as assert } from "assert";
import { MANUAL_AUTOSCALING, MANUAL_RESOURCES, serviceSpec, SERVICES } from "../../catalog";
import { sleep, until, type LiveSystem } from "../../e2e/live";
import { ok } from "../../e2e/workspace";
import { figure, system } from "./fixture";
import { describeCounts, startLoad, type Load } from "./load";

/** The load that must drive the product service over its CPU target: bounded in count and time. */
export const LOAD: Load = { requests: 20000, seconds: 180, parallel: 8 };

interface Hpa {
    metadata: { name: string };
    spec: { minReplicas?: number; maxReplicas: number; behavior?: { scaleUp?: { stabilizationWindowSeconds?: number }; scaleDown?: { stabilizationWindowSeconds?: number } } };
    status: { currentReplicas?: number; desiredReplicas?: number };
}

/** Per service: the highest CPU (millicores) and memory (MiB) of any of its pods now. */
function usage(live: LiveSystem): Map<string, { cpu: number; memory: number; pods: number }> {
    const byService = new Map<string, { cpu: number; memory: number; pods: number }>();
    for (const row of live.top()) {
        const service = SERVICES.find((s) => row.pod.startsWith(`${s.name}-`));
        if (!service) continue;
        const seen = byService.get(service.name) ?? { cpu: 0, memory: 0, pods: 0 };
        byService.set(service.name, { cpu: Math.max(seen.cpu, row.cpuMillis), memory: Math.max(seen.memory, row.memoryMiB), pods: seen.pods + 1 });
    }
    return byService;
}

function describeUsage(u: Map<string, { cpu: number; memory: number; pods: number }>): string {
    return [...u.entries()].map(([s, v]) => `${s} ${v.cpu}m/${v.memory}Mi`).join(", ");
}

describe("6. scaling (manual 7)", function () {
    it("a bounded load scales the product service up over 70% CPU, and down after it", async function () {
        const { live } = system(this);
        const target = serviceSpec("product-service").name;
        const hpa = () => live.json<Hpa>(["get", "hpa", target]);
        await until(`${target} back at its minimum before the load`, 900, () => ((hpa().status.currentReplicas ?? 0) <= (hpa().spec.minReplicas ?? 1) ? true : undefined), 10000);
        const atRest = usage(live);
        figure("scaling", "at rest, per service (max over its pods)", describeUsage(atRest));
        const restarts = () => live.pods().filter((p) => p.app === target).reduce((n, p) => n + p.restarts, 0);
        const restartsBefore = restarts();
        const load = await startLoad(live, "system-load-scaling", `/${target}/api/products`, LOAD);
        const started = Date.now();
        const peak = new Map<string, { cpu: number; memory: number; pods: number }>();
        let scaledAt: number | undefined;
        while (!load.finished() && Date.now() - started < (LOAD.seconds + 60) * 1000) {
            await sleep(10000);
            try {
                for (const [s, v] of usage(live)) {
                    const p = peak.get(s) ?? { cpu: 0, memory: 0, pods: 0 };
                    peak.set(s, { cpu: Math.max(p.cpu, v.cpu), memory: Math.max(p.memory, v.memory), pods: Math.max(p.pods, v.pods) });
                }
            } catch {
                // metrics-server has no figure yet for a new pod.
            }
            if (scaledAt === undefined && (hpa().status.desiredReplicas ?? 0) > (hpa().spec.minReplicas ?? 1)) scaledAt = Date.now();
        }
        const counts = load.stop();
        figure("scaling", "load through the gateway", `${describeCounts(counts)} in ${((Date.now() - started) / 1000).toFixed(0)} s (at most ${LOAD.requests}, ${LOAD.parallel} at a time, ${LOAD.seconds} s)`);
        figure("scaling", "under load, per service (max over its pods)", describeUsage(peak));
        assert.ok(scaledAt !== undefined, `the ${target} HPA did not scale up under load (peak ${describeUsage(peak)})`);
        const behavior = hpa().spec.behavior;
        figure("scaling", `${target} scale-up decided after the load began`, `${((scaledAt - started) / 1000).toFixed(0)} s (its scale-up window: ${behavior?.scaleUp?.stabilizationWindowSeconds ?? 0} s)`);
        assert.equal(restarts(), restartsBefore, `${target} pods restarted under load (memory limit ${MANUAL_RESOURCES.limits.memory})`);
        assert.ok(counts.ok > 0, "the load Job sent nothing");
        assert.ok(counts.failed / (counts.ok + counts.failed) < 0.01, `more than 1% of the load failed: ${describeCounts(counts)}`);
        const ended = Date.now();
        await until(`${target} back at its minimum after the load`, 900, () => ((hpa().status.currentReplicas ?? 0) <= (hpa().spec.minReplicas ?? 1) ? true : undefined), 10000);
        figure("scaling", `${target} back at its minimum after the load`, `${((Date.now() - ended) / 1000).toFixed(0)} s (its scale-down window: ${behavior?.scaleDown?.stabilizationWindowSeconds ?? 300} s)`);
    });

    it("a new maxReplicas by config reaches the live HPA", async function () {
        const { live, ws, stack } = system(this);
        const autoscaling = ws.configValue(stack, "autoscaling");
        const wanted = Number(autoscaling.maxReplicas ?? MANUAL_AUTOSCALING.maxReplicas) - 1;
        ws.setConfig(stack, { autoscaling: { ...autoscaling, maxReplicas: wanted } });
        ok(await ws.pulumi(["up", "-s", stack, "--yes", "--skip-preview"], 900), "up with a new maxReplicas");
        const maxima = live.json<{ items: Hpa[] }>(["get", "hpa"]).items.map((h) => `${h.metadata.name}=${h.spec.maxReplicas}`);
        const scalable = SERVICES.filter((s) => s.scaling === "horizontal").map((s) => `${s.name}=${wanted}`);
        assert.deepEqual(maxima.sort(), scalable.sort());
    });
});
