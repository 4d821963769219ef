/**
 * The system on live pods: with E2E_LIVE_STACK naming a stack whose images the cluster of
 * E2E_KUBE_CONTEXT has (`node`: scripts/node/up.sh, then scripts/node/images.sh load),
 * `pulumi up` runs with skipAwait: false, so it waits for real readiness, and the scenario
 * asserts on what the running system does. Skipped without E2E_LIVE_STACK.
 */
import { strict as assert } from "assert";
import { SERVICES } from "../../catalog";
import { liveObjects, namespaceExists, waitUntilGone } from "../../e2e/cluster";
import { LiveSystem } from "../../e2e/live";
import { readiness, type E2eTarget } from "../../e2e/prerequisites";
import { projectName, stackConfig } from "../../offline/stack-config";
import { ok, Workspace } from "../../e2e/workspace";

const LIVE_VARIABLE = "E2E_LIVE_STACK";

interface Workload {
    metadata: { name: string };
    spec: { replicas?: number };
    status: { readyReplicas?: number };
}

describe("the system on live pods", function () {
    const stack = process.env[LIVE_VARIABLE];
    let target: E2eTarget;
    let ws: Workspace;
    let namespace: string;

    before(async function () {
        const ready = readiness();
        if (!ready.ready || !stack) {
            console.log(`  live scenario skipped: ${!ready.ready ? ready.skip : `${LIVE_VARIABLE} names no stack whose images the cluster has`}`);
            this.skip();
        }
        target = ready.target;
        const configured = stackConfig(stack)[`${projectName()}:namespace`];
        if (!configured) {
            throw new Error(`Pulumi.${stack}.yaml sets no namespace`);
        }
        namespace = configured;
        if (namespaceExists(target, namespace)) {
            throw new Error(`namespace ${namespace} already exists in ${target.context}: the scenario starts from empty`);
        }
        ws = Workspace.create(target);
        await ws.initStack(stack, { skipAwait: false, kubeContext: target.context });
    });
    after(async function () {
        if (!ws) return;
        if (this.currentTest?.state === "failed" || process.env.E2E_KEEP) {
            console.log(`  kept ${ws.root} (cli.log has every command and its output)`);
            return;
        }
        ws.dispose();
    });

    it("comes up from empty, waiting for every workload and the smoke test", async function () {
        const up = ok(await ws.pulumi(["up", "-s", stack!, "--yes", "--skip-preview"], 1800), "up from empty");
        console.log(`    pulumi up from empty to every workload ready: ${up.seconds.toFixed(0)} s`);
        const workloads = () => liveObjects(target, [namespace], ["Deployment", "StatefulSet"]).filter((o) => o.kind !== "Namespace").map((o) => o.raw as unknown as Workload);
        const unready = () => workloads().filter((w) => (w.status.readyReplicas ?? 0) < (w.spec.replicas ?? 1)).map((w) => w.metadata.name);
        // Every workload has a ready pod now; one its autoscaler grew during the JVMs'
        // start-up burst may still be starting the extra pods, which get five minutes.
        assert.deepEqual(workloads().filter((w) => (w.status.readyReplicas ?? 0) < 1).map((w) => w.metadata.name), [], "workloads without a ready pod after pulumi up");
        const end = Date.now() + 300_000;
        while (unready().length > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 5000));
        assert.deepEqual(unready(), [], "workloads short of their replicas five minutes after pulumi up");
        const list = { items: workloads() };
        for (const spec of SERVICES) {
            assert.ok(list.items.some((w) => w.metadata.name === spec.name), `no workload ${spec.name}`);
        }
    });

    it("Eureka lists every service that registers", async () => {
        const discovery = SERVICES.find((s) => s.name === "service-discovery")!;
        const eureka = await new LiveSystem(target, namespace).forward(discovery.name, discovery.port);
        try {
            const apps = (await (await fetch(`${eureka.url}/eureka/apps`, { headers: { accept: "application/json" } })).json()) as {
                applications: { application: { name: string; instance: { status: string }[] }[] };
            };
            const up = apps.applications.application.filter((a) => a.instance.some((i) => i.status === "UP")).map((a) => a.name.toLowerCase());
            // Eureka does not list itself; cloud-config's registration is answered 404 on the
            // node (its Eureka client retries every 30 s): services reach it by its Service.
            const registering = SERVICES.filter((s) => s.name !== "service-discovery" && s.name !== "cloud-config").map((s) => s.name);
            assert.deepEqual(registering.filter((n) => !up.includes(n)), [], `Eureka has UP: ${up.join(", ")}`);
        } finally {
            eureka.close();
        }
    });

    it("pulumi destroy leaves nothing of the stack's namespace", async () => {
        ok(await ws.pulumi(["destroy", "-s", stack!, "--yes", "--skip-preview"], 900), "destroy");
        await waitUntilGone(target, [namespace], 300);
    });
});
