/**
 * Mistakes a new user makes in stack files that pass a naive check but that the CLI, the
 * API server or the runtime would refuse later, or that do nothing (issue: "Config mistakes
 * caught before anything is declared"). Each is refused naming its key and what is allowed,
 * or, where a user might mean it, warned about in development and refused in production.
 * Valid values that look unusual must pass.
 */
import { strict as assert } from "assert";
import { ProgramFailure, runProgram } from "../offline/run";
import { stackConfig } from "../offline/stack-config";
import { ConfigError } from "../stacks/config-error";
import { KUBERNETES_ONLY_DEFAULTS } from "../stacks/sense";
import { judge, type Config } from "./settings-judge";
import { projectWith } from "./support";

function refused(stack: string, config: Config, message: RegExp): void {
    const result = judge(stack, config);
    assert.ok("error" in result, `accepted: ${JSON.stringify(config)}; warnings: ${"warnings" in result ? result.warnings.join(" | ") : ""}`);
    assert.match(result.error, message);
}

function warned(stack: string, config: Config, message: RegExp): void {
    const result = judge(stack, config);
    assert.ok("warnings" in result, `refused in ${stack}: ${"error" in result ? result.error : ""}`);
    assert.ok(result.warnings.some((w) => message.test(w)), `no warning like ${message} among: ${result.warnings.join(" | ")}`);
}

/** Warned about in development (dev and local), refused in production. */
function doubtful(config: Config, message: RegExp, devStack = "dev"): void {
    warned(devStack, config, message);
    refused("prod", config, message);
}

/** Production's standing warning while its backups stay in the cluster (tested on its own below). */
const NO_OFFSITE = /^ecommerce:postgres\.backup\.offsite: not set/;

function accepted(stack: string, config: Config): void {
    const result = judge(stack, config);
    assert.ok("warnings" in result, `refused: ${"error" in result ? result.error : ""}`);
    const others = result.warnings.filter((w) => !(stack === "prod" && NO_OFFSITE.test(w)));
    assert.deepEqual(others, [], `warnings for ${JSON.stringify(config)}`);
}

