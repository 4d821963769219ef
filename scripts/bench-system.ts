/**
 * npm run bench:system [-- --stack node]
 *
 * On the cluster of KUBECONFIG, context E2E_KUBE_CONTEXT (the end-to-end guard), with the
 * stack's images present (the node: scripts/node/up.sh, images.sh load): `pulumi up` from
 * empty with skipAwait: false, the time until every pod is ready, then each service's
 * start alone (its pods replaced one service at a time, the rest of the system idle), and
 * the critical path those solo starts make in the manual's order one after another (the
 * issue's target: at most 1.5x), and the longest chain along our own start order (each
 * service after what it `startsAfter`, from the catalog). Prints each figure and the ratios
 * of the start from empty to both; destroys the stack at the end.
 */
import { SERVICES, type ServiceName } from "../catalog";
import { LiveSystem, sleep, until } from "../e2e/live";
import { readiness } from "../e2e/prerequisites";
import { Workspace } from "../e2e/workspace";
import { waitUntilGone } from "../e2e/cluster";
import { parseArgs } from "../offline/args";
import { projectName, stackConfig } from "../offline/stack-config";

/** The longest chain of solo starts along `startsAfter`, and the services on it. */
export function criticalPath(solo: ReadonlyMap<ServiceName, number>): { seconds: number; path: ServiceName[] } {
    const memo = new Map<ServiceName, { seconds: number; path: ServiceName[] }>();
    const finish = (name: ServiceName): { seconds: number; path: ServiceName[] } => {
        const known = memo.get(name);
        if (known) return known;
        const spec = SERVICES.find((s) => s.name === name)!;
        const before = spec.startsAfter.map(finish).sort((a, b) => b.seconds - a.seconds)[0] ?? { seconds: 0, path: [] };
        const result = { seconds: before.seconds + (solo.get(name) ?? 0), path: [...before.path, name] };
        memo.set(name, result);
        return result;
    };
    return SERVICES.map((s) => finish(s.name)).sort((a, b) => b.seconds - a.seconds)[0];
}

/**
 * The issue's critical path: the manual's 9.1 order one after another, cloud-config, then
 * service-discovery, then the gateway, then the slowest of the rest. Our start order lets
 * the business services start beside the gateway, so `criticalPath` can be shorter.
 */
export function manualSerialPath(solo: ReadonlyMap<ServiceName, number>): { seconds: number; path: ServiceName[] } {
    const serial: ServiceName[] = ["cloud-config", "service-discovery", "api-gateway"];
    const rest = SERVICES.map((s) => s.name).filter((name) => !serial.includes(name));
    const slowest = rest.sort((a, b) => (solo.get(b) ?? 0) - (solo.get(a) ?? 0))[0]!;
    const path = [...serial, slowest];
    return { seconds: path.reduce((sum, name) => sum + (solo.get(name) ?? 0), 0), path };
}

/**
 * The services that start alone: every other service waits for each of them, directly or
 * not, or is waited for by it (cloud-config then service-discovery in the manual's order).
 */
export function gateServices(): ServiceName[] {
    const waitsOn = (name: ServiceName, seen = new Set<ServiceName>()): Set<ServiceName> => {
        for (const before of SERVICES.find((s) => s.name === name)!.startsAfter) {
            if (!seen.has(before)) {
                seen.add(before);
                waitsOn(before, seen);
            }
        }
        return seen;
    };
    return SERVICES.map((s) => s.name).filter((gate) => SERVICES.every((s) => s.name === gate || waitsOn(s.name).has(gate) || waitsOn(gate).has(s.name)));
}

/**
 * The fastest a start from empty could be on `cores` cores: the time before the first
 * service's pod, the gate services one after another at their solo starts (nothing else
 * may start beside them), then the CPU every other service used to start, on every core.
 */
export function cpuFloor(args: { before: number; solo: ReadonlyMap<ServiceName, number>; startCpu: ReadonlyMap<ServiceName, number>; cores: number }): number {
    const gates = gateServices();
    const serial = gates.reduce((sum, name) => sum + (args.solo.get(name) ?? 0), 0);
    const rest = SERVICES.filter((s) => !gates.includes(s.name)).reduce((sum, s) => sum + (args.startCpu.get(s.name) ?? 0), 0);
    return args.before + serial + rest / args.cores;
}

