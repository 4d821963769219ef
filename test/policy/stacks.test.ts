/** The pack against what the real dev and prod programs declare, with each stack's policy config. */
import { strict as assert } from "assert";
import Ajv from "ajv";
import * as fs from "fs";
import * as path from "path";
import type { EnforcementLevel } from "@pulumi/policy";
import { POLICIES } from "../../policy/rules";
import { declare } from "../support";
import { asDeployed, runPolicy, type AnyPolicy, type ResourceInput } from "../../policy/test/harness";
import { asAnalyzed, asFirstPreview } from "./analyzed";

const POLICY_DIR = path.resolve(__dirname, "..", "..", "policy");
type PackConfig = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

function packConfig(stack: string): PackConfig {
    return JSON.parse(fs.readFileSync(path.join(POLICY_DIR, `${stack}.json`), "utf8")) as PackConfig;
}

function levelOf(config: PackConfig, name: string): EnforcementLevel {
    const own = config[name];
    const all = config.all;
    const level = (c: PackConfig[string] | undefined) => (typeof c === "string" ? c : c?.enforcementLevel);
    return level(own) ?? level(all) ?? "mandatory";
}

function settingsOf(config: PackConfig, name: string): object {
    const own = config[name];
    if (typeof own !== "object") {
        return {};
    }
    const { enforcementLevel: _level, ...rest } = own;
    return rest;
}

async function violations(policy: AnyPolicy, resources: readonly ResourceInput[], config: object, outputs?: readonly ResourceInput[]): Promise<string[]> {
    return runPolicy(policy, { inputs: resources, outputs }, config);
}

async function analyzed(stack: string, config?: Record<string, unknown>): Promise<ResourceInput[]> {
    return (await declare({ stack, config })).resources.filter((r) => r.type.startsWith("kubernetes:")).map(asAnalyzed);
}

