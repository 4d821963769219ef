/**
 * What the components receive: each config key resolved to a decision (defaults applied,
 * empty strings meaning "none", a service's own value before the stack's), read straight
 * from loadSettings in milliseconds. Expected values are the README's defaults and the
 * stack files as shipped.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { settingsOf, type Config } from "./settings-judge";
import type { Replicas } from "../settings";
import { MANUAL_SERVICES } from "./sources";
import { CHECKOUT } from "./fixtures/checkout";

const SECRET = ["postgres"];
const dev = (config: Config = {}) => settingsOf("dev", config, SECRET);
const prod = (config: Config = {}) => settingsOf("prod", config, SECRET);
const refusal = (config: Config): string => {
    try {
        dev(config);
    } catch (error) {
        return String(error);
    }
    throw new Error(`accepted ${JSON.stringify(config)}`);
};
const fixed = (count: number): Replicas => ({ kind: "fixed", count });
/** An HPA's range with the README's defaults: the manual's 70% target, 60 s before scaling up, 300 s before scaling down. */
const autoscaled = (minReplicas: number, maxReplicas: number, over: Partial<Replicas & { kind: "autoscaled" }> = {}): Replicas => ({
    kind: "autoscaled",
    minReplicas,
    maxReplicas,
    targetCPUUtilization: 70,
    scaleUpStabilizationSeconds: 60,
    scaleDownStabilizationSeconds: 300,
    ...over,
});
const OFFSITE = { endpoint: "https://s3.example.com/", bucket: "shop-backups", accessKeyId: "AK", secretAccessKey: "SK" };

