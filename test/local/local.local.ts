/**
 * `npm run test:local`: the local stack (manual 3.1 option A) for real. The real `pulumi`
 * CLI with the Docker provider built here (scripts/node/build-docker-provider.sh) brings
 * `Pulumi.local.yaml` up on a Docker engine of our own (scripts/node/dockerd.sh), with the
 * images scripts/node/images.sh builds (the node stack's image keys, applied to the local
 * stack) and what cannot run here switched off (Grafana and the ELK stack: no images). Then
 * it asserts on the running containers, as the README's "Local stack on Docker" says an
 * operator uses them. Never part of `npm test` or `.ci/run`.
 */
import { strict as assert } from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { POSTGRES, SERVICES, serviceSpec } from "../../catalog";
import { call, newWritten, writeThroughGateway, writtenRows } from "../../e2e/data-path";
import { until } from "../../e2e/live";
import { ok, Workspace } from "../../e2e/workspace";
import { PROJECT_DIR } from "../../offline/stack-config";

const STACK = "local";
const NODE_CACHE = process.env.NODE_CACHE ?? path.join(os.homedir(), ".cache", "ecommerce-node");
const PROVIDER_DIR = path.join(NODE_CACHE, "bin");
const SCRIPTS = path.join(PROJECT_DIR, "scripts", "node");

