/**
 * The local Docker stack's containers read what they are given: every script or file a
 * container is told to run or read is uploaded into it or on a volume it mounts, one-shot
 * jobs run to completion with their logs shown, long-running ones restart and report
 * health on their own port, sizes follow the stack's limits, and every container carries
 * the labels `docker ps --filter` needs. Checked across all containers, with off-site
 * backups and a restore from the bucket on, as the Docker engine would read them.
 */
import { strict as assert } from "assert";
import { parse } from "yaml";
import { SERVICES, serviceSpec } from "../catalog";
import { ELASTICSEARCH, KIBANA, PROMETHEUS } from "../catalog/observability";
import { parseCpu, parseMemory } from "../lib/quantity";
import { revealSecrets } from "../offline/manifests";
import { containerEnv, containerResources, type ContainerInputs } from "./docker-containers";
import { settingsOf } from "./settings-judge";
import { declare, type Declared } from "./support";

type Inputs = ContainerInputs;

const containers = (d: Declared): Inputs[] => containerResources(d).map((r) => revealSecrets(r.inputs) as unknown as Inputs);
const byName = (d: Declared, name: string): Inputs => {
    const found = containers(d).find((c) => c.name === name);
    assert.ok(found, `no container ${name}`);
    return found;
};
const envOf = (c: Inputs) => containerEnv(c);
/** A Go duration as the provider reads it back ("4m0s", "10s"), in seconds. */
const seconds = (d: string) => {
    const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(d);
    return m && d !== "" ? Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0) : NaN;
};

/** Absolute paths a container runs or reads: scripts and files in its command line, and *_FILE variables. */
function referenced(c: Inputs): string[] {
    const line = [...(c.entrypoints ?? []), ...(c.command ?? [])];
    // Files the command line writes itself are not expected beforehand.
    const written = new Set(line.flatMap((w) => [...w.matchAll(/>\s*(\/[\w./-]+)/g)].map((m) => m[1]!)));
    const words = line.flatMap((w) => w.match(/(?<![\w$}])\/(?:scripts|usr\/share|etc)\/[\w./-]+\.(?:sh|yml|yaml|conf|json)/g) ?? []).filter((p) => !written.has(p));
    const files = Object.entries(envOf(c)).filter(([k, v]) => /_FILE$/.test(k) && v.startsWith("/")).map(([, v]) => v);
    return [...words, ...files];
}

const SECRETS = ["postgres"];
const OFFSITE = { endpoint: "https://s3.eu-west-1.amazonaws.com", bucket: "acme-backups", accessKeyId: "AKIA1", secretAccessKey: "secret-key-value", encryptionKey: "a passphrase of sixteen+" };
const VARIANTS = [
    ["as shipped", {}],
    ["with off-site copies", { postgres: { backup: { offsite: OFFSITE } } }],
    ["restoring from the bucket", { postgres: { backup: { offsite: OFFSITE }, restoreFrom: "offsite:full_backup_20250101T020000Z.sql.gz" }, scaleToZero: true }],
    ["restoring from the volume", { postgres: { restoreFrom: "full_backup_20250101T020000Z.sql.gz" }, scaleToZero: true }],
] as const;