describe("settings the components receive", () => {
    it("protect the database of production stacks only", () => {
        assert.equal(prod().postgres.protect, true);
        assert.equal(dev().postgres.protect, false);
    });

    it("leave the cluster to the current context unless kubeContext names one", () => {
        assert.equal(dev().kubeContext, undefined);
        assert.equal(dev({ kubeContext: "kind-shop" }).kubeContext, "kind-shop");
    });

    it("read an empty Ingress host or TLS Secret as none, and ingressEnabled false as no Ingress", () => {
        assert.deepEqual(dev().ingress, {
            className: "nginx",
            controllerNamespace: "ingress-nginx",
            host: "ecommerce.dev.localhost",
            tlsSecretName: undefined,
            tlsTerminatedElsewhere: false,
        });
        assert.equal(dev({ ingressHost: "" }).ingress?.host, undefined);
        assert.equal(prod().ingress?.host, "shop.example.com");
        assert.equal(dev({ ingressHost: "shop.localhost", ingressTlsSecretName: "shop-tls" }).ingress?.tlsSecretName, "shop-tls");
        assert.equal(dev({ ingressEnabled: false }).ingress, undefined);
    });

    it("roll a service on its own restartedAt, the others on the stack's, none when empty", () => {
        const s = dev({ restartedAt: "2025-01-31T10:00:00Z", services: { "order-service": { restartedAt: "2025-02-01T08:00:00Z" } } });
        assert.equal(s.services["order-service"].restartedAt, "2025-02-01T08:00:00Z");
        assert.equal(s.services["user-service"].restartedAt, "2025-01-31T10:00:00Z");
        assert.equal(dev().services["user-service"].restartedAt, undefined);
        assert.equal(dev({ restartedAt: "" }).services["user-service"].restartedAt, undefined);
        assert.equal(dev({ services: { "order-service": { restartedAt: "t2" } } }).services["user-service"].restartedAt, undefined);
    });

    it("stop every service, singletons too, under scaleToZero", () => {
        for (const service of Object.values(dev({ scaleToZero: true }).services)) {
            assert.deepEqual(service.replicas, fixed(0), service.spec.name);
        }
    });

    it("run the singletons (cloud-config, service-discovery) once, or not at all, never twice", () => {
        assert.deepEqual(dev().services["cloud-config"].replicas, fixed(1));
        assert.deepEqual(dev().services["service-discovery"].replicas, fixed(1));
        assert.deepEqual(dev({ services: { "cloud-config": { replicas: 0 } } }).services["cloud-config"].replicas, fixed(0));
        assert.deepEqual(dev({ services: { "cloud-config": { replicas: 1 } } }).services["cloud-config"].replicas, fixed(1));
        assert.match(refusal({ services: { "cloud-config": { replicas: 2 } } }), /ecommerce:services\.cloud-config\.replicas: cloud-config is a singleton and runs 1 replica \(or 0 to stop it\); got 2/);
        assert.match(refusal({ services: { "service-discovery": { autoscaling: { maxReplicas: 3 } } } }), /ecommerce:services\.service-discovery\.autoscaling: service-discovery is a singleton/);
    });

    it("autoscale the others within the stack's range, a service's own bounds first", () => {
        // dev: 1 to 3 (Pulumi.dev.yaml); the manual's 70% target.
        assert.deepEqual(dev().services["user-service"].replicas, autoscaled(1, 3));
        // prod: the manual's 2 to 10.
        assert.deepEqual(prod().services["user-service"].replicas, autoscaled(2, 10));
        const s = dev({ services: { "order-service": { autoscaling: { maxReplicas: 5 } } } });
        assert.deepEqual(s.services["order-service"].replicas, autoscaled(1, 5));
        assert.deepEqual(s.services["user-service"].replicas, autoscaled(1, 3));
    });

    it("wait before scaling up and down as the stack says, a service's own windows first", () => {
        const s = dev({ autoscaling: { minReplicas: 1, maxReplicas: 3, scaleUpStabilizationSeconds: 0 }, services: { "order-service": { autoscaling: { scaleUpStabilizationSeconds: 120, scaleDownStabilizationSeconds: 600 } } } });
        assert.deepEqual(s.services["user-service"].replicas, autoscaled(1, 3, { scaleUpStabilizationSeconds: 0 }));
        assert.deepEqual(s.services["order-service"].replicas, autoscaled(1, 3, { scaleUpStabilizationSeconds: 120, scaleDownStabilizationSeconds: 600 }));
    });

    it("pin a service whose autoscaling is off at its replicas, or at the autoscaling minimum", () => {
        assert.deepEqual(dev({ services: { "order-service": { autoscaling: { enabled: false } } } }).services["order-service"].replicas, fixed(1));
        assert.deepEqual(prod({ services: { "order-service": { autoscaling: { enabled: false } } } }).services["order-service"].replicas, fixed(2));
        assert.deepEqual(dev({ services: { "order-service": { autoscaling: { enabled: false }, replicas: 4 } } }).services["order-service"].replicas, fixed(4));
        assert.match(refusal({ services: { "order-service": { replicas: 4 } } }), /ecommerce:services\.order-service\.replicas: order-service is autoscaled, so its replica count belongs to the HPA/);
    });

    it("let an autoscaling minimum equal its maximum, never exceed it", () => {
        assert.deepEqual(dev({ autoscaling: { minReplicas: 3, maxReplicas: 3 } }).services["user-service"].replicas, autoscaled(3, 3));
        assert.match(refusal({ autoscaling: { minReplicas: 4, maxReplicas: 3 } }), /ecommerce:autoscaling: minReplicas \(4\) must not exceed maxReplicas \(3\)/);
        assert.match(refusal({ services: { "order-service": { autoscaling: { minReplicas: 4 } } } }), /ecommerce:services\.order-service\.autoscaling: minReplicas \(4\) must not exceed maxReplicas \(3\)/);
    });

    it("give a service its own resources and the others the stack's", () => {
        const s = dev({ services: { "order-service": { resources: { limits: { memory: "1Gi" } } } } });
        assert.equal(s.services["order-service"].resources.limits.memory, "1Gi");
        assert.equal(s.services["order-service"].resources.requests.memory, "384Mi");
        assert.equal(s.services["user-service"].resources.limits.memory, "768Mi");
        assert.match(refusal({ services: { "order-service": { resources: { requests: { memory: "2Gi" } } } } }), /ecommerce:services\.order-service\.resources/);
    });

    it("read an empty storage class as the cluster's default, for the database and its backups", () => {
        assert.equal(dev().postgres.storageClass, undefined);
        assert.equal(dev().postgres.backup.storageClass, undefined);
        const s = dev({ postgres: { storageClass: "fast", backup: { storageClass: "cold" } } });
        assert.equal(s.postgres.storageClass, "fast");
        assert.equal(s.postgres.backup.storageClass, "cold");
        assert.equal(dev({ postgres: { storageClass: "" } }).postgres.storageClass, undefined);
        assert.equal(dev({ postgres: { storageSize: "3Gi" } }).postgres.storageSize, "3Gi");
        assert.equal(dev().postgres.storageSize, "2Gi");
    });

    it("keep the cluster DNS namespace when only its labels are given", () => {
        assert.deepEqual(dev().clusterDns, { namespace: "kube-system", podLabels: { "k8s-app": "kube-dns" } });
        assert.deepEqual(dev({ clusterDns: { podLabels: { app: "coredns" } } }).clusterDns, { namespace: "kube-system", podLabels: { app: "coredns" } });
        assert.deepEqual(dev().internalCidrs, ["10.244.0.0/16", "10.96.0.0/12"]);
        assert.deepEqual(dev({ clusterNetwork: { internalCidrs: ["10.0.0.0/8"] } }).internalCidrs, ["10.0.0.0/8"]);
    });

    it("spread over nodes by default, and over zones when asked", () => {
        assert.deepEqual(dev().spread, { nodes: true, zones: false });
        assert.deepEqual(dev({ spreadAcrossZones: true, spreadAcrossNodes: false }).spread, { nodes: false, zones: true });
    });

    it("resolve the off-site bucket: the stack's folder, the volume's retention, encryption only as asked", () => {
        // The whole postgres key is replaced, so the volume keeps the default retention of 7 (README); 4 here.
        const offsite = (over: Config) => dev({ postgres: { backup: { retention: 4, offsite: { ...OFFSITE, ...over } } } }).postgres.backup.offsite!;
        const plain = offsite({});
        assert.equal(plain.endpoint, "https://s3.example.com");
        assert.equal(plain.prefix, "ecommerce/dev");
        assert.equal(plain.region, "us-east-1");
        assert.equal(plain.serverSideEncryption, "AES256");
        assert.equal(plain.retention, 4);
        assert.ok(!("encryptionKey" in plain));
        assert.ok(!("serverSideEncryption" in offsite({ serverSideEncryption: "none" })));
        assert.equal(offsite({ encryptionKey: "k".repeat(16) }).encryptionKey, "k".repeat(16));
        assert.equal(offsite({ region: "eu-west-1", prefix: "shop/dev", retention: 9 }).region, "eu-west-1");
        assert.equal(offsite({ prefix: "shop/dev" }).prefix, "shop/dev");
        assert.equal(offsite({ retention: 9 }).retention, 9);
        assert.equal(dev().postgres.backup.offsite, undefined);
    });

    it("refuse off-site credentials in plain text, naming each and the command that stores it", () => {
        let message = "";
        try {
            settingsOf("dev", { postgres: { backup: { offsite: { ...OFFSITE, encryptionKey: "k".repeat(16) } } } });
        } catch (error) {
            message = String(error);
        }
        assert.match(message, /ecommerce:postgres\.backup\.offsite\.secretAccessKey: is a credential and must be a Pulumi secret.*pulumi config set --secret --path 'postgres\.backup\.offsite\.secretAccessKey'/);
        assert.match(message, /offsite\.encryptionKey: is a credential/);
        assert.doesNotMatch(message, /offsite\.accessKeyId: is a credential/);
    });

    describe("observability", () => {
        const obs = (observability: Config) => prod({ observability }).observability;

        it("run every tool by default, with the README's sizes and thresholds", () => {
            const o = prod().observability;
            assert.equal(o.metrics?.prometheus.storageSize, "20Gi");
            assert.equal(o.metrics?.prometheus.storageClass, undefined);
            assert.equal(o.logging?.elasticsearch.storageSize, "30Gi");
            assert.equal(o.logging?.elasticsearch.heapSize, "1g");
            assert.deepEqual(o.metrics?.alerts, { errorRate: 0.05, latencyP95Seconds: 1, heapUsedRatio: 0.9 });
            assert.ok(o.tracing && o.alerting);
        });

        it("take one alert threshold, keep the others", () => {
            assert.deepEqual(obs({ metrics: { alerts: { errorRate: 0.1 } } }).metrics?.alerts, { errorRate: 0.1, latencyP95Seconds: 1, heapUsedRatio: 0.9 });
        });

        it("drop what is turned off, and only that", () => {
            const noLogs = obs({ logging: { enabled: false } });
            assert.equal(noLogs.logging, undefined);
            assert.ok(noLogs.tracing && noLogs.metrics && noLogs.alerting);
            const noTraces = obs({ tracing: { enabled: false } });
            assert.equal(noTraces.tracing, undefined);
            assert.ok(noTraces.logging && noTraces.metrics);
            const noMetrics = obs({ metrics: { enabled: false } });
            assert.equal(noMetrics.metrics, undefined);
            assert.equal(noMetrics.alerting, undefined, "Alertmanager has nothing to route without Prometheus");
            assert.equal(obs({ alerting: { enabled: false } }).alerting, undefined);
            assert.ok(obs({ alerting: { enabled: false } }).metrics);
            assert.match(refusal({ observability: { metrics: { enabled: false }, alerting: { enabled: true } } }), /ecommerce:observability\.alerting\.enabled: Alertmanager routes Prometheus' alerts, so it needs ecommerce:observability\.metrics\.enabled: true/);
        });

        it("take a tool's image, storage and class, an empty class meaning the cluster's default", () => {
            const o = obs({ metrics: { prometheus: { image: "registry.example.com/prometheus:v2.53.2", storageSize: "7Gi", storageClass: "fast" }, grafana: { storageClass: "" } } });
            assert.equal(o.metrics?.prometheus.image, "registry.example.com/prometheus:v2.53.2");
            assert.equal(o.metrics?.prometheus.storageSize, "7Gi");
            assert.equal(o.metrics?.prometheus.storageClass, "fast");
            assert.ok(o.metrics?.grafana, "Grafana runs unless switched off");
            assert.equal(o.metrics.grafana.storageClass, undefined);
            assert.equal(obs({ tracing: { sampleProbability: 0.25 } }).tracing?.sampleProbability, 0.25);
        });

        it("run Prometheus without Grafana when metrics.grafana.enabled is false", () => {
            const o = obs({ metrics: { grafana: { enabled: false } } });
            assert.ok(o.metrics?.prometheus);
            assert.equal(o.metrics.grafana, undefined);
            assert.ok(obs({ metrics: { grafana: { enabled: true } } }).metrics?.grafana);
        });

        it("let a JVM heap take 75% of its memory limit, not more", () => {
            const es = (heapSize: string) => ({ logging: { elasticsearch: { heapSize, resources: { requests: { memory: "1Gi" }, limits: { memory: "1Gi" } } } } });
            assert.equal(obs(es("768m")).logging?.elasticsearch.heapSize, "768m");
            assert.match(
                refusal({ observability: es("769m") }),
                /ecommerce:observability\.logging\.elasticsearch\.heapSize: heap 769m leaves too little of the 1Gi memory limit for the rest of the JVM; use at most 75% of it/,
            );
            const ls = (heapSize: string) => ({ logging: { logstash: { heapSize, resources: { requests: { memory: "800Mi" }, limits: { memory: "800Mi" } } } } });
            assert.equal(obs(ls("600m")).logging?.logstash.heapSize, "600m");
            assert.match(refusal({ observability: ls("601m") }), /ecommerce:observability\.logging\.logstash\.heapSize: heap 601m leaves too little of the 800Mi memory limit/);
        });
    });

    describe("the docker target", () => {
        const local = (config: Config = {}) => settingsOf("local", config);

        it("publishes every service on its manual port and Grafana on 3001, a port given in config first", () => {
            const ports = local().docker.hostPorts;
            for (const { name, port } of MANUAL_SERVICES) {
                assert.equal(ports[name], port, name);
            }
            assert.equal(ports.grafana, 3001);
            assert.equal(ports.prometheus, 9090);
            const moved = local({ docker: { hostPorts: { "order-service": 18083 } } }).docker.hostPorts;
            assert.equal(moved["order-service"], 18083);
            assert.equal(moved["user-service"], ports["user-service"]);
        });

        it("publishes only the tools that run, and refuses a port for one that does not", () => {
            const ports = local({ observability: { tracing: { enabled: false } } }).docker.hostPorts;
            assert.ok(!("zipkin" in ports));
            assert.ok("grafana" in ports);
            assert.ok(!("kibana" in local({ observability: { logging: { enabled: false } } }).docker.hostPorts));
            assert.ok(!("grafana" in local({ observability: { metrics: { enabled: false } } }).docker.hostPorts));
            assert.throws(
                () => local({ observability: { tracing: { enabled: false } }, docker: { hostPorts: { zipkin: 9411 } } }),
                /ecommerce:docker\.hostPorts\.zipkin: nothing called zipkin is published; publishable: cloud-config/,
            );
        });

        it("refuses two containers on one host port on the docker target only", () => {
            assert.throws(() => local({ docker: { hostPorts: { grafana: 9090 } } }), /ecommerce:docker\.hostPorts: prometheus and grafana would all publish host port 9090|grafana and prometheus would all publish host port 9090/);
            assert.equal(dev({ docker: { hostPorts: { grafana: 9090 } } }).docker.hostPorts.grafana, 9090);
        });

        it("reads an empty host as the local daemon, and keeps volumes unless told", () => {
            assert.equal(local().docker.host, undefined);
            assert.equal(local({ docker: { host: "ssh://me@builder" } }).docker.host, "ssh://me@builder");
            assert.equal(local().docker.keepVolumes, true);
            assert.equal(local({ docker: { keepVolumes: false } }).docker.keepVolumes, false);
        });

        it("builds images only when a context is given, and pushes only when asked", () => {
            assert.equal(local().imageBuild, undefined);
            assert.deepEqual(local({ imageBuild: { context: CHECKOUT } }).imageBuild, { context: CHECKOUT, registry: undefined, push: false });
            assert.deepEqual(local({ imageBuild: { context: CHECKOUT, registry: "registry.example.com/shop", push: true } }).imageBuild, { context: CHECKOUT, registry: "registry.example.com/shop", push: true });
            assert.throws(() => local({ imageBuild: { push: true } }), /ecommerce:imageBuild\.context: is required to build images/);
            assert.throws(() => prod({ imageBuild: { context: CHECKOUT, registry: "registry.example.com/shop" } }), /ecommerce:imageBuild: a Kubernetes stack pulls its images from a registry; set imageBuild\.registry and imageBuild\.push: true/);
            const pushed = prod({ imageBuild: { context: CHECKOUT, registry: "registry.example.com/shop", push: true } });
            assert.equal(pushed.services["order-service"].image.split(":")[0], "registry.example.com/shop/order-service-ecommerce-boot");
            assert.equal(local({ imageBuild: { context: CHECKOUT } }).services["order-service"].image.split("/")[0], "ecommerce-local");
        });
    });

    describe("configServerFolder", () => {
        const folderWith = (files: Record<string, string>): string => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "config-folder-"));
            for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
            return dir;
        };

        it("serves every configuration file type, and neither hidden files nor others", () => {
            const dir = folderWith({ "a.yml": "a: 1\n", "b.yaml": "b: 2\n", "c.properties": "c=3\n", "d.json": "{}", ".hidden.yml": "x: 1\n", "notes.txt": "x" });
            const source = dev({ configServerFolder: dir }).configServer;
            assert.equal(source.kind, "native");
            assert.deepEqual(source.kind === "native" ? Object.keys(source.files).sort() : [], ["a.yml", "b.yaml", "c.properties", "d.json"]);
            assert.equal(source.kind === "native" ? source.files["c.properties"] : "", "c=3\n");
            assert.deepEqual(dev().configServer, { kind: "git" });
        });

        it("takes files up to 900 KiB in all, names counted, and refuses a byte more", () => {
            const limit = 900 * 1024;
            const name = "big.yml";
            assert.equal(dev({ configServerFolder: folderWith({ [name]: "x".repeat(limit - name.length) }) }).configServer.kind, "native");
            assert.match(refusal({ configServerFolder: folderWith({ [name]: "x".repeat(limit - name.length + 1) }) }), /ecommerce:configServerFolder: the files add up to 901 KiB; a ConfigMap holds at most 900 KiB here/);
        });

        it("refuses a file where a folder is wanted", () => {
            const dir = folderWith({ "application.yml": "a: 1\n" });
            assert.match(refusal({ configServerFolder: path.join(dir, "application.yml") }), /ecommerce:configServerFolder: ".*application\.yml" is not a folder/);
        });
    });
});

