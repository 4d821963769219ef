/**
 * Found on live pods (npm run test:system, a new imageTag rolled six services at three
 * replicas): new pods failed to start with "remaining connection slots are reserved",
 * since PostgreSQL's default 100 connections were held by Spring's default pools of 10.
 * Read from the rendered objects: at every autoscaler's maximum, during a roll-out, every
 * pool fits under the server's max_connections with room for the Jobs and an operator.
 */
import { strict as assert } from "assert";
import { judge } from "./settings-judge";
import { declare, envOf, find, ofKind, refusal, workload, type ContainerView, type Declared } from "./support";

/** PostgreSQL's reserve for superusers (superuser_reserved_connections) and room for the Jobs and an operator's psql. */
const RESERVED = 3;
const JOBS_AND_OPERATOR = 8;

function serverMaxConnections(d: Declared): number {
    const container = workload(find(d.objects, "StatefulSet", "postgres")).template.spec.containers[0] as ContainerView & { args?: string[] };
    const setting = (container.args ?? []).find((a) => a.startsWith("max_connections="));
    // Unset: PostgreSQL's default.
    return setting ? Number(setting.split("=")[1]) : 100;
}

function poolsAtMost(d: Declared): { total: number; services: number } {
    let total = 0;
    let services = 0;
    for (const deployment of ofKind(d.objects, "Deployment")) {
        const container = workload(deployment).template.spec.containers[0]!;
        const env = envOf(container);
        if (!env.SPRING_DATASOURCE_URL) continue;
        services++;
        // Hikari's default pool when the variable is unset.
        const pool = Number(env.SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE ?? 10);
        const hpa = ofKind(d.objects, "HorizontalPodAutoscaler").find((h) => h.metadata.name === deployment.metadata.name);
        const replicas = hpa ? (hpa.spec as { maxReplicas: number }).maxReplicas : (workload(deployment).replicas ?? 1);
        const surge = Number((deployment.spec as { strategy?: { rollingUpdate?: { maxSurge?: number } } }).strategy?.rollingUpdate?.maxSurge ?? 1);
        total += (replicas + surge) * pool;
    }
    return { total, services };
}

describe("PostgreSQL's connections", () => {
    // The node stack runs the services on PostgreSQL (dev and prod keep the images' embedded database).
    for (const [what, config] of [
        ["as shipped", {}],
        ["at the manual's autoscaling (2-10)", { autoscaling: { minReplicas: 2, maxReplicas: 10 } }],
    ] as const) {
        it(`node stack ${what}: every pool at the autoscalers' maxima, during a roll-out, fits max_connections`, async () => {
            const d = await declare({ stack: "node", config });
            const pools = poolsAtMost(d);
            assert.equal(pools.services, 6, "services with a datasource");
            const max = serverMaxConnections(d);
            assert.ok(pools.total + RESERVED + JOBS_AND_OPERATOR <= max, `pools ${pools.total} + ${RESERVED + JOBS_AND_OPERATOR} > max_connections ${max}`);
        });
    }

    it("refuses autoscaling that PostgreSQL could not serve, naming both keys and the number needed", async () => {
        const failure = await refusal({ stack: "node", config: { autoscaling: { minReplicas: 2, maxReplicas: 20 } } });
        // 6 services x (20 + 1) pods x 5 connections, plus 20: 650.
        assert.match(failure.message, /ecommerce:postgres\.maxConnections: 400 is too few .*: 650 are needed .*autoscaling\.maxReplicas/);
        const raised = await declare({ stack: "node", config: { autoscaling: { minReplicas: 2, maxReplicas: 20 }, postgres: { maxConnections: 700 } } });
        assert.equal(serverMaxConnections(raised), 700);
    });

    it("refuses a maxConnections PostgreSQL cannot use, saying what is allowed", () => {
        const judged = judge("node", { postgres: { maxConnections: 10 } });
        assert.ok("error" in judged && /ecommerce:postgres\.maxConnections: must be at least 50/.test(judged.error), JSON.stringify(judged));
    });

    it("scaling by config, or stopping the services, leaves the server alone, so it does not restart", async () => {
        const running = await declare({ stack: "node" });
        const postgres = (d: Declared) => JSON.stringify(find(d.objects, "StatefulSet", "postgres").spec);
        for (const config of [{ scaleToZero: true }, { autoscaling: { minReplicas: 1, maxReplicas: 2 } }]) {
            assert.equal(postgres(await declare({ stack: "node", config })), postgres(running), JSON.stringify(config));
        }
    });
});