for (const [what, config] of VARIANTS) {
    const stopped = (config as { scaleToZero?: boolean }).scaleToZero === true;
    describe(`local Docker stack, ${what}: what each container is given`, () => {
        let d: Declared;
        beforeEach(async () => {
            d = await declare({ stack: "local", config, secrets: SECRETS });
        });

        it("uploads or mounts every script and file a container runs or reads", () => {
            let checked = 0;
            for (const c of containers(d)) {
                for (const path of referenced(c)) {
                    const uploaded = c.uploads.some((u) => u.file === path && u.content.length > 0);
                    const mounted = c.volumes.some((v) => path.startsWith(`${v.containerPath}/`));
                    assert.ok(uploaded || mounted, `${c.name} runs or reads ${path}, which is neither uploaded nor on a volume`);
                    checked++;
                }
            }
            assert.ok(checked >= 3, `${checked} paths`);
        });

        it("runs one-shot jobs to completion with their logs, and keeps the rest up, waiting for their health", () => {
            const settings = settingsOf("local", config, SECRETS);
            for (const c of containers(d)) {
                if (c.restart === "no") {
                    // pulumi up waits for the job to exit, shows its output, and does not start it again on the next up.
                    assert.deepEqual([c.mustRun, c.attach, c.logs], [false, true, true], c.name);
                    continue;
                }
                assert.equal(c.restart, "unless-stopped", c.name);
                assert.equal(c.wait, c.healthcheck !== undefined, `${c.name}: up waits exactly when there is a health to wait for`);
                if (c.wait) assert.equal(c.waitTimeout, settings.rolloutTimeoutSeconds, c.name);
            }
            const oneShot = containers(d).filter((c) => c.restart === "no").map((c) => c.name);
            assert.ok(oneShot.includes("postgres-provision"), oneShot.join(", "));
            if ((config as { postgres?: { restoreFrom?: string } }).postgres?.restoreFrom) assert.ok(oneShot.includes("postgres-restore"), oneShot.join(", "));
        });

        it("checks each long-running container's health on its own port, with a start period before failures count", () => {
            const checked = containers(d).filter((c) => c.healthcheck);
            // With scaleToZero the services have no container: PostgreSQL and the tools remain.
            assert.ok(checked.length >= (stopped ? 4 : 14), `${checked.length} checked`);
            for (const c of checked) {
                const h = c.healthcheck!;
                assert.equal(h.tests[0], "CMD-SHELL", c.name);
                assert.ok(h.tests[1]!.length > 0, c.name);
                assert.ok(seconds(h.timeout) > 0 && seconds(h.timeout) < seconds(h.interval), `${c.name}: ${h.timeout} within ${h.interval}`);
                assert.ok(seconds(h.startPeriod) > 0, `${c.name}: ${h.startPeriod}`);
                assert.ok(h.retries >= 1);
            }
            const port = (name: string) => /localhost:(\d+)/.exec(byName(d, name).healthcheck!.tests[1]!)?.[1];
            assert.equal(port("elasticsearch"), String(ELASTICSEARCH.port));
            assert.equal(port("kibana"), String(KIBANA.port));
            assert.equal(port("prometheus"), String(PROMETHEUS.port));
            if (!stopped) assert.equal(port("order-service"), String(serviceSpec("order-service").port));
            assert.match(byName(d, "postgres").healthcheck!.tests[1]!, /^pg_isready /);
        });

        it("sizes each container by the stack's limits, and labels it for docker ps --filter", () => {
            const settings = settingsOf("local", config, SECRETS);
            for (const name of stopped ? [] : (["order-service", "api-gateway"] as const)) {
                const c = byName(d, name);
                const limits = settings.services[name]!.resources.limits;
                assert.equal(c.memory, Math.ceil(parseMemory(limits.memory)! / 2 ** 20), name);
                assert.equal(Number(c.cpus), parseCpu(limits.cpu), name);
            }
            for (const c of containers(d)) {
                const labels = Object.fromEntries(c.labels.map((l) => [l.label, l.value]));
                assert.equal(labels["app.kubernetes.io/name"], c.name);
                assert.equal(labels["app.kubernetes.io/part-of"], "ecommerce");
                assert.equal(labels["app.kubernetes.io/instance"], "local");
                assert.ok(c.memory > 0, c.name);
                // Every container on the stack's network under its own name.
                assert.ok(c.networksAdvanced.length === 1 && c.networksAdvanced[0]!.aliases.includes(c.name), c.name);
                for (const v of c.volumes) assert.equal(typeof v.readOnly, "boolean", `${c.name}: ${v.containerPath}`);
            }
            // The services reach the database by the name they use on Kubernetes.
            assert.ok(byName(d, "postgres").networksAdvanced[0]!.aliases.includes("postgres-service"));
        });

        it("keeps each store's data on a named volume of the stack, and backups where the backup scripts look", () => {
            const at = (name: string, path: string) => byName(d, name).volumes.find((v) => v.containerPath === path);
            assert.match(at("elasticsearch", "/usr/share/elasticsearch/data")?.volumeName ?? "", /^ecommerce-local-/);
            assert.match(at("prometheus", "/prometheus")?.volumeName ?? "", /^ecommerce-local-/);
            for (const c of containers(d).filter((x) => envOf(x).BACKUP_DIR)) {
                const dir = envOf(c).BACKUP_DIR!;
                assert.match(c.volumes.find((v) => v.containerPath === dir)?.volumeName ?? "", /^ecommerce-local-.*backups/, `${c.name} keeps ${dir} on the backups volume`);
            }
        });
    });
}

