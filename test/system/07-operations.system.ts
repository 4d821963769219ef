/**
 * Manual 3.3, 8.1 and 5.2 on the live system: a restart stamp rolls exactly the pods the
 * README says; a secret rotation rolls exactly the pods that read a changed Secret (but
 * PostgreSQL, which takes its new password while it runs), and they come back healthy with
 * the new passwords; `kubectl rollout undo` and the next
 * `pulumi up` behave as the README says. (3.2, scaleToZero, runs in the restore scenario.)
 */
import { strict as assert } from "assert";
import { createHash } from "crypto";
import { POSTGRES, serviceSpec } from "../../catalog";
import { SYNC_CONTAINER } from "../../components/postgres/server";
import { DRAIN_SECONDS } from "../../components/shared/discovery";
import { sleep, until, type LiveSystem } from "../../e2e/live";
import { ok } from "../../e2e/workspace";
import { WRITTEN } from "./02-data.system";
import { figure, system } from "./fixture";
import { describeCounts, startLoad, type Load } from "./load";

/** A steady load for the length of a roll-out: two requests at a time, bounded in count and time. */
const STEADY: Load = { requests: 60000, seconds: 900, parallel: 2 };

interface PodTemplate {
    spec: {
        volumes?: { secret?: { secretName: string }; projected?: { sources: { secret?: { name: string } }[] } }[];
        containers: { env?: { valueFrom?: { secretKeyRef?: { name: string } } }[]; envFrom?: { secretRef?: { name: string } }[] }[];
        initContainers?: PodTemplate["spec"]["containers"];
    };
}

/** Pod UIDs per workload (Deployments and StatefulSets), for telling which rolled: a StatefulSet's new pod keeps its name. */
/**
 * The pod templates each workload's running pods run. A roll makes a new one; an
 * autoscaler adding or removing pods under the steady load does not (counting new pod
 * UIDs took an HPA's scale-up of api-gateway for a restart).
 */
function podsByApp(live: LiveSystem): Map<string, string[]> {
    const map = new Map<string, string[]>();
    for (const p of live.pods()) {
        if (p.phase !== "Running" || p.deleting || p.revision === undefined) continue;
        map.set(p.app, [...new Set([...(map.get(p.app) ?? []), p.revision])].sort());
    }
    return map;
}

function rolled(before: Map<string, string[]>, after: Map<string, string[]>): string[] {
    return [...before.keys()].filter((app) => (after.get(app) ?? []).some((revision) => !before.get(app)!.includes(revision))).sort();
}

/** Secrets each long-running workload's pods read (env, envFrom, volumes), from the live specs. */
function secretReaders(live: LiveSystem): Map<string, Set<string>> {
    const list = live.json<{ items: { metadata: { name: string }; spec: { template: PodTemplate } }[] }>(["get", "deployments,statefulsets"]);
    const readers = new Map<string, Set<string>>();
    for (const w of list.items) {
        const names = new Set<string>();
        const t = w.spec.template.spec;
        for (const c of [...t.containers, ...(t.initContainers ?? [])]) {
            for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef) names.add(e.valueFrom.secretKeyRef.name);
            for (const e of c.envFrom ?? []) if (e.secretRef) names.add(e.secretRef.name);
        }
        for (const v of t.volumes ?? []) {
            if (v.secret) names.add(v.secret.secretName);
            for (const s of v.projected?.sources ?? []) if (s.secret) names.add(s.secret.name);
        }
        readers.set(w.metadata.name, names);
    }
    return readers;
}

/** A digest of each Secret's data, to see which a change rewrote. */
function secretDigests(live: LiveSystem): Map<string, string> {
    const list = live.json<{ items: { metadata: { name: string }; data?: Record<string, string> }[] }>(["get", "secrets"]);
    return new Map(list.items.map((s) => [s.metadata.name, createHash("sha256").update(JSON.stringify(s.data ?? {})).digest("hex")]));
}

async function stillReads(live: LiveSystem): Promise<void> {
    const gateway = serviceSpec("api-gateway");
    const forward = await live.forward(gateway.name, gateway.port);
    try {
        const response = await until("the order written earlier reads back through the gateway", 120, async () => {
            const r = await fetch(`${forward.url}/order-service/api/orders`, { signal: AbortSignal.timeout(20_000) }).catch(() => undefined);
            return r?.status === 200 ? r : undefined;
        });
        assert.ok((await response.text()).includes(WRITTEN.orderDesc), "the order written earlier is not listed");
    } finally {
        forward.close();
    }
}

