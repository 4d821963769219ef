/** The local Docker stack (manual 3.1 option A), from the same catalog and settings. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { withoutSecrets } from "../offline/manifests";
import type { RecordedResource } from "../offline/mocks";
import { ProgramFailure, runProgram } from "../offline/run";
import { MANUAL_SERVICES, MANUAL_START_ORDER, MANUAL_TOOLS, REFERENCE_SERVICES } from "./sources";
import { CONTAINER, containerEnv, containerResources, type ContainerInputs } from "./docker-containers";
import { declare, dependenciesOf, objectName, recorded, type Declared } from "./support";
import { CHECKOUT } from "./fixtures/checkout";

const containers = (d: Declared) => containerResources(d);
const container = (d: Declared, name: string): RecordedResource & { inputs: ContainerInputs } => {
    const found = recorded(d.resources, CONTAINER, name);
    assert.ok(found, `no container ${name}`);
    return found as RecordedResource & { inputs: ContainerInputs };
};
const env = (c: { inputs: ContainerInputs }) => containerEnv(c.inputs);
/** Which other containers it waits for. */
const waitsFor = (d: Declared, name: string) => {
    return dependenciesOf(containers(d), container(d, name));
};

describe("local stack on Docker", () => {
    let d: Declared;
    beforeEach(async () => {
        d = await declare({ stack: "local" });
    });

    it("declares Docker resources only, and the Kubernetes stacks none", async () => {
        assert.ok(d.resources.every((r) => !r.type.startsWith("kubernetes:")));
        assert.ok(containers(d).length >= 10);
        for (const stack of ["dev", "prod"]) {
            assert.ok((await declare({ stack })).resources.every((r) => !r.type.startsWith("docker:")), stack);
        }
    });

    it("runs every catalog service on the manual's port, published on localhost, on the private network", () => {
        const network = d.resources.find((r) => r.type === "docker:index/network:Network")!.inputs.name;
        for (const { name, port } of MANUAL_SERVICES) {
            const c = container(d, name);
            assert.deepEqual(c.inputs.ports, [{ internal: port, external: port, ip: "127.0.0.1" }], name);
            assert.equal(env(c).SERVER_PORT, String(port));
            assert.deepEqual(c.inputs.networksAdvanced, [{ name: network, aliases: [name] }]);
            assert.equal(c.inputs.restart, "unless-stopped");
            assert.ok(c.inputs.memory > 0);
        }
    });

    it("health-checks each service on its real readiness path and waits for it", () => {
        for (const { name, port, contextPath } of REFERENCE_SERVICES) {
            const c = container(d, name);
            assert.deepEqual(c.inputs.healthcheck?.tests, ["CMD-SHELL", `curl -fsS http://localhost:${port}${contextPath}/actuator/health/readiness`]);
            assert.equal(c.inputs.wait, true);
        }
    });

    it("wires the services exactly as on Kubernetes, by container name", async () => {
        const k8s = await declare({ stack: "dev" });
        for (const { name } of MANUAL_SERVICES) {
            const deployment = k8s.objects.find((o) => o.kind === "Deployment" && o.metadata.name === name)!;
            const podEnv = Object.fromEntries(
                ((deployment.spec as { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } }).template.spec.containers[0]!.env).map((e) => [e.name, e.value]),
            );
            const local = env(container(d, name));
            for (const key of ["SPRING_CONFIG_IMPORT", "EUREKA_CLIENT_SERVICEURL_MYZONE", "EUREKA_CLIENT_SERVICE_URL_DEFAULTZONE", "SPRING_ZIPKIN_BASE_URL", "SERVER_PORT"]) {
                assert.equal(local[key], podEnv[key], `${name} ${key}`);
            }
        }
    });

    it("runs the observability tools with the same environment as on Kubernetes", async () => {
        const k8s = await declare({ stack: "dev" });
        for (const name of ["elasticsearch", "logstash", "kibana", "zipkin"]) {
            const workload = k8s.objects.find((o) => ["Deployment", "StatefulSet"].includes(o.kind) && o.metadata.name === name)!;
            const podEnv = Object.fromEntries(
                ((workload.spec as { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } }).template.spec.containers[0]!.env).map((e) => [e.name, e.value]),
            );
            const local = env(container(d, name));
            // Only the stack's own name differs between the two (cluster and server names).
            const sameKeys = Object.keys(podEnv).filter((k) => !["cluster.name", "SERVER_NAME", "ES_JAVA_OPTS", "LS_JAVA_OPTS"].includes(k));
            assert.deepEqual(Object.keys(local).sort(), Object.keys(podEnv).sort(), name);
            for (const key of sameKeys) {
                assert.equal(local[key], podEnv[key], `${name} ${key}`);
            }
        }
    });

    it("creates each service only after what it starts after is healthy (manual 9.1)", () => {
        const [first, second, third] = MANUAL_START_ORDER;
        assert.deepEqual(waitsFor(d, first!), []);
        assert.deepEqual(waitsFor(d, second!), [first]);
        assert.deepEqual(waitsFor(d, third!).sort(), [first, second].sort());
        for (const { name } of MANUAL_SERVICES.filter((s) => !MANUAL_START_ORDER.includes(s.name))) {
            const deps = waitsFor(d, name);
            assert.ok(deps.includes(first!) && deps.includes(second!), name);
        }
    });

    it("publishes the tools of manual 4.2 without two on one host port", () => {
        const published = containers(d).flatMap((c) => ((c.inputs as unknown as ContainerInputs).ports ?? []).map((p) => [objectName(c), p.external] as const));
        const ports = published.map(([, p]) => p);
        assert.equal(new Set(ports).size, ports.length, JSON.stringify(published));
        for (const [title, port] of Object.entries(MANUAL_TOOLS)) {
            const name = title.toLowerCase().replace(/\s+/g, "-");
            const host = published.find(([n]) => n === name)![1];
            // Grafana gives way to the Proxy Client, which the manual also puts on 3000.
            assert.equal(host, name === "grafana" ? 3001 : port, title);
        }
        assert.equal((d.outputs.urls as Record<string, string>).Grafana, "http://localhost:3001");
    });

    it("keeps data in named volumes that survive destroy unless told otherwise", async () => {
        const volumes = d.resources.filter((r) => r.type === "docker:index/volume:Volume");
        assert.deepEqual(volumes.map((v) => v.name).sort(), ["local-alertmanager-data", "local-elasticsearch-data", "local-grafana-data", "local-postgres-backups", "local-postgres-data", "local-prometheus-data"]);
        assert.ok(volumes.every((v) => v.retainOnDelete));
        assert.deepEqual(container(d, "postgres").inputs.volumes.map((v) => v.containerPath), ["/var/lib/postgresql/data"]);
        const down = await declare({ stack: "local", config: { docker: { keepVolumes: false } } });
        assert.ok(down.resources.filter((r) => r.type === "docker:index/volume:Volume").every((v) => !v.retainOnDelete));
    });

    it("keeps the same volumes when the containers change, so data survives pulumi up", async () => {
        const changed = await declare({ stack: "local", config: { imageTag: "0.1.1", restartedAt: "2025-01-31T10:00:00Z" } });
        const volumes = (x: Declared) => JSON.stringify(x.resources.filter((r) => r.type === "docker:index/volume:Volume").map((v) => [v.name, v.inputs]));
        assert.equal(volumes(changed), volumes(d));
        assert.notEqual(JSON.stringify(container(changed, "order-service").inputs), JSON.stringify(container(d, "order-service").inputs));
    });

    it("stops every service with scaleToZero, keeping PostgreSQL, its backups and the tools, so a restore meets no connection (manual 3.2, 9.2)", async () => {
        const stopped = await declare({ stack: "local", config: { scaleToZero: true, postgres: { restoreFrom: "full_backup_1.sql.gz" } } });
        const names = (x: Declared) => containers(x).map((c) => objectName(c));
        for (const { name } of MANUAL_SERVICES) {
            assert.ok(names(d).includes(name), `${name} runs normally`);
            assert.ok(!names(stopped).includes(name), `${name} still runs with scaleToZero`);
        }
        for (const name of ["postgres", "postgres-backup", "postgres-restore", "prometheus", "zipkin"]) {
            assert.ok(names(stopped).includes(name), `${name} is gone with scaleToZero`);
        }
    });

    it("backs up with the same script as the CronJob, on the same schedule", () => {
        const backup = container(d, "postgres-backup");
        const script = fs.readFileSync(path.resolve(__dirname, "..", "scripts", "postgres", "backup.sh"), "utf8");
        assert.equal(backup.inputs.uploads.find((u) => u.file === "/scripts/backup.sh")?.content, script);
        assert.equal(env(backup).BACKUP_SCHEDULE, "0 2 * * *");
        assert.ok(backup.inputs.volumes.some((v) => v.containerPath === "/backups"));
    });

    it("keeps the passwords secret", () => {
        assert.ok(d.secretOutputs.includes("grafanaAdminPassword"));
        for (const name of ["postgres", "postgres-provision", "postgres-backup", "grafana"]) {
            const inputs = container(d, name).inputs;
            assert.ok(JSON.stringify(inputs).includes("mock-password"), `${name} gets its password`);
            assert.ok(!JSON.stringify(withoutSecrets(inputs)).includes("mock-password"), `${name}'s environment is marked secret`);
        }
    });

    it("rejects two containers on one host port, naming both", async () => {
        await assert.rejects(runProgram({ stack: "local", config: { docker: { hostPorts: { grafana: 3000 } } } }), (error: unknown) => {
            assert.ok(error instanceof ProgramFailure);
            assert.equal(error.declared.length, 0);
            assert.match(error.message, /ecommerce:docker\.hostPorts: proxy-client and grafana would all publish host port 3000/);
            return true;
        });
        await assert.rejects(runProgram({ stack: "local", config: { docker: { hostPorts: { grafna: 3002 } } } }), /ecommerce:docker\.hostPorts\.grafna: nothing called grafna is published; publishable: cloud-config/);
    });

    it("rejects an unknown target", async () => {
        await assert.rejects(runProgram({ stack: "local", config: { target: "compose" } }), /ecommerce:target: must be one of "kubernetes", "docker"; written: "compose"/);
    });
});