describe("local Docker stack: its log shipper and off-site uploader", () => {
    it("ships every container's log file, read-only, with Docker's metadata, as root (the files are root's)", async () => {
        const d = await declare({ stack: "local" });
        const shipper = byName(d, "log-shipper");
        // Filebeat's image reads /usr/share/filebeat/filebeat.yml.
        const config = parse(shipper.uploads.find((u) => u.file === "/usr/share/filebeat/filebeat.yml")!.content) as Record<string, unknown>;
        const inputs = config["filebeat.inputs"] as { paths: string[]; processors: { add_docker_metadata?: { host: string } }[] }[];
        for (const input of inputs) {
            for (const glob of input.paths) {
                const dir = glob.slice(0, glob.indexOf("*") - 1);
                assert.ok(shipper.volumes.some((v) => v.containerPath === dir && v.hostPath === dir && v.readOnly), `${glob} mounted read-only from the host`);
            }
            const socket = input.processors.find((p) => p.add_docker_metadata)!.add_docker_metadata!.host.replace("unix://", "");
            assert.ok(shipper.volumes.some((v) => v.containerPath === socket && v.readOnly), socket);
        }
        assert.deepEqual((config["output.logstash"] as { hosts: string[] }).hosts, ["logstash:5044"]);
        assert.equal(shipper.user, "root");
        assert.equal(shipper.command?.[0], "filebeat");
    });

    it("uploads each new backup from the shared volume, reports a failed upload as unhealthy, and keeps credentials in its environment only when set", async () => {
        const d = await declare({ stack: "local", config: { postgres: { backup: { offsite: OFFSITE } } }, secrets: SECRETS });
        const uploader = containers(d).find((c) => c.uploads.some((u) => u.file === "/scripts/offsite.sh") && c.restart !== "no");
        assert.ok(uploader, "an uploader container");
        const env = envOf(uploader);
        assert.equal(env.BACKUP_DIR, "/backups");
        assert.ok(uploader.volumes.some((v) => v.containerPath === env.BACKUP_DIR && v.volumeName));
        assert.deepEqual(uploader.entrypoints, ["sh", "-c"]);
        const loop = uploader.command!.join("\n");
        assert.match(loop, /\$BACKUP_DIR\/\.latest/);
        assert.match(loop, /sh \/scripts\/offsite\.sh upload/);
        // The failure marker the loop writes is the one the health check looks for.
        const marker = /touch ([^\s;]+)/.exec(loop)?.[1];
        assert.ok(marker && uploader.healthcheck!.tests[1]!.includes(marker), `${marker} vs ${uploader.healthcheck?.tests[1]}`);
        assert.equal(env.OFFSITE_ENCRYPTION_KEY, OFFSITE.encryptionKey);
        assert.ok(!Object.keys(env).some((k) => k.startsWith("OFFSITE_") && k.endsWith("_FILE")), "no file variables: the values are in the environment");
        const { encryptionKey: _, ...unencrypted } = OFFSITE;
        const plain = await declare({ stack: "local", config: { postgres: { backup: { offsite: unencrypted } } }, secrets: SECRETS });
        const plainUploader = containers(plain).find((c) => c.uploads.some((u) => u.file === "/scripts/offsite.sh") && c.restart !== "no")!;
        assert.equal(envOf(plainUploader).OFFSITE_ENCRYPTION_KEY, undefined);
    });
});