describe("7. operations (manual 3.3, 8.1, 5.2)", function () {
    it("services.<name>.restartedAt rolls that service's pods and no other, with no failed request under a steady load", async function () {
        const { live, ws, stack } = system(this);
        const target = serviceSpec("user-service").name;
        await live.waitAllReady(300);
        const before = podsByApp(live);
        const load = await startLoad(live, "system-load-restart", `/${target}/api/users`, STEADY);
        await sleep(20_000);
        const services = ws.configValue(stack, "services");
        ws.setConfig(stack, { services: { ...services, [target]: { ...((services[target] as Record<string, unknown>) ?? {}), restartedAt: new Date().toISOString() } } });
        const up = ok(await ws.pulumi(["up", "-s", stack, "--yes", "--skip-preview"], 900), "up with a restart stamp");
        figure("operations", `services.${target}.restartedAt: pulumi up`, `${up.seconds.toFixed(0)} s`);
        await live.waitAllReady(300);
        // Past the old pods' drain and the callers' caches.
        await sleep((DRAIN_SECONDS + 30) * 1000);
        const counts = load.stop();
        figure("operations", `${target} rolled under a steady load through the gateway`, describeCounts(counts));
        assert.deepEqual(rolled(before, podsByApp(live)), [target]);
        assert.ok(counts.ok > 100, `the load sent too little: ${describeCounts(counts)}`);
        assert.equal(counts.failed, 0, describeCounts(counts));
    });

    it("secretsRotation rolls exactly the pods that read a changed Secret but PostgreSQL, and they come back healthy", async function () {
        const { live, ws, stack } = system(this);
        const beforePods = podsByApp(live);
        const beforeSecrets = secretDigests(live);
        const load = await startLoad(live, "system-load-rotation", `/${serviceSpec("order-service").name}/api/orders`, STEADY);
        await sleep(20_000);
        const current = Number((await ws.pulumi(["config", "get", "secretsRotation", "-s", stack])).stdout.trim() || "0");
        ws.setConfig(stack, { secretsRotation: current + 1 });
        const up = ok(await ws.pulumi(["up", "-s", stack, "--yes", "--skip-preview"], 1800), "up with secretsRotation");
        figure("operations", "secretsRotation: pulumi up, every reader rolled and ready", `${up.seconds.toFixed(0)} s`);
        await live.waitAllReady(300);
        await sleep((DRAIN_SECONDS + 30) * 1000);
        const counts = load.stop();
        figure("operations", "secret rotation under a steady load on the order service, through the gateway", describeCounts(counts));
        const afterSecrets = secretDigests(live);
        const changed = new Set([...afterSecrets.keys()].filter((s) => beforeSecrets.get(s) !== afterSecrets.get(s)));
        assert.ok(changed.size > 0, "no Secret changed");
        // PostgreSQL reads a changed Secret too, but takes its new superuser password while it runs.
        const readers = [...secretReaders(live).entries()].filter(([, names]) => [...names].some((n) => changed.has(n))).map(([w]) => w).sort();
        assert.ok(readers.includes(POSTGRES.name), `postgres does not read the changed Secrets ${[...changed].join(", ")}`);
        const expected = readers.filter((w) => w !== POSTGRES.name);
        assert.ok(expected.length > 0, `no workload reads the changed Secrets ${[...changed].join(", ")}`);
        assert.deepEqual(rolled(beforePods, podsByApp(live)), expected, `changed Secrets: ${[...changed].sort().join(", ")}`);
        const sync = live.kubectl(["logs", `${POSTGRES.name}-0`, "-c", SYNC_CONTAINER, "-n", live.namespace]);
        assert.match(sync, /superuser password set on the running server/);
        // Every business service reconnected with its new password.
        await stillReads(live);
        // Under the load an autoscaler may add a pod (its JVM's warm-up counts after 60 s):
        // that pod must come up on the new passwords too.
        await live.waitAllReady(300);
        assert.ok(counts.ok > 100, `the load sent too little: ${describeCounts(counts)}`);
        assert.equal(counts.failed, 0, describeCounts(counts));
    });

    it("kubectl rollout undo takes a service back, a plain pulumi up leaves it, pulumi up --refresh rolls it forward", async function () {
        const { live, ws, stack } = system(this);
        const target = serviceSpec("user-service").name;
        const stamp = () => live.json<{ spec: { template: { metadata: { annotations?: Record<string, string> } } } }>(["get", "deployment", target]).spec.template.metadata.annotations ?? {};
        const declared = JSON.stringify(stamp());
        live.kubectl(["rollout", "undo", `deployment/${target}`, "-n", live.namespace]);
        live.kubectl(["rollout", "status", `deployment/${target}`, "-n", live.namespace, "--timeout=300s"]);
        const undone = JSON.stringify(stamp());
        assert.notEqual(undone, declared, "rollout undo changed nothing in the pod template");
        // A plain `pulumi up` compares the program with its state, not with the cluster: it
        // sees nothing to do (README, 5.2).
        ok(await ws.pulumi(["up", "-s", stack, "--yes", "--skip-preview"], 900), "up after the undo");
        assert.equal(JSON.stringify(stamp()), undone, "a plain pulumi up changed the undone Deployment");
        ok(await ws.pulumi(["up", "--refresh", "-s", stack, "--yes", "--skip-preview"], 900), "up --refresh after the undo");
        assert.equal(JSON.stringify(stamp()), declared, "pulumi up --refresh did not put the declared pod template back");
        live.kubectl(["rollout", "status", `deployment/${target}`, "-n", live.namespace, "--timeout=300s"]);
    });
});