/** The node stack's image keys (the images images.sh builds here), and the tools it cannot run off. */
function runsHere(local: Record<string, unknown>): Record<string, unknown> {
    const node = (parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.node.yaml"), "utf8")) as { config: Record<string, unknown> }).config;
    const n = (key: string) => node[`ecommerce:${key}`] as Record<string, Record<string, Record<string, unknown>>>;
    const obs = (local.observability ?? {}) as Record<string, Record<string, unknown>>;
    return {
        datasource: node["ecommerce:datasource"],
        configServerFolder: node["ecommerce:configServerFolder"],
        imageRegistry: node["ecommerce:imageRegistry"],
        imageTag: node["ecommerce:imageTag"],
        waitImage: node["ecommerce:waitImage"],
        postgres: { ...((local.postgres as object) ?? {}), image: n("postgres").image },
        observability: {
            ...obs,
            tracing: { ...obs.tracing, zipkin: { image: n("observability").tracing!.zipkin!.image } },
            metrics: { ...obs.metrics, prometheus: { image: n("observability").metrics!.prometheus!.image }, grafana: { enabled: false } },
            alerting: { alertmanager: { image: n("observability").alerting!.alertmanager!.image } },
            logging: { enabled: false },
        },
    };
}

describe("the local stack on a real Docker engine", function () {
    let ws: Workspace;
    let host: string;
    const docker = (args: readonly string[]) => execFileSync("docker", ["-H", host, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    /** The stack's containers (label app.kubernetes.io/instance=local), by name. */
    const containers = () =>
        docker(["ps", "-a", "--filter", `label=app.kubernetes.io/instance=${STACK}`, "--format", "{{.Names}}"])
            .split("\n")
            .filter(Boolean)
            .sort();
    const state = (name: string) => JSON.parse(docker(["inspect", "--format", "{{json .State}}", name])) as { Status: string; ExitCode: number; Health?: { Status: string } };
    const psql = (db: string, sql: string) => docker(["exec", POSTGRES.name, "psql", "-X", "-U", POSTGRES.superuser, "-d", db, "-tAc", sql]).trim();
    const gateway = () => `http://127.0.0.1:${serviceSpec("api-gateway").port}`;
    const written = newWritten("local");
    const suiteStarted = Date.now();
    const figures: string[] = [];

    before(async function () {
        const skip = (why: string) => {
            console.log(`    skipped: ${why}`);
            this.skip();
        };
        if (!fs.existsSync(path.join(PROVIDER_DIR, "pulumi-resource-docker"))) return skip(`no Docker provider: bash ${SCRIPTS}/build-docker-provider.sh`);
        if (execFileSync("sh", ["-c", "command -v pulumi || true"], { encoding: "utf8" }).trim() === "") return skip("no pulumi on PATH (source ~/.cache/pulumi-engine/env.sh)");
        host = execFileSync("bash", [path.join(SCRIPTS, "dockerd.sh"), "start"], { encoding: "utf8" }).trim().split("\n").pop()!;
        const missing = execFileSync("bash", [path.join(SCRIPTS, "images.sh"), "list"], { encoding: "utf8" })
            .trim()
            .split("\n")
            .map((l) => l.split(" ")[1]!)
            .filter((image) => {
                try {
                    docker(["image", "inspect", image]);
                    return false;
                } catch {
                    return true;
                }
            });
        if (missing.length > 0) return skip(`images not built in ${host}: ${missing.join(", ")} (bash ${SCRIPTS}/images.sh build)`);
        assert.deepEqual(containers(), [], `containers of stack ${STACK} already exist on ${host}`);
        process.env.DOCKER_HOST = host;
        process.env.PATH = `${PROVIDER_DIR}:${process.env.PATH}`;
        ws = Workspace.create({ kubeconfig: "/dev/null", context: "none" });
        const local = (parse(ws.stackFile(STACK)) as { config: Record<string, unknown> }).config;
        const bare = Object.fromEntries(Object.entries(local).map(([k, v]) => [k.replace(/^ecommerce:/, ""), v]));
        await ws.initStack(STACK, { ...runsHere(bare), docker: { host } });
        console.log(`    workspace ${ws.root} (cli.log has every command); Docker at ${host}`);
    });

    after(async function () {
        if (ws && !process.env.LOCAL_KEEP) {
            await ws.pulumi(["destroy", "-s", STACK, "--yes", "--skip-preview"], 900);
            // The volumes destroy keeps, so that the next run starts from empty too.
            const volumes = docker(["volume", "ls", "--format", "{{.Name}}"]).split("\n").filter((v) => v.startsWith(`ecommerce-${STACK}-`));
            if (volumes.length > 0) docker(["volume", "rm", ...volumes]);
            fs.rmSync(ws.root, { recursive: true, force: true });
        }
        if (figures.length > 0) console.log(`\n  figures (${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores):\n${figures.map((f) => `    ${f}`).join("\n")}`);
    });

    it("pulumi up brings every container up, the services healthy, in the manual's order", async () => {
        const up = ok(await ws.pulumi(["up", "-s", STACK, "--yes", "--skip-preview"], 1800), "pulumi up -s local");
        figures.push(`pulumi up from empty until every container healthy (the provider waits for each health check): ${up.seconds.toFixed(0)} s`);
        const names = containers();
        for (const { name } of SERVICES) {
            assert.ok(names.includes(name), `no container ${name} among ${names.join(", ")}`);
            assert.equal(state(name).Health?.Status, "healthy", name);
        }
        for (const name of names) {
            const s = state(name);
            assert.ok(s.Status === "running" || (s.Status === "exited" && s.ExitCode === 0), `${name}: ${JSON.stringify(s)}`);
        }
        const started = (name: string) => Date.parse(JSON.parse(docker(["inspect", "--format", "{{json .State.StartedAt}}", name])) as string);
        assert.ok(started("cloud-config") < started("service-discovery") && started("service-discovery") < started("api-gateway"), "9.1's order");
    });

    it("a second preview shows no change", async () => {
        ok(await ws.pulumi(["preview", "-s", STACK, "--expect-no-changes"], 600), "pulumi preview --expect-no-changes");
    });

    it("the gateway answers on its published port, and a write through it lands in PostgreSQL", async () => {
        const health = await until("the gateway's health on 127.0.0.1", 120, async () => {
            const r = await call(`${gateway()}/actuator/health`).catch(() => undefined);
            return r?.status === 200 ? r : undefined;
        });
        assert.equal(health.body.status, "UP");
        // Eureka's registry reaches the gateway within its caches' intervals.
        await until("the business services routed by the gateway", 180, async () => {
            const r = await call(`${gateway()}/product-service/api/products`).catch(() => undefined);
            return r?.status === 200 ? true : undefined;
        });
        await writeThroughGateway(gateway(), written);
        assert.deepEqual(writtenRows(written, psql), { products: 1, orders: 1 });
    });

    let dump = "";
    it("the backup container writes a dump with its checksum, as its schedule runs it", () => {
        docker(["exec", "postgres-backup", "sh", "-c", ". /scripts/env.sh && sh /scripts/backup.sh"]);
        dump = docker(["exec", "postgres-backup", "cat", "/backups/.latest"]).trim();
        assert.match(dump, /^full_backup_\d{8}T\d{6}Z\.sql\.gz$/);
        docker(["exec", "-w", "/backups", "postgres-backup", "sha256sum", "-c", `${dump}.sha256`]);
    });

    it("the README's restore procedure brings the rows back: scaleToZero, restoreFrom, then back", async () => {
        psql(serviceSpec("product-service").database!, `DELETE FROM products WHERE sku = '${written.sku}'`);
        assert.equal(writtenRows(written, psql).products, 0);
        // Step 1: stop the writers, in an up of its own (Pulumi deletes last, so in one up with
        // restoreFrom the restore would meet the services' open connections).
        ws.setConfig(STACK, { scaleToZero: true });
        ok(await ws.pulumi(["up", "-s", STACK, "--yes", "--skip-preview"], 1200), "up with scaleToZero");
        assert.ok(!containers().includes("api-gateway"), "the services still run with scaleToZero");
        // Step 2: the restore.
        ws.setConfig(STACK, { postgres: { ...ws.configValue(STACK, "postgres"), restoreFrom: dump } });
        ok(await ws.pulumi(["up", "-s", STACK, "--yes", "--skip-preview"], 1200), "up with restoreFrom");
        await until("the restore container finished", 300, () => (state("postgres-restore").Status === "exited" ? true : undefined));
        const logs = spawnSync("docker", ["-H", host, "logs", "postgres-restore"], { encoding: "utf8" });
        assert.equal(state("postgres-restore").ExitCode, 0, logs.stdout + logs.stderr);
        assert.deepEqual(writtenRows(written, psql), { products: 1, orders: 1 });
        const { restoreFrom: _done, ...postgres } = ws.configValue(STACK, "postgres");
        ws.setConfig(STACK, { scaleToZero: undefined, postgres });
        ok(await ws.pulumi(["up", "-s", STACK, "--yes", "--skip-preview"], 1800), "up with the services back");
        await until("the product reads back through the gateway", 240, async () => {
            const r = await call(`${gateway()}/product-service/api/products`).catch(() => undefined);
            return r?.status === 200 && JSON.stringify(r.body).includes(written.sku) ? true : undefined;
        });
    });

    it("imageBuild builds the ten services from their sources, and the stack runs what it built", async () => {
        // The checkout images.sh built (its jars in <service>/target), whose Dockerfiles start FROM openjdk:11:
        // here that name is given to the JRE image images.sh builds (Java 17 runs the Java 11 jars).
        const sources = path.join(NODE_CACHE, "services-src");
        const tree = fs
            .readdirSync(sources)
            .map((d) => path.join(sources, d))
            .filter((d) => fs.existsSync(path.join(d, ".built")))
            .sort((a, b) => fs.statSync(path.join(b, ".built")).mtimeMs - fs.statSync(path.join(a, ".built")).mtimeMs)[0];
        assert.ok(tree, `no built checkout under ${sources} (bash ${SCRIPTS}/images.sh build)`);
        docker(["tag", "ecommerce.local/jre:17", "openjdk:11"]);
        ws.setConfig(STACK, { imageBuild: { context: tree } });
        const up = ok(await ws.pulumi(["up", "-s", STACK, "--yes", "--skip-preview"], 2400), "up with imageBuild");
        figures.push(`imageBuild: the ten images built and their containers replaced, healthy: ${up.seconds.toFixed(0)} s`);
        const tag = (parse(ws.stackFile(STACK)) as { config: Record<string, string> }).config["ecommerce:imageTag"];
        for (const { name } of SERVICES) {
            const image = docker(["inspect", "--format", "{{.Config.Image}}", name]).trim();
            assert.ok(image.endsWith(`/${name}-ecommerce-boot:${tag}`), `${name} runs ${image}`);
            const created = Date.parse(docker(["image", "inspect", "--format", "{{.Created}}", image]).trim());
            assert.ok(created > suiteStarted, `${name}'s image ${image} was not built by this run (created ${new Date(created).toISOString()})`);
            assert.equal(state(name).Health?.Status, "healthy", name);
        }
        await until("the product reads back through the gateway", 240, async () => {
            const r = await call(`${gateway()}/product-service/api/products`).catch(() => undefined);
            return r?.status === 200 && JSON.stringify(r.body).includes(written.sku) ? true : undefined;
        });
    });

    it("pulumi destroy leaves no container or network of the stack, and keeps its data volumes", async () => {
        const volumesBefore = docker(["volume", "ls", "--format", "{{.Name}}"]).split("\n").filter((v) => v.startsWith(`ecommerce-${STACK}-`));
        assert.ok(volumesBefore.includes(`ecommerce-${STACK}-postgres-data`), volumesBefore.join(", "));
        ok(await ws.pulumi(["destroy", "-s", STACK, "--yes", "--skip-preview"], 900), "pulumi destroy -s local");
        assert.deepEqual(containers(), []);
        assert.deepEqual(docker(["network", "ls", "--format", "{{.Name}}"]).split("\n").filter((n) => n.includes(`ecommerce-${STACK}`)), []);
        // README: named volumes survive destroy by default (docker.keepVolumes).
        const volumesAfter = docker(["volume", "ls", "--format", "{{.Name}}"]).split("\n").filter((v) => v.startsWith(`ecommerce-${STACK}-`));
        assert.deepEqual(volumesAfter.sort(), volumesBefore.sort());
    });
});
