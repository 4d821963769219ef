/**
 * npm run bench:system [-- --stack node]
 *
 * On the cluster of KUBECONFIG, context E2E_KUBE_CONTEXT (the end-to-end guard), with the
 * stack's images present (the node: scripts/node/up.sh, images.sh load): `pulumi up` from
 * empty with skipAwait: false, the time until every pod is ready, then each service's
 * start alone (its pods replaced one service at a time, the rest of the system idle), and
 * the critical path those solo starts make along the manual's start order (each service
 * after what it `startsAfter`, from the catalog). Prints each figure and the ratio of the
 * start from empty to the critical path; destroys the stack at the end.
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
        // Back to one pod each (the start-up burst may have grown some) before measuring.
        await until("every autoscaler back at its minimum", 900, () => (live.unready().length === 0 && live.workloads().every((w) => w.replicas <= 1) ? true : undefined), 10000).catch(() => undefined);
        const solo = new Map<ServiceName, number>();
        for (const spec of SERVICES) {
            const seconds = await soloStart(live, spec.name);
            solo.set(spec.name, seconds);
            console.log(`  ${spec.name} alone: ${seconds.toFixed(0)} s from pod created to ready`);
        }
        const path = criticalPath(solo);
        console.log(`critical path (${path.path.join(" -> ")}): ${path.seconds.toFixed(0)} s`);
        console.log(`from empty / critical path: ${(fromEmpty / path.seconds).toFixed(2)}x (target at most 1.5x)`);
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
