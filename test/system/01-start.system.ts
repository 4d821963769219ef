/** Manual 3.1 and 9.1: the system starts from empty, in the manual's order, and answers. */
import { strict as assert } from "assert";
import { SERVICES, serviceSpec } from "../../catalog";
import { until } from "../../e2e/live";
import { ok } from "../../e2e/workspace";
import { figure, system } from "./fixture";

describe("1. start (manual 3.1, 9.1)", function () {
    it("pulumi up from empty ends with every workload ready and the smoke test passed", async function () {
        const { ws, live, stack, reused } = system(this);
        if (reused) {
            console.log("    (reused workspace: the system is already up; checking it as it is)");
        } else {
            const up = ok(await ws.pulumi(["up", "-s", stack, "--yes", "--skip-preview"], 1800), "up from empty");
            figure("start", "pulumi up from empty to every workload ready (skipAwait: false)", `${up.seconds.toFixed(0)} s`);
        }
        assert.deepEqual(live.unready(true), [], "workloads without a ready pod after pulumi up");
        // Autoscalers may have grown a service during the JVMs' start-up burst; the extra
        // pods are still starting and get five minutes.
        await live.waitAllReady(300);
        const names = live.workloads().map((w) => w.name);
        assert.deepEqual(SERVICES.map((s) => s.name).filter((n) => !names.includes(n)), [], "services without a workload");
        const smoke = live.json<{ status: { succeeded?: number; failed?: number } }>(["get", "job", "smoke-test"]);
        assert.ok((smoke.status.succeeded ?? 0) >= 1, `smoke-test Job did not succeed: ${JSON.stringify(smoke.status)}`);
    });

    it("the services became ready in the manual's order", function () {
        const { live } = system(this);
        const pods = live.pods();
        const firstReady = new Map<string, number>();
        for (const p of pods) {
            if (p.readySince === undefined) continue;
            firstReady.set(p.app, Math.min(firstReady.get(p.app) ?? Infinity, p.readySince));
        }
        const order = [...firstReady.entries()].sort((a, b) => a[1] - b[1]);
        const t0 = order[0][1];
        figure("start", "ready order (s after the first pod)", order.map(([app, t]) => `${app} ${((t - t0) / 1000).toFixed(0)}`).join(", "));
        for (const spec of SERVICES) {
            const mine = firstReady.get(spec.name);
            assert.ok(mine !== undefined, `${spec.name} has no ready pod`);
            for (const before of spec.startsAfter) {
                const theirs = firstReady.get(serviceSpec(before).name);
                assert.ok(theirs !== undefined && theirs <= mine, `${spec.name} was ready before ${before}, which manual 9.1 starts first`);
            }
        }
    });

    it("Eureka lists every service that registers, UP", async function () {
        const { live } = system(this);
        const discovery = serviceSpec("service-discovery");
        const eureka = await live.forward(discovery.name, discovery.port);
        try {
            // Eureka does not list itself. A client whose first registration came too early
            // registers again on its next heartbeat (30 s), so the list gets two minutes.
            const registering = SERVICES.filter((s) => s.name !== discovery.name).map((s) => s.name);
            let up: string[] = [];
            await until(`every service UP in Eureka`, 120, async () => {
                const apps = (await (await fetch(`${eureka.url}/eureka/apps`, { headers: { accept: "application/json" } })).json()) as {
                    applications: { application: { name: string; instance: { status: string }[] }[] };
                };
                up = apps.applications.application.filter((a) => a.instance.some((i) => i.status === "UP")).map((a) => a.name.toLowerCase());
                return registering.every((n) => up.includes(n)) ? true : undefined;
            }, 5000).catch(() => undefined);
            const missing = registering.filter((n) => !up.includes(n));
            // What each missing service's Eureka client said, for the failure message.
            const said = missing.map((n) => `${n}:\n${live.kubectl(["logs", `deployment/${n}`, "-n", live.namespace, "--tail=400"]).split("\n").filter((l) => /registration status|Request execution|404/.test(l)).slice(0, 6).join("\n")}`);
            assert.deepEqual(missing, [], `Eureka has UP: ${up.join(", ")}\n${said.join("\n")}`);
        } finally {
            eureka.close();
        }
    });
});