describe("config mistakes", () => {
    it("the stack files as shipped draw no warning but prod's missing off-site copy", () => {
        for (const stack of ["dev", "local"]) accepted(stack, {});
        const prod = judge("prod", {});
        assert.ok("warnings" in prod);
        assert.equal(prod.warnings.length, 1, prod.warnings.join(" | "));
        assert.match(prod.warnings[0]!, NO_OFFSITE);
        assert.match(prod.warnings[0]!, /lives on a volume in its own namespace: one lost namespace, cluster or storage system loses the database and all its backups together/);
    });

    it("stops warning about production backups once they leave the cluster", () => {
        const offsite = { endpoint: "https://s3.eu-west-1.amazonaws.com", bucket: "acme-backups", accessKeyId: "AKIA1", secretAccessKey: "key" };
        const result = judge("prod", { postgres: { backup: { offsite } } }, ["postgres"]);
        assert.deepEqual("warnings" in result ? result.warnings : result, []);
    });

    describe("config nothing reads", () => {
        it("refuses a key under a misspelt project name, and suggests the right one", () => {
            for (const stack of ["dev", "prod"]) {
                refused(stack, { "ecomerce:imageTag": "0.2.0" }, /ecomerce:imageTag: "ecomerce" is not this project's namespace, so nothing reads it; did you mean ecommerce:imageTag\?/);
            }
        });

        it("says kubernetes:context does not pick the cluster, and what does", () => {
            doubtful({ "kubernetes:context": "prod-cluster" }, /kubernetes:context: this program's kubernetes provider is configured explicitly and reads no kubernetes:\* config; use ecommerce:kubeContext/);
        });

        it("leaves the engine's own pulumi: keys alone", () => {
            accepted("dev", { "pulumi:tags": '{"team":"shop"}' });
        });

        it("does so before anything is declared, in the real program", async () => {
            await assert.rejects(runProgram({ stack: "prod", config: { "ecomerce:imageTag": "0.2.0" } }), (e: unknown) => {
                assert.ok(e instanceof ProgramFailure && e.cause instanceof ConfigError);
                assert.equal(e.declared.length, 0);
                return /did you mean ecommerce:imageTag/.test(e.message);
            });
        });
    });

    describe("the public images, however Docker Hub is spelled", () => {
        for (const registry of ["docker.io/selimhorri", "selimhorri", "index.docker.io/selimhorri", "registry-1.docker.io/selimhorri"]) {
            it(`refuses datasource postgres in production with ${registry}/...`, () => {
                refused("prod", { datasource: "postgres", imageRegistry: registry }, /ecommerce:datasource: "postgres" needs images built with the PostgreSQL driver/);
            });
        }

        it("accepts rebuilt images from another registry", () => {
            accepted("prod", { datasource: "postgres", imageRegistry: "registry.example.com/selimhorri", imageTag: "1.0.0-pg" });
        });
    });

    describe("values the API server or the runtime would refuse", () => {
        it("a quantity with a trailing space, quoted so the space shows", () => {
            refused("prod", { resources: { limits: { memory: "1Gi " } } }, /ecommerce:resources\.limits\.memory: "1Gi " is not a positive Kubernetes memory quantity/);
        });

        it("a replica count beyond a 32-bit integer", () => {
            refused("prod", { services: { "order-service": { autoscaling: { maxReplicas: 2 ** 31 } } } }, /maxReplicas: must be at most 2147483647/);
            refused("dev", { services: { "cloud-config": { replicas: 2 ** 31 } } }, /replicas: must be at most 2147483647/);
        });

        it("a namespace that leaves no room for <namespace>-logging, unless logging is off", () => {
            const long = "a".repeat(56);
            refused("dev", { namespace: long }, /ecommerce:namespace: "a{56}" leaves no room for the log shipper's namespace "a{56}-logging".*at most 55 characters/);
            accepted("dev", { namespace: "a".repeat(55) });
            const dev = judge("dev", { namespace: long, observability: { logging: { enabled: false } } });
            assert.ok("warnings" in dev);
        });

        it("a reserved namespace", () => {
            for (const ns of ["kube-system", "default", "kube-public"]) {
                refused("dev", { namespace: ns }, new RegExp(`ecommerce:namespace: "${ns}" is reserved for the cluster itself`));
            }
        });

        it("an Ingress host that is an IP address or has a label over 63 characters", () => {
            refused("prod", { ingressHost: "203.0.113.10" }, /ecommerce:ingressHost: "203\.0\.113\.10" is an IP address/);
            refused("prod", { ingressHost: "https://shop.example.com" }, /ecommerce:ingressHost: "https:\/\/shop\.example\.com" is a URL; an Ingress host is the name alone, such as shop\.example\.com \(no scheme, port or path\)/);
            refused("prod", { ingressHost: `${"x".repeat(64)}.example.com` }, /ecommerce:ingressHost: .* has a label longer than 63 characters/);
        });

        it("a cron field out of range", () => {
            refused("prod", { postgres: { backup: { schedule: "0 24 * * *" } } }, /ecommerce:postgres\.backup\.schedule: "0 24 \* \* \*" hour field: 24 is outside 0-23/);
            refused("prod", { postgres: { backup: { schedule: "61 2 * * *" } } }, /minute field: 61 is outside 0-59/);
            refused("prod", { postgres: { backup: { schedule: "0 2 * * 7" } } }, /day of week field: 7 is outside 0-6/);
            refused("prod", { postgres: { backup: { schedule: "TZ=UTC 0 2 * * *" } } }, /names a time zone/);
        });

        it("a Docker host without a scheme", () => {
            refused("local", { docker: { host: "localhost:2375" } }, /ecommerce:docker\.host: "localhost:2375" must be a DOCKER_HOST with its scheme: unix:\/\/\/var\/run\/docker\.sock, tcp:\/\/host:2376/);
            accepted("local", { docker: { host: "tcp://10.1.2.3:2376" } });
            accepted("local", { docker: { host: "unix:///var/run/docker.sock" } });
        });
    });

    describe("magnitudes nobody means", () => {
        it("memory or storage without a unit", () => {
            doubtful({ resources: { requests: { memory: "500" } } }, /ecommerce:resources\.requests\.memory: "500" is 500 bytes; give it a unit, e\.g\. "500Mi"/);
            doubtful({ postgres: { storageSize: "10" } }, /ecommerce:postgres\.storageSize: "10" is 10 bytes/);
        });

        it("CPU in mega-cores or a bare thousand", () => {
            doubtful({ resources: { limits: { cpu: "1000M" } } }, /ecommerce:resources\.limits\.cpu: "1000M" is 1000000000 cores \(M is mega\); for millicores write "1000m"/);
            doubtful({ resources: { limits: { cpu: "1000" } } }, /ecommerce:resources\.limits\.cpu: "1000" is 1000 cores/);
        });

        it("maxReplicas in the millions", () => {
            doubtful({ services: { "order-service": { autoscaling: { maxReplicas: 5_000_000 } } } }, /maxReplicas: 5000000 pods of one service/);
        });

        it("a metrics retention of zero, which Prometheus would take as its default 15 days", () => {
            refused("dev", { observability: { metrics: { retention: "0d" } } }, /ecommerce:observability\.metrics\.retention: "0d" is zero, which Prometheus takes as unset: it keeps its default 15 days; give the time to keep, such as "15d"/);
            refused("dev", { observability: { metrics: { retention: "0h0m" } } }, /retention: "0h0m" is zero/);
        });

        it("-Xmx at or above the container's memory limit", () => {
            doubtful({ javaToolOptions: "-XX:MaxRAMPercentage=75 -Xmx2g" }, /ecommerce:javaToolOptions: -Xmx2g is not below the memory limit of cloud-config \((768Mi|1Gi)\), service-discovery \((768Mi|1Gi)\), api-gateway/);
            // Once for the stack-wide value, not once per service.
            const judged = judge("dev", { javaToolOptions: "-Xmx2g" });
            assert.ok("warnings" in judged && judged.warnings.filter((w) => w.includes("-Xmx")).length === 1, JSON.stringify(judged));
            doubtful({ services: { "order-service": { env: { JAVA_TOOL_OPTIONS: "-Xmx1g" } } } }, /ecommerce:services\.order-service\.env\.JAVA_TOOL_OPTIONS: -Xmx/);
            accepted("prod", { javaToolOptions: "-Xmx512m" });
        });
    });

    describe("settings that contradict or do nothing", () => {
        it("a gateway served over plain HTTP, unless TLS ends in front of it or the host is this machine", () => {
            doubtful({ ingressHost: "shop.example.com", ingressTlsSecretName: "" }, /ecommerce:ingressHost: the gateway's Ingress serves "shop\.example\.com" over plain HTTP; set ecommerce:ingressTlsSecretName/);
            refused("prod", { ingressHost: "", ingressTlsSecretName: "" }, /serves every host over plain HTTP/);
            accepted("prod", { ingressTlsSecretName: "", ingressTlsTerminatedElsewhere: true });
            accepted("prod", { ingressEnabled: false, ingressTlsSecretName: "" });
            accepted("dev", { ingressHost: "shop.localhost" });
        });

        it("a TLS secret without a host", () => {
            doubtful({ ingressHost: "", ingressTlsSecretName: "shop-tls" }, /ecommerce:ingressTlsSecretName: a TLS certificate needs ecommerce:ingressHost/);
        });

        it("knows the Kubernetes-only keys' defaults as Pulumi.yaml declares them", () => {
            const declared = stackConfig("bare", projectWith({ bare: "config:\n  ecommerce:namespace: bare\n" }));
            for (const [key, value] of Object.entries(KUBERNETES_ONLY_DEFAULTS)) {
                assert.equal(value, declared[`ecommerce:${key}`], key);
            }
        });

        it("docker keys on a Kubernetes stack, and Kubernetes-only keys on the docker stack", () => {
            doubtful({ docker: { keepVolumes: false } }, /ecommerce:docker: only the docker target reads it; this stack's target is kubernetes/);
            warned("local", { ingressHost: "shop.local", networkIsolation: false }, /ecommerce:ingressHost: only the kubernetes target reads it/);
            warned("local", { networkIsolation: false }, /ecommerce:networkIsolation: only the kubernetes target reads it/);
            refused("local", { environment: "production", ingressHost: "shop.local" }, /ecommerce:ingressHost: only the kubernetes target reads it/);
        });

        it("restoreFrom while the services still write, and not once they are stopped", () => {
            doubtful({ postgres: { restoreFrom: "full_backup_20250101T020000Z.sql.gz" } }, /ecommerce:postgres\.restoreFrom: restoring while the services run.*set ecommerce:scaleToZero: true first/);
            accepted("prod", { scaleToZero: true, postgres: { restoreFrom: "full_backup_20250101T020000Z.sql.gz" } });
        });

        it("env overrides of the wiring, but not of the tunables", () => {
            doubtful({ services: { "order-service": { env: { SERVER_PORT: "9000" } } } }, /ecommerce:services\.order-service\.env\.SERVER_PORT: the program sets SERVER_PORT to connect order-service/);
            doubtful({ services: { "user-service": { env: { SPRING_CONFIG_IMPORT: "configserver:http://elsewhere:8888" } } } }, /env\.SPRING_CONFIG_IMPORT: the program sets/);
            accepted("prod", { services: { "order-service": { env: { SPRING_SLEUTH_SAMPLER_PROBABILITY: "0.5", LOGGING_LEVEL_ROOT: "DEBUG" } } } });
        });

        it("a Spring profile without dev while the datasource is the embedded H2", () => {
            doubtful({ springProfile: "prod" }, /ecommerce:springProfile: profile "prod" without "dev" makes user-service look for MySQL/);
            accepted("prod", { springProfile: "dev,metrics" });
        });
    });

    describe("valid values that must pass", () => {
        it("cron with month and weekday names, ranges and steps", () => {
            for (const schedule of ["0 2 * * MON", "0 2 * JAN-MAR sun", "*/15 1-5 ? * MON-FRI", "5/10 * * * *", "@daily", "@every 6h"]) {
                accepted("prod", { postgres: { backup: { schedule } } });
            }
        });

        it("a wildcard Ingress host", () => {
            accepted("prod", { ingressHost: "*.example.com" });
        });

        it("JVM sizes with an upper-case unit", () => {
            accepted("dev", { observability: { logging: { elasticsearch: { heapSize: "512M" } } } });
        });

        it("compound Prometheus durations", () => {
            accepted("prod", { observability: { metrics: { retention: "1h30m" } } });
            accepted("prod", { observability: { metrics: { retention: "2w3d" } } });
        });

        it("third-party images pinned by digest (with or without a tag)", () => {
            const digest = `sha256:${"0123456789abcdef".repeat(4)}`;
            accepted("prod", {
                postgres: { image: `docker.io/library/postgres:15.10-alpine@${digest}` },
                observability: { tracing: { zipkin: { image: `docker.io/openzipkin/zipkin@${digest}` } } },
                waitImage: `docker.io/library/busybox@${digest}`,
            });
        });

        it("quantities in Kubernetes' exponent form", () => {
            accepted("prod", { postgres: { storageSize: "20e9" } });
        });
    });
});

describe("messages show the value as written, except where it may be a credential", () => {
    const error = (config: Config, stack = "dev") => {
        const judged = judge(stack, config);
        assert.ok("error" in judged, JSON.stringify(judged));
        return judged.error;
    };

    it("names the value for a namespace, a storage class, a registry and an image tag", () => {
        assert.match(error({ namespace: "Dev_1" }), /ecommerce:namespace: must be a DNS label.*; written: "Dev_1"/);
        assert.match(error({ postgres: { storageClass: "Fast SSD" } }), /ecommerce:postgres\.storageClass: must be empty .*; written: "Fast SSD"/);
        assert.match(error({ imageRegistry: "HTTP://x" }), /ecommerce:imageRegistry: must be a registry and path .*; written: "HTTP:\/\/x"/);
        assert.match(error({ imageTag: "bad tag!" }), /ecommerce:imageTag: must be an image tag .*; written: "bad tag!"/);
    });

    it("never repeats a receiver URL, an off-site credential or a secret key's value", () => {
        const url = "ftp://hooks.example.com/T0KEN-IN-URL";
        assert.ok(!error({ alertReceivers: { L1: { webhook: [{ url }] } } }).includes("T0KEN"));
        assert.ok(!error({ postgres: { backup: { offsite: { endpoint: "https://s3.example.com", bucket: "b", accessKeyId: "AKIA", secretAccessKey: 12345 } } } }).includes("12345"));
        const judged = judge("dev", { imageTag: "s3cret tag" }, ["imageTag"]);
        assert.ok("error" in judged && !judged.error.includes("s3cret"), JSON.stringify(judged));
    });
});