async function soloStart(live: LiveSystem, name: string): Promise<number> {
    const old = new Set(live.pods().filter((p) => p.app === name).map((p) => p.name));
    live.kubectl(["rollout", "restart", `deployment/${name}`, "-n", live.namespace]);
    const pod = await until(`a new ${name} pod ready`, 600, () => live.pods().find((p) => p.app === name && !old.has(p.name) && p.ready), 1000);
    const seconds = (pod.readySince! - pod.created) / 1000;
    // Let the rest of the roll-out (and the old pods' drain) finish before the next one.
    await until(`${name} rolled`, 600, () => (live.pods().filter((p) => p.app === name).every((p) => !old.has(p.name) && p.ready) ? true : undefined), 2000);
    await sleep(5000);
    return seconds;
}

async function main(): Promise<void> {
    const args = parseArgs(process.argv.slice(2), ["stack"]);
    const stack = args.stack ?? "node";
    const ready = readiness();
    if (!ready.ready) {
        console.log(`bench:system skipped: ${ready.skip}`);
        return;
    }
    const ws = Workspace.create(ready.target);
    const namespace = stackConfig(stack, ws.dir)[`${projectName()}:namespace`]!;
    const live = new LiveSystem(ready.target, namespace);
    try {
        await ws.initStack(stack, { skipAwait: false, kubeContext: ready.target.context });
        const started = Date.now();
        const up = await ws.pulumi(["up", "-s", stack, "--yes", "--skip-preview"], 1800);
        if (up.code !== 0) throw new Error(`pulumi up failed:\n${(up.stdout + up.stderr).slice(-4000)}`);
        await live.waitAllReady(600);
        const lastReady = Math.max(...live.pods().filter((p) => p.ready && p.readySince !== undefined).map((p) => p.readySince!));
        const fromEmpty = (lastReady - started) / 1000;
        console.log(`pulumi up from empty: ${up.seconds.toFixed(0)} s; every pod ready ${fromEmpty.toFixed(0)} s after it began`);
        // What each service's pods used to start, read before anything else runs on them.
        const used = live.cpuSeconds();
        const pods = live.pods();
        const startCpu = new Map<ServiceName, number>(
            SERVICES.map((s) => [s.name, pods.filter((p) => p.app === s.name).reduce((sum, p) => sum + (used.get(p.name) ?? 0), 0)]),
        );
        const before = (Math.min(...pods.filter((p) => SERVICES.some((s) => s.name === p.app)).map((p) => p.created)) - started) / 1000;
        const cores = live.cores();
        const totalCpu = [...startCpu.values()].reduce((a, b) => a + b, 0);
        console.log(`  the services' pods used ${totalCpu.toFixed(0)} core-seconds to start (${SERVICES.map((s) => `${s.name} ${startCpu.get(s.name)!.toFixed(0)}`).join(", ")}) on ${cores} cores; the first service pod came ${before.toFixed(0)} s after pulumi up began`);
        // Back to one pod each (the start-up burst may have grown some) before measuring.
        await until("every autoscaler back at its minimum", 900, () => (live.unready().length === 0 && live.workloads().every((w) => w.replicas <= 1) ? true : undefined), 10000).catch(() => undefined);
        const solo = new Map<ServiceName, number>();
        for (const spec of SERVICES) {
            const seconds = await soloStart(live, spec.name);
            solo.set(spec.name, seconds);
            console.log(`  ${spec.name} alone: ${seconds.toFixed(0)} s from pod created to ready`);
        }
        const serial = manualSerialPath(solo);
        const path = criticalPath(solo);
        console.log(`critical path, the manual's order one after another (${serial.path.join(" -> ")}): ${serial.seconds.toFixed(0)} s`);
        console.log(`from empty / that path: ${(fromEmpty / serial.seconds).toFixed(2)}x (target at most 1.5x)`);
        const floor = cpuFloor({ before, solo, startCpu, cores });
        console.log(
            `fastest possible on ${cores} cores (${before.toFixed(0)} s before the first service pod, ${gateServices().join(" then ")} alone, every other start's CPU on every core): ${floor.toFixed(0)} s, ${(floor / serial.seconds).toFixed(2)}x that path`,
        );
        console.log(`longest chain of our start order (${path.path.join(" -> ")}): ${path.seconds.toFixed(0)} s; from empty / it: ${(fromEmpty / path.seconds).toFixed(2)}x`);
    } finally {
        const destroy = await ws.pulumi(["destroy", "-s", stack, "--yes", "--skip-preview"], 900);
        if (destroy.code === 0) {
            await waitUntilGone(ready.target, [namespace], 300);
            ws.dispose();
        } else {
            console.log(`destroy failed; workspace kept at ${ws.root}`);
        }
    }
}

if (require.main === module) {
    main().catch((error: unknown) => {
        console.error(error instanceof Error ? error.message : error);
        process.exit(1);
    });
}