describe("policy pack", () => {
    it("names every rule in kebab-case, once, with a description, a severity and remediation steps", () => {
        const names = POLICIES.map((p) => p.name);
        assert.equal(new Set(names).size, names.length);
        for (const p of POLICIES) {
            assert.match(p.name, /^[a-z]+(-[a-z0-9]+)*$/);
            assert.ok(p.description.length > 20 && p.severity && (p.remediationSteps ?? "").length > 20, p.name);
        }
        const modules = fs.readdirSync(path.join(POLICY_DIR, "rules")).filter((f) => f !== "index.ts");
        assert.ok(modules.length >= 10);
    });

    it("assembles the pack from the rule modules only", () => {
        const entry = fs.readFileSync(path.join(POLICY_DIR, "index.ts"), "utf8");
        assert.match(entry, /policies: POLICIES/);
        assert.match(fs.readFileSync(path.join(POLICY_DIR, "PulumiPolicy.yaml"), "utf8"), /runtime: nodejs/);
    });

    it("refuses, as the engine would by each rule's configSchema, config a rule cannot use, and takes its valid form", () => {
        const ajv = new Ajv({ strict: false, useDefaults: false });
        const valid = (rule: string, value: object) => {
            const policy = POLICIES.find((p) => p.name === rule)!;
            return ajv.validate({ type: "object", properties: policy.configSchema!.properties, required: policy.configSchema!.required ?? [], additionalProperties: false }, value);
        };
        const health = (over: object) => ({ dependentHealth: { zipkin: { path: "/health", reports: ["elasticsearch"], ...over } } });
        // [rule, accepted, refused: what a reader of the rule's description would expect refused]
        const cases: [string, object, object][] = [
            ["liveness-independent", { springHealthPath: "/actuator/health" }, { springHealthPath: "actuator/health" }],
            ["liveness-independent", { springHealthPath: "/health" }, { springHealthPath: 5 }],
            ["liveness-independent", health({}), health({ path: "health" })],
            ["liveness-independent", health({}), health({ path: 5 })],
            ["liveness-independent", health({}), health({ reports: [] })],
            ["liveness-independent", health({}), health({ reports: [5] })],
            ["liveness-independent", health({}), health({ reports: "elasticsearch" })],
            ["liveness-independent", health({}), { dependentHealth: { zipkin: { path: "/health" } } }],
            ["liveness-independent", health({}), { dependentHealth: { zipkin: { reports: ["elasticsearch"] } } }],
            ["liveness-independent", health({}), health({ port: 9411 })],
            ["liveness-independent", health({}), { dependentHealth: ["zipkin"] }],
            ["restricted-pod-security", { exempt: ["log-shipper"] }, { exempt: "log-shipper" }],
            ["restricted-pod-security", { exempt: [] }, { exempt: [1] }],
            ["restricted-pod-security", { writableRoot: ["elasticsearch"] }, { writableRoot: "elasticsearch" }],
            ["restricted-pod-security", { writableRoot: [] }, { writableRoot: [true] }],
            ["hpa-for-scalable-services", { minReplicas: 1, maxReplicasCeiling: 1 }, { minReplicas: 0 }],
            ["hpa-for-scalable-services", { maxReplicasCeiling: 10 }, { maxReplicasCeiling: 0 }],
            ["hpa-for-scalable-services", { minReplicas: 2 }, { minReplicas: 1.5 }],
            ["hpa-for-scalable-services", { exempt: ["a", "b"] }, { exempt: ["a", "a"] }],
            ["hpa-for-scalable-services", { exempt: ["a"] }, { exempt: [""] }],
            ["container-resources", { maxCpu: "2", maxMemory: "2Gi" }, { maxCpu: 2 }],
            ["container-resources", { maxMemory: "2Gi" }, { maxMemory: 2048 }],
            ["container-resources", { exceptions: { elasticsearch: { maxCpu: "2", maxMemory: "4Gi" } } }, { exceptions: { elasticsearch: { maxCpu: 2 } } }],
            ["container-resources", { exceptions: { elasticsearch: { maxMemory: "4Gi" } } }, { exceptions: { elasticsearch: { memory: "4Gi" } } }],
            ["container-resources", { exceptions: {} }, { exceptions: { elasticsearch: "4Gi" } }],
            ["image-registry-allowed", { allowed: ["docker.io"] }, { allowed: "docker.io" }],
            ["image-registry-allowed", { allowed: [] }, { allowed: [1] }],
            ["no-privileged-pods", { allowHostPath: ["log-shipper"] }, { allowHostPath: "log-shipper" }],
            ["service-type-restricted", { allowed: ["api-gateway"] }, { allowed: "api-gateway" }],
        ];
        for (const [rule, good, bad] of cases) {
            assert.ok(valid(rule, good), `${rule} refused ${JSON.stringify(good)}: ${ajv.errorsText()}`);
            assert.ok(!valid(rule, bad), `${rule} accepted ${JSON.stringify(bad)}`);
        }
    });

    for (const stack of ["dev", "prod"]) {
        it(`${stack}.json names only real rules and passes each rule's configSchema`, () => {
            const ajv = new Ajv({ strict: false, useDefaults: false });
            const config = packConfig(stack);
            for (const [name, value] of Object.entries(config)) {
                const levelSchema = { enum: ["advisory", "mandatory", "remediate", "disabled"] };
                if (name === "all") {
                    assert.ok(ajv.validate({ anyOf: [levelSchema, { type: "object", properties: { enforcementLevel: levelSchema }, additionalProperties: false }] }, value));
                    continue;
                }
                const policy = POLICIES.find((p) => p.name === name);
                assert.ok(policy, `${stack}.json configures unknown rule ${name}`);
                const schema = {
                    anyOf: [
                        levelSchema,
                        {
                            type: "object",
                            properties: { enforcementLevel: levelSchema, ...(policy.configSchema?.properties ?? {}) },
                            additionalProperties: false,
                        },
                    ],
                };
                assert.ok(ajv.validate(schema, value), `${stack}.json ${name}: ${ajv.errorsText()}`);
            }
        });

        it(`the ${stack} stack passes every rule of its policy config, mandatory and advisory`, async () => {
            const resources = await analyzed(stack);
            const config = packConfig(stack);
            for (const policy of POLICIES) {
                if (levelOf(config, policy.name) === "disabled") continue;
                assert.deepEqual(await violations(policy, resources, settingsOf(config, policy.name)), [], `${policy.name} (${levelOf(config, policy.name)})`);
            }
        });

        // A pull request's preview of a deployed stack: stack rules see what the API server
        // stored, defaults and all (found by the real engine: every rule must pass there too).
        it(`the ${stack} stack passes every rule as a preview of the deployed stack`, async () => {
            const resources = await analyzed(stack);
            const config = packConfig(stack);
            for (const policy of POLICIES) {
                if (levelOf(config, policy.name) === "disabled") continue;
                const found = await violations(policy, resources, settingsOf(config, policy.name), resources.map(asDeployed));
                assert.deepEqual(found, [], `${policy.name} (${levelOf(config, policy.name)})`);
            }
        });

        // The first preview of a new stack: generated passwords are not known yet, and a rule
        // that touches one is skipped whole by the engine.
        it(`every rule runs at the first preview of the ${stack} stack, with generated values unknown`, async () => {
            const resources = (await analyzed(stack)).map(asFirstPreview);
            const config = packConfig(stack);
            for (const policy of POLICIES) {
                assert.deepEqual(await violations(policy, resources, settingsOf(config, policy.name)), [], policy.name);
            }
        });
    }

    it("passes every prod rule with off-site backups on and a restore from the bucket (init containers, the rclone image)", async () => {
        const offsite = { endpoint: "https://s3.eu-west-1.amazonaws.com", bucket: "acme-backups", accessKeyId: "AKIA1", secretAccessKey: "secret-access-key-1", encryptionKey: "a passphrase of some length" };
        const config = { postgres: { backup: { offsite }, restoreFrom: "offsite:full_backup_20260101T020000Z.sql.gz" }, scaleToZero: true };
        const resources = (await declare({ stack: "prod", config, secrets: ["postgres"] })).resources.filter((r) => r.type.startsWith("kubernetes:")).map(asAnalyzed);
        assert.ok(resources.some((r) => JSON.stringify(r.props).includes("offsite.sh")), "the off-site containers are there to judge");
        const pack = packConfig("prod");
        for (const policy of POLICIES) {
            assert.deepEqual(await violations(policy, resources, settingsOf(pack, policy.name)), [], policy.name);
        }
    });

    it("makes the manual's rules mandatory in prod", () => {
        const config = packConfig("prod");
        for (const policy of POLICIES) {
            assert.equal(levelOf(config, policy.name), "mandatory", policy.name);
        }
    });

    describe("fires when a prod resource breaks a rule", () => {
        const config = packConfig("prod");
        const describe = (r: ResourceInput) => {
            const meta = r.props.metadata as { name: string; namespace: string };
            return `${r.type.split(":").pop()} ${meta.namespace}/${meta.name}`;
        };
        const run = async (name: string, resources: ResourceInput[]) => {
            const policy = POLICIES.find((p) => p.name === name)!;
            return violations(policy, resources, settingsOf(config, name));
        };
        const deployment = (resources: ResourceInput[], name: string) =>
            resources.find((r) => r.type === "kubernetes:apps/v1:Deployment" && (r.props.metadata as { name: string }).name === name)!;
        const container = (r: ResourceInput) => ((r.props.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers[0]!);

        it("a dropped memory limit", async () => {
            const resources = structuredClone(await analyzed("prod"));
            delete (container(deployment(resources, "order-service")).resources as { limits: Record<string, string> }).limits.memory;
            assert.deepEqual(await run("container-resources", resources), ['Deployment prod/order-service: container "order-service" declares no limits.memory.']);
        });

        it("a removed backup CronJob", async () => {
            const resources = structuredClone(await analyzed("prod")).filter((r) => r.type !== "kubernetes:batch/v1:CronJob");
            assert.deepEqual(await run("postgres-backup-cronjob", resources), ["StatefulSet prod/postgres has no backup CronJob targeting it (through postgres-service, postgres-headless)."]);
        });

        it("replicas set under an HPA, on a first deployment and on a deployed stack", async () => {
            const resources = structuredClone(await analyzed("prod"));
            (deployment(resources, "user-service").props.spec as { replicas?: number }).replicas = 4;
            const expected = ["Deployment prod/user-service sets spec.replicas (4); its HorizontalPodAutoscaler owns the count, remove it."];
            assert.deepEqual(await run("hpa-for-scalable-services", resources), expected);
            const policy = POLICIES.find((p) => p.name === "hpa-for-scalable-services")!;
            assert.deepEqual(await violations(policy, resources, settingsOf(config, policy.name), resources.map(asDeployed)), expected);
        });

        it("a default password in a Secret, at a first preview where the generated ones are unknown", async () => {
            const resources = structuredClone(await analyzed("prod"));
            const grafana = resources.find((r) => r.type === "kubernetes:core/v1:Secret" && JSON.stringify(r.props.stringData ?? {}).includes("mock-password-"))!;
            (grafana.props.stringData as Record<string, string>)["legacy-password"] = "admin";
            const found = await run("no-default-secrets", resources.map(asFirstPreview));
            assert.deepEqual(found, [`${describe(grafana)}: key "legacy-password" holds a known default value.`]);
        });

        it("an image tagged latest", async () => {
            const resources = structuredClone(await analyzed("prod"));
            container(deployment(resources, "api-gateway")).image = "docker.io/selimhorri/api-gateway-ecommerce-boot:latest";
            assert.deepEqual(await run("image-pinned", resources), [
                'Deployment prod/api-gateway: container "api-gateway" image "docker.io/selimhorri/api-gateway-ecommerce-boot:latest" uses the tag "latest", which changes under a running Deployment.',
            ]);
        });

        it("the program's own config refused to autoscale below the prod minimum", async () => {
            const resources = await analyzed("prod", { autoscaling: { minReplicas: 1 } });
            const found = await run("hpa-for-scalable-services", resources);
            assert.equal(found.length, 8);
            assert.ok(found.every((m) => / minReplicas 1 is below 2\.$/.test(m)));
        });
    });
});

describe("policy pack loading", () => {
    // Pulumi's policy runner (run-policy-pack) registers ts-node with typeCheck: true, which
    // ts-node refuses together with the swc transpiler the program's tsconfig turns on.
    it("compiles under the options Pulumi's policy runner gives ts-node", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const tsNode = require("ts-node") as { create(options: object): { compile(code: string, file: string): string } };
        const service = tsNode.create({ typeCheck: true, project: path.join(POLICY_DIR, "tsconfig.json"), cwd: POLICY_DIR });
        assert.match(service.compile("export const x: number = 1;\n", path.join(POLICY_DIR, "probe.ts")), /x = 1/);
    });
});
