/**
 * The policy pack stands alone and is told per stack what the catalog knows: which
 * Deployments run once, which health endpoints report other services, the manual's
 * resource bounds. Those configs (policy/<stack>.json) must say what the catalog says, so
 * an exemption is a line a reviewer sees, never a side effect of a catalog edit.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { MANUAL_AUTOSCALING, MANUAL_RESOURCES, SERVICES, actuatorPath } from "../../catalog";
import { TOOLS } from "../../catalog/observability";
import { livenessIndependent } from "../../policy/rules/liveness";
import { declare } from "../support";

const POLICY_DIR = path.resolve(__dirname, "..", "..", "policy");
type RuleConfig = Record<string, unknown>;
const ruleConfig = (stack: string, rule: string): RuleConfig =>
    (JSON.parse(fs.readFileSync(path.join(POLICY_DIR, `${stack}.json`), "utf8")) as Record<string, RuleConfig>)[rule] ?? {};
const springHealthDefault = (livenessIndependent.configSchema!.properties.springHealthPath as { default: string }).default;

for (const stack of ["dev", "prod"]) {
    describe(`policy config of ${stack} against the catalog`, () => {
        it("exempts from autoscaling exactly the workloads the catalog runs once, and no scalable service", async () => {
            const scalable: ReadonlySet<string> = new Set(SERVICES.filter((s) => s.scaling === "horizontal").map((s) => s.name));
            const runsOnce = [...SERVICES.filter((s) => !scalable.has(s.name)).map((s) => s.name), ...TOOLS.map((t) => t.name)];
            const exempt = ruleConfig(stack, "hpa-for-scalable-services").exempt as string[];
            const deployments = (await declare({ stack })).objects.filter((o) => o.kind === "Deployment").map((o) => o.metadata.name);
            assert.deepEqual(exempt.filter((n) => scalable.has(n) || !runsOnce.includes(n)), [], "only what runs once may be exempt");
            assert.deepEqual(
                deployments.filter((n) => !scalable.has(n)).sort(),
                [...exempt].filter((n) => deployments.includes(n)).sort(),
                "every Deployment that runs once is named",
            );
            assert.ok(SERVICES.filter((s) => !scalable.has(s.name)).every((s) => exempt.includes(s.name)), "every catalog singleton is named");
        });

        it("names the tools whose health reports another, as the catalog does, and matches every service's aggregate health", () => {
            const config = ruleConfig(stack, "liveness-independent");
            const expected = Object.fromEntries(TOOLS.filter((t) => t.healthPath && t.healthReports?.length).map((t) => [t.name, { path: t.healthPath, reports: t.healthReports }]));
            assert.deepEqual(config.dependentHealth, expected);
            const spring = (config.springHealthPath as string | undefined) ?? springHealthDefault;
            for (const s of SERVICES) assert.ok(actuatorPath(s, "health").endsWith(spring), s.name);
        });

        it("bounds containers by the manual's limits, and replicas by its ceiling", () => {
            const resources = ruleConfig(stack, "container-resources");
            assert.deepEqual({ cpu: resources.maxCpu, memory: resources.maxMemory }, { ...MANUAL_RESOURCES.limits });
            assert.equal(ruleConfig(stack, "hpa-for-scalable-services").maxReplicasCeiling, MANUAL_AUTOSCALING.maxReplicas);
        });
    });
}