describe("local Docker stack: the tools' files and the addresses it prints", () => {
    it("prints, for each tool and service, the localhost port its container is published on, with the service's context path", async () => {
        const d = await declare({ stack: "local" });
        const urls = d.outputs.urls as Record<string, string>;
        const published = (name: string) => byName(d, name).ports?.find((p) => p.ip === "127.0.0.1")?.external;
        for (const [title, url] of Object.entries(urls)) {
            const name = title === "Service Discovery" ? "service-discovery" : title.toLowerCase();
            const [, port, path] = /^http:\/\/localhost:(\d+)(.*)$/.exec(url) ?? [];
            assert.equal(Number(port), published(name), `${title}: ${url}`);
            const spec = SERVICES.find((x) => x.name === name);
            assert.equal(path, spec ? spec.contextPath : "", `${title}: ${url}`);
        }
        assert.ok(Object.keys(urls).length >= 15);
    });

    it("gives Prometheus, Alertmanager and Grafana the files their flags and provisioning name", async () => {
        const d = await declare({ stack: "local" });
        const file = (c: Inputs, path: string) => c.uploads.find((u) => u.file === path)?.content;
        const prometheus = byName(d, "prometheus");
        const configPath = prometheus.command!.find((a) => a.startsWith("--config.file="))!.slice("--config.file=".length);
        const config = parse(file(prometheus, configPath)!) as { rule_files: string[]; alerting?: unknown };
        for (const rules of config.rule_files) assert.ok(file(prometheus, rules), `${rules} is uploaded`);
        assert.ok(config.alerting, "alerts go to Alertmanager");
        assert.ok(prometheus.volumes.some((v) => `--storage.tsdb.path=${v.containerPath}` === prometheus.command!.find((a) => a.startsWith("--storage.tsdb.path="))));
        const alertmanager = byName(d, "alertmanager");
        const amConfig = alertmanager.command!.find((a) => a.startsWith("--config.file="))!.slice("--config.file=".length);
        assert.ok(file(alertmanager, amConfig), amConfig);
        const grafana = byName(d, "grafana");
        const datasources = parse(file(grafana, "/etc/grafana/provisioning/datasources/datasources.yaml")!) as { datasources: { type: string }[] };
        assert.deepEqual(datasources.datasources.map((s) => s.type).sort(), ["elasticsearch", "prometheus", "zipkin"]);
        const providers = parse(file(grafana, "/etc/grafana/provisioning/dashboards/dashboards.yaml")!) as { providers: { options: { path: string } }[] };
        for (const p of providers.providers) assert.ok(grafana.uploads.some((u) => u.file.startsWith(`${p.options.path}/`) && u.file.endsWith(".json")), p.options.path);
        assert.equal(envOf(grafana).GF_SECURITY_ADMIN_USER, "admin");
        assert.ok(grafana.volumes.some((v) => v.containerPath === "/var/lib/grafana" && v.volumeName));
    });

    for (const [part, gone] of [
        ["logging", ["elasticsearch", "logstash", "kibana", "log-shipper", "kibana-setup"]],
        ["tracing", ["zipkin"]],
        ["alerting", ["alertmanager"]],
    ] as const) {
        it(`runs no ${gone.join(", ")} with ${part} off, and Grafana and Prometheus follow`, async () => {
            const d = await declare({ stack: "local", config: { observability: { [part]: { enabled: false } } } });
            for (const name of gone) assert.ok(!containers(d).some((c) => c.name === name), name);
            const grafana = byName(d, "grafana");
            const types = (parse(grafana.uploads.find((u) => u.file.endsWith("datasources.yaml"))!.content) as { datasources: { type: string }[] }).datasources.map((s) => s.type);
            assert.equal(types.includes("elasticsearch"), part !== "logging");
            assert.equal(types.includes("zipkin"), part !== "tracing");
            const prometheus = parse(byName(d, "prometheus").uploads.find((u) => u.file.endsWith("prometheus.yml"))!.content) as { alerting?: unknown };
            assert.equal(prometheus.alerting !== undefined, part !== "alerting");
            if (part === "logging") assert.equal(envOf(byName(d, "zipkin")).STORAGE_TYPE, "mem");
        });
    }

    it("runs no metrics tools with metrics off", async () => {
        const d = await declare({ stack: "local", config: { observability: { metrics: { enabled: false }, alerting: { enabled: false } } } });
        for (const name of ["prometheus", "grafana", "alertmanager"]) assert.ok(!containers(d).some((c) => c.name === name), name);
        assert.ok(!("Prometheus" in (d.outputs.urls as object)));
    });
});