describe("image builds", () => {
    it("builds each service from the checkout and runs what it built, locally", async () => {
        const d = await declare({ stack: "local", config: { imageBuild: { context: CHECKOUT } } });
        const images = d.resources.filter((r) => r.type === "docker:index/image:Image");
        assert.equal(images.length, MANUAL_SERVICES.length);
        for (const { name } of MANUAL_SERVICES) {
            const image = images.find((i) => i.name.endsWith(`${name}-image`))!.inputs as { imageName: string; build: { dockerfile: string; context: string; platform: string }; skipPush: boolean };
            assert.equal(image.build.dockerfile, `${CHECKOUT}/${name}/Dockerfile`);
            // One platform whatever machine builds: an arm64 laptop still builds what amd64 nodes run.
            assert.equal(image.build.platform, "linux/amd64", name);
            assert.equal(image.build.context, CHECKOUT);
            assert.equal(image.skipPush, true);
            assert.equal(container(d, name).inputs.image, image.imageName);
        }
    });

    it("pushes for Kubernetes, and runs the pushed digest", async () => {
        const d = await declare({ stack: "prod", config: { imageBuild: { context: CHECKOUT, registry: "registry.example.com/shop", push: true } } });
        const deployment = d.objects.find((o) => o.kind === "Deployment" && o.metadata.name === "order-service")!;
        const image = (deployment.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image;
        assert.match(image, /^registry\.example\.com\/shop\/order-service-ecommerce-boot@sha256:[0-9a-f]{64}$/);
    });

    it("refuses a Kubernetes build that is not pushed anywhere", async () => {
        await assert.rejects(runProgram({ stack: "prod", config: { imageBuild: { context: CHECKOUT } } }), /ecommerce:imageBuild: a Kubernetes stack pulls its images from a registry; set imageBuild.registry and imageBuild.push: true/);
    });
});
