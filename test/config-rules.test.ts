/**
 * Every rule of the config schema at its edge: one value just inside (accepted) and one just
 * outside (refused, naming the key and what is allowed). Judged through loadSettings, the
 * program's own entry, without running the program.
 */
import { strict as assert } from "assert";
import { judge, type Config } from "./settings-judge";

const OFFSITE = { endpoint: "https://s3.eu-west-1.amazonaws.com", bucket: "acme-backups", accessKeyId: "AKIA1", secretAccessKey: "secret-key-value" };
const offsite = (over: Config) => ({ postgres: { backup: { offsite: { ...OFFSITE, ...over } } } });
const receivers = (over: Config) => ({ alertReceivers: over });
const SECRET = ["postgres", "alertReceivers"];

function refused(config: Config, message: RegExp, stack = "dev"): void {
    const result = judge(stack, config, SECRET);
    assert.ok("error" in result, `accepted ${JSON.stringify(config)}`);
    assert.match(result.error, message);
}

function accepted(config: Config, stack = "dev"): void {
    const result = judge(stack, config, SECRET);
    assert.ok("warnings" in result, `refused ${JSON.stringify(config)}: ${"error" in result ? result.error : ""}`);
}

const CASES: [string, Config, Config, RegExp][] = [
    // [what, accepted at the edge, refused just past it, message]
    ["namespace: a DNS label of 63", { namespace: "a".repeat(63), observability: { logging: { enabled: false } } }, { namespace: "a".repeat(64) }, /ecommerce:namespace: must be at most 63 characters \(a DNS label\)/],
    ["namespace: no trailing hyphen", { namespace: "shop-1" }, { namespace: "shop-" }, /ecommerce:namespace: .*DNS label/],
    ["namespace: not the cluster's own", { namespace: "kube-public-x" }, { namespace: "kube-public" }, /ecommerce:namespace: "kube-public" is reserved for the cluster itself \(default, kube-system, kube-public, kube-node-lease\)/],
    ["image tag", { imageTag: "_1.0" }, { imageTag: "-1.0" }, /ecommerce:imageTag: must be an image tag such as 0\.1\.0/],
    ["image tag length", { imageTag: "a".repeat(128) }, { imageTag: "a".repeat(129) }, /ecommerce:imageTag: must be an image tag/],
    ["image registry", { imageRegistry: "registry.example.com:5000/shop" }, { imageRegistry: "Registry.example.com/shop" }, /ecommerce:imageRegistry: must be a registry and path such as docker\.io\/selimhorri/],
    ["image registry, no trailing separator", { imageRegistry: "a/b" }, { imageRegistry: "a/b/" }, /ecommerce:imageRegistry: must be a registry and path/],
    ["spring profiles", { springProfile: "dev,k8s-2" }, { springProfile: "dev,,k8s" }, /ecommerce:springProfile: must be one or more Spring profile names separated by commas, e\.g\. dev/],
    ["restartedAt length", { restartedAt: "x".repeat(63) }, { restartedAt: "x".repeat(64) }, /ecommerce:restartedAt: must be at most 63 characters \(a timestamp such as 2025-01-31T10:00:00Z\)/],
    ["a service's restartedAt", { services: { "user-service": { restartedAt: "x".repeat(63) } } }, { services: { "user-service": { restartedAt: "x".repeat(64) } } }, /ecommerce:services\.user-service\.restartedAt: must be at most 63 characters/],
    ["replicas", { services: { "order-service": { autoscaling: { enabled: false }, replicas: 0 } } }, { services: { "order-service": { autoscaling: { enabled: false }, replicas: -1 } } }, /ecommerce:services\.order-service\.replicas: must be 0 or more \(0 stops the service\)/],
    ["replicas, whole", { services: { "order-service": { autoscaling: { enabled: false }, replicas: 2 } } }, { services: { "order-service": { autoscaling: { enabled: false }, replicas: 1.5 } } }, /ecommerce:services\.order-service\.replicas: must be a whole number of pods \(0 stops the service\)/],
    ["autoscaling target", { autoscaling: { targetCPUUtilization: 100 } }, { autoscaling: { targetCPUUtilization: 101 } }, /ecommerce:autoscaling\.targetCPUUtilization: must be a whole percentage from 1 to 100/],
    ["autoscaling target, at least 1", { autoscaling: { targetCPUUtilization: 1 } }, { autoscaling: { targetCPUUtilization: 0 } }, /ecommerce:autoscaling\.targetCPUUtilization: must be a whole percentage from 1 to 100/],
    ["scale-up window", { autoscaling: { scaleUpStabilizationSeconds: 3600 } }, { autoscaling: { scaleUpStabilizationSeconds: 3601 } }, /ecommerce:autoscaling\.scaleUpStabilizationSeconds: must be at most 3600 seconds \(Kubernetes refuses a longer stabilization window\)/],
    ["scale-down window", { services: { "user-service": { autoscaling: { scaleDownStabilizationSeconds: 0 } } } }, { services: { "user-service": { autoscaling: { scaleDownStabilizationSeconds: -1 } } } }, /ecommerce:services\.user-service\.autoscaling\.scaleDownStabilizationSeconds: must be a whole number of seconds from 0 to 3600/],
    ["autoscaling minReplicas", { autoscaling: { minReplicas: 1 } }, { autoscaling: { minReplicas: 0 } }, /ecommerce:autoscaling\.minReplicas: .*\(replicas\)/],
    ["env names", { services: { "user-service": { env: { "logging.level_x-1": "DEBUG" } } } }, { services: { "user-service": { env: { "1LOG": "DEBUG" } } } }, /ecommerce:services\.user-service\.env\.1LOG: must be an environment variable name \(letters, digits, '_', not starting with a digit\)/],
    ["env values are strings", { services: { "user-service": { env: { A: "1" } } } }, { services: { "user-service": { env: { A: 1 } } } }, /environment values must be strings \(quote numbers and booleans\)/],
    ["backup retention", { postgres: { backup: { retention: 1 } } }, { postgres: { backup: { retention: 0 } } }, /ecommerce:postgres\.backup\.retention: .*\(backups\)/],
    ["beforeUpgrade", { postgres: { backup: { beforeUpgrade: false } } }, { postgres: { backup: { beforeUpgrade: "no" } } }, /ecommerce:postgres\.backup\.beforeUpgrade: must be true or false/],
    ["storage class", { postgres: { storageClass: "fast.ssd-1" } }, { postgres: { storageClass: "Fast" } }, /ecommerce:postgres\.storageClass: must be empty \(the cluster's default\) or a StorageClass name/],
    ["restoreFrom", { postgres: { restoreFrom: "full_backup_1.sql.gz" }, scaleToZero: true }, { postgres: { restoreFrom: "../x.sql.gz" }, scaleToZero: true }, /ecommerce:postgres\.restoreFrom: must be the file name of a backup in the backup volume.*or offsite:<file name>/],
    ["restoreFrom offsite form", { ...offsite({}), postgres: { ...offsite({}).postgres, restoreFrom: "offsite:full_backup_1.sql.gz" }, scaleToZero: true }, { postgres: { restoreFrom: "offsite:/x" }, scaleToZero: true }, /ecommerce:postgres\.restoreFrom: must be the file name/],
    ["bucket length", offsite({ bucket: "a".repeat(63) }), offsite({ bucket: "a".repeat(64) }), /offsite\.bucket: must be an S3 bucket name: 3 to 63 lower-case letters, digits, '\.' and '-'/],
    ["bucket, at least 3", offsite({ bucket: "abc" }), offsite({ bucket: "ab" }), /offsite\.bucket: must be an S3 bucket name/],
    ["bucket, no trailing hyphen", offsite({ bucket: "a.b-c" }), offsite({ bucket: "abc-" }), /offsite\.bucket: must be an S3 bucket name/],
    ["prefix", offsite({ prefix: "shop/prod_1.x" }), offsite({ prefix: "shop//prod" }), /offsite\.prefix: must be a folder in the bucket such as prod\/postgres/],
    ["prefix, no trailing slash", offsite({ prefix: "a/b" }), offsite({ prefix: "a/b/" }), /offsite\.prefix: must be a folder/],
    ["region", offsite({ region: "eu-west-1" }), offsite({ region: "EU-West-1" }), /offsite\.region: must be a region such as eu-west-1 \(us-east-1 where the store has none\)/],
    ["region, nothing after", offsite({ region: "us-east-1" }), offsite({ region: "us-east-1 " }), /offsite\.region: must be a region/],
    ["endpoint: a port is fine, a query is not", offsite({ endpoint: "http://minio.example:9000/" }), offsite({ endpoint: "https://s3.amazonaws.com?x=1" }), /offsite\.endpoint: .*must be an http\(s\) URL of the storage itself \(scheme, host, optional port\)/],
    ["endpoint: no user in it", offsite({ endpoint: "https://s3.amazonaws.com" }), offsite({ endpoint: "https://me@s3.amazonaws.com" }), /offsite\.endpoint: .*must be an http\(s\) URL of the storage itself/],
    ["endpoint: http or https", offsite({ endpoint: "http://s3.local" }), offsite({ endpoint: "ftp://s3.local" }), /offsite\.endpoint: .*must be an http\(s\) URL/],
    ["access key id", offsite({ accessKeyId: "A" }), offsite({ accessKeyId: "" }), /offsite\.accessKeyId: must not be empty/],
    ["secret access key", offsite({ secretAccessKey: "s" }), offsite({ secretAccessKey: "" }), /offsite\.secretAccessKey: must not be empty/],
    ["client-side key length", offsite({ encryptionKey: "x".repeat(16) }), offsite({ encryptionKey: "x".repeat(15) }), /offsite\.encryptionKey: must be at least 16 characters: it is the only key to the encrypted copies/],
    ["bucket retention", offsite({ retention: 1 }), offsite({ retention: 0 }), /offsite\.retention: .*\(copies in the bucket\)/],
    ["server-side encryption", offsite({ serverSideEncryption: "aws:kms" }), offsite({ serverSideEncryption: "kms" }), /offsite\.serverSideEncryption: must be "AES256", "aws:kms" or "none" \(a store without server-side encryption\)/],
    ["sample probability", { observability: { tracing: { sampleProbability: 1 } } }, { observability: { tracing: { sampleProbability: 1.01 } } }, /ecommerce:observability\.tracing\.sampleProbability: must be between 0 and 1 \(share of requests traced\)/],
    ["sample probability, not below 0", { observability: { tracing: { sampleProbability: 0 } } }, { observability: { tracing: { sampleProbability: -0.1 } } }, /must be between 0 and 1 \(share of requests traced\)/],
    ["error rate alert", { observability: { metrics: { alerts: { errorRate: 0.5 } } } }, { observability: { metrics: { alerts: { errorRate: 2 } } } }, /alerts\.errorRate: must be between 0 and 1 \(share of requests answered 5xx\)/],
    ["heap alert", { observability: { metrics: { alerts: { heapUsedRatio: 0.95 } } } }, { observability: { metrics: { alerts: { heapUsedRatio: 1.5 } } } }, /alerts\.heapUsedRatio: must be between 0 and 1 \(share of the maximum heap\)/],
    ["latency alert", { observability: { metrics: { alerts: { latencyP95Seconds: 0.1 } } } }, { observability: { metrics: { alerts: { latencyP95Seconds: 0 } } } }, /alerts\.latencyP95Seconds: must be more than 0 seconds/],
    ["cluster CIDRs", { clusterNetwork: { internalCidrs: ["10.0.0.0/8"] } }, { clusterNetwork: { internalCidrs: ["10.0.0.0/8x"] } }, /ecommerce:clusterNetwork\.internalCidrs\[0\]: must be an IPv4 CIDR such as 10\.96\.0\.0\/12/],
    ["cluster CIDRs, whole address", { clusterNetwork: { internalCidrs: ["192.168.0.0/16"] } }, { clusterNetwork: { internalCidrs: ["192.168.0/16"] } }, /must be an IPv4 CIDR/],
    ["cluster DNS labels", { clusterDns: { podLabels: { "k8s-app": "kube-dns.v1_x" } } }, { clusterDns: { podLabels: { "k8s-app": "-kube-dns" } } }, /ecommerce:clusterDns\.podLabels.*must be a Kubernetes label value/],
    ["cluster DNS label values end alphanumeric", { clusterDns: { podLabels: { a: "b" } } }, { clusterDns: { podLabels: { a: "b." } } }, /must be a Kubernetes label value/],
    ["smtp smarthost", receivers({ smtp: { smarthost: "smtp.example.com:587", from: "a@example.com" } }), receivers({ smtp: { smarthost: "smtp.example.com", from: "a@example.com" } }), /alertReceivers\.smtp\.smarthost: must be host:port of the mail server, e\.g\. smtp\.example\.com:587/],
    ["email addresses", receivers({ L1: { email: ["a.b@example.co"] }, smtp: { smarthost: "s:25", from: "a@example.com" } }), receivers({ L1: { email: ["a b@example.com"] }, smtp: { smarthost: "s:25", from: "a@example.com" } }), /alertReceivers\.L1\.email\[0\]: must be an email address such as devops@example\.com/],
    ["slack channel", receivers({ L1: { slack: [{ url: "https://hooks.slack.com/x", channel: "@ops" }] } }), receivers({ L1: { slack: [{ url: "https://hooks.slack.com/x", channel: "#dev ops" }] } }), /alertReceivers\.L1\.slack\[0\]\.channel: must be a Slack channel such as #devops/],
    ["webhook URL", receivers({ L3: { webhook: [{ url: "http://hooks.example/x" }] } }), receivers({ L3: { webhook: [{ url: "mailto:x@example.com" }] } }), /alertReceivers\.L3\.webhook\[0\]\.url: must be an http:\/\/ or https:\/\/ URL \(value not shown: it may hold a token\)/],
    ["pagerduty key", receivers({ L2: { pagerduty: [{ routingKey: "k" }] } }), receivers({ L2: { pagerduty: [{ routingKey: "" }] } }), /alertReceivers\.L2\.pagerduty\[0\]\.routingKey: must not be empty/],
    // Each pattern anchored at both ends: something before, or after, a valid value is refused.
    ["namespace of one character", { namespace: "a" }, { namespace: "a-" }, /ecommerce:namespace: .*DNS label/],
    ["ingress host: one-letter labels", { ingressHost: "a.b.c" }, { ingressHost: "a..b" }, /ecommerce:ingressHost: "a\.\.b" must be a DNS host name such as shop\.example\.com/],
    ["ingress host: digits at the end of a name are a name", { ingressHost: "shop.v2" }, { ingressHost: "10.0.0.1" }, /ecommerce:ingressHost: "10\.0\.0\.1" is an IP address; an Ingress host must be a DNS name/],
    ["ingress host: digits at the start of a name are a name", { ingressHost: "1shop.example.com" }, { ingressHost: "1.2.3.4" }, /is an IP address/],
    ["cluster CIDRs, nothing before", { clusterNetwork: { internalCidrs: ["192.168.0.16/28"] } }, { clusterNetwork: { internalCidrs: ["x10.0.0.0/8"] } }, /clusterNetwork\.internalCidrs\[0\]: must be an IPv4 CIDR/],
    ["DNS pod labels: an empty value is a value", { clusterDns: { podLabels: { "k8s-app": "" } } }, { clusterDns: { podLabels: { "k8s-app": "-dns" } } }, /clusterDns\.podLabels\.k8s-app: must be a Kubernetes label value/],
    ["image registry, nothing after", { imageRegistry: "a/b" }, { imageRegistry: "a/b c" }, /ecommerce:imageRegistry: must be a registry and path/],
    ["prefix: deeper folders, or none", offsite({ prefix: "a/b/c" }), offsite({ prefix: "/a" }), /offsite\.prefix: must be a folder/],
    ["prefix may be empty", offsite({ prefix: "" }), offsite({ prefix: "a b" }), /offsite\.prefix: must be a folder/],
    ["restoreFrom may be empty", { postgres: { restoreFrom: "" } }, { postgres: { restoreFrom: "x/full.sql.gz" }, scaleToZero: true }, /ecommerce:postgres\.restoreFrom: must be the file name of a backup/],
    ["whole numbers given as text (pulumi config set)", { rolloutTimeoutSeconds: "600" }, { rolloutTimeoutSeconds: "600s" }, /ecommerce:rolloutTimeoutSeconds: must be a whole number \(seconds\)/],
    ["secretsRotation as text", { secretsRotation: "3" }, { secretsRotation: "3a" }, /ecommerce:secretsRotation: must be a whole number \(bump it to rotate\)/],
    ["secretsRotation as text, nothing before", { secretsRotation: "12" }, { secretsRotation: "a12" }, /ecommerce:secretsRotation: must be a whole number/],
    ["smtp smarthost, nothing before", receivers({ smtp: { smarthost: "s:25", from: "a@example.com" } }), receivers({ smtp: { smarthost: "smtp example.com:25", from: "a@example.com" } }), /alertReceivers\.smtp\.smarthost: must be host:port/],
    ["smtp smarthost, nothing after", receivers({ smtp: { smarthost: "s:25", from: "a@example.com" } }), receivers({ smtp: { smarthost: "s:25/x", from: "a@example.com" } }), /alertReceivers\.smtp\.smarthost: must be host:port/],
    ["email addresses, nothing after", receivers({ L1: { email: ["a@example.com"] }, smtp: { smarthost: "s:25", from: "a@example.com" } }), receivers({ L1: { email: ["a@example.com x"] }, smtp: { smarthost: "s:25", from: "a@example.com" } }), /alertReceivers\.L1\.email\[0\]: must be an email address/],
    ["slack channel without # or @", receivers({ L1: { slack: [{ url: "https://hooks.slack.com/x", channel: "devops" }] } }), receivers({ L1: { slack: [{ url: "https://hooks.slack.com/x", channel: "" }] } }), /alertReceivers\.L1\.slack\[0\]\.channel: must be a Slack channel/],
];

describe("config rules at their edges", () => {
    for (const [what, good, bad, message] of CASES) {
        it(what, () => {
            accepted(good);
            refused(bad, message);
        });
    }
});

/** Every place that takes resources: a request above its limit is refused there, named by its full key. */
const RESOURCE_PLACES: string[][] = [
    ["postgres"],
    ["postgres", "backup"],
    ["observability", "logging", "elasticsearch"],
    ["observability", "logging", "logstash"],
    ["observability", "logging", "kibana"],
    ["observability", "logging", "shipper"],
    ["observability", "tracing", "zipkin"],
    ["observability", "metrics", "prometheus"],
    ["observability", "metrics", "grafana"],
    ["observability", "alerting", "alertmanager"],
];

describe("resources wherever they are taken", () => {
    const at = (place: string[], resources: object): Config => place.reduceRight<Config>((inner, k) => ({ [k]: inner }), { resources });
    for (const place of RESOURCE_PLACES) {
        it(place.join("."), () => {
            accepted(at(place, { requests: { memory: "2Gi" }, limits: { memory: "2Gi" } }), "prod");
            const key = `ecommerce:${place.join(".")}.resources`.replace(/\./g, "\\.");
            refused(at(place, { requests: { memory: "3Gi" }, limits: { memory: "2Gi" } }), new RegExp(`${key}\\.requests\\.memory \\(3Gi\\) exceeds ${key}\\.limits\\.memory \\(2Gi\\)`), "prod");
        });
    }
});

/** [what, not doubted at the edge, doubted just past it, the warning]: dev shows them as warnings. */
const DOUBTS: [string, Config, Config, RegExp][] = [
    ["memory without a unit: 1Mi is taken", { resources: { requests: { memory: "1Mi" } } }, { resources: { requests: { memory: "1048575" } } }, /ecommerce:resources\.requests\.memory: "1048575" is 1048575 bytes; give it a unit, e\.g\. "1048575Mi"/],
    ["storage without a unit", { postgres: { storageSize: "1Mi" } }, { postgres: { storageSize: "1000" } }, /ecommerce:postgres\.storageSize: "1000" is 1000 bytes; give it a unit/],
    ["CPU: 256 cores is taken", { resources: { limits: { cpu: "256" } } }, { resources: { limits: { cpu: "257" } } }, /ecommerce:resources\.limits\.cpu: "257" is 257 cores; for millicores write "257m"/],
    ["pods: 1000 of one service is taken", { autoscaling: { maxReplicas: 1000 } }, { autoscaling: { maxReplicas: 1001 } }, /ecommerce:autoscaling\.maxReplicas: 1001 pods of one service is more than any cluster of this system runs; at most 1000/],
    ["pods, as the minimum", { autoscaling: { minReplicas: 1000, maxReplicas: 1000 } }, { autoscaling: { minReplicas: 1001, maxReplicas: 1001 } }, /ecommerce:autoscaling\.minReplicas: 1001 pods/],
    ["pods, pinned", { services: { "order-service": { autoscaling: { enabled: false }, replicas: 1000 } } }, { services: { "order-service": { autoscaling: { enabled: false }, replicas: 1001 } } }, /ecommerce:services\.order-service\.replicas: 1001 pods/],
    ["heap below the memory limit (dev: 768Mi)", { javaToolOptions: "-Xmx767m" }, { javaToolOptions: "-Xmx768m" }, /ecommerce:javaToolOptions: -Xmx768m is not below the memory limit of cloud-config \(768Mi\), .*; the container is killed before the heap is full/],
    ["a service's own heap, against its own limit", { services: { "order-service": { env: { JAVA_TOOL_OPTIONS: "-Xmx1g" }, resources: { limits: { memory: "1100Mi" } } } } }, { services: { "order-service": { env: { JAVA_TOOL_OPTIONS: "-Xmx1g" } } } }, /ecommerce:services\.order-service\.env\.JAVA_TOOL_OPTIONS: -Xmx1g is not below order-service's memory limit 768Mi/],
    ["the datasource is the program's when it is PostgreSQL", { services: { "order-service": { env: { SPRING_DATASOURCE_URL: "jdbc:h2:mem:x" } } } }, { datasource: "postgres", imageRegistry: "registry.example.com/shop", services: { "order-service": { env: { SPRING_DATASOURCE_URL: "jdbc:postgresql://elsewhere/db" } } } }, /ecommerce:services\.order-service\.env\.SPRING_DATASOURCE_URL: the program sets SPRING_DATASOURCE_URL to connect order-service/],
    ["embedded H2 wants the dev profile among others", { springProfile: "k8s,dev" }, { springProfile: "k8s,development" }, /ecommerce:springProfile: profile "k8s,development" without "dev" makes user-service look for MySQL/],
    ["a service's own profile is its own", { services: { "api-gateway": { env: { SPRING_PROFILES_ACTIVE: "prod" } } } }, { services: { "order-service": { env: { SPRING_PROFILES_ACTIVE: "prod" } } } }, /ecommerce:services\.order-service\.env\.SPRING_PROFILES_ACTIVE: profile "prod" without "dev" makes order-service look for MySQL/],
    ["plain HTTP is fine on *.localhost only", { ingressHost: "shop.localhost" }, { ingressHost: "shop.localhost.example.com" }, /ecommerce:ingressHost: the gateway's Ingress serves "shop\.localhost\.example\.com" over plain HTTP/],
    ["plain HTTP on localhost itself", { ingressHost: "localhost" }, { ingressHost: "localhosts" }, /serves "localhosts" over plain HTTP/],
    ["an empty docker key on a Kubernetes stack", { docker: {} }, { docker: { keepVolumes: true } }, /ecommerce:docker: only the docker target reads it; this stack's target is kubernetes/],
];

describe("doubtful settings at their edges", () => {
    for (const [what, taken, doubted, message] of DOUBTS) {
        it(what, () => {
            const ok = judge("dev", taken, SECRET);
            assert.ok("warnings" in ok, `refused ${JSON.stringify(taken)}: ${"error" in ok ? ok.error : ""}`);
            assert.deepEqual(ok.warnings, [], `${JSON.stringify(taken)} is doubted`);
            const warned = judge("dev", doubted, SECRET);
            assert.ok("warnings" in warned, `refused ${JSON.stringify(doubted)}: ${"error" in warned ? warned.error : ""}`);
            assert.ok(warned.warnings.some((w) => message.test(w)), `no warning ${message} among:\n${warned.warnings.join("\n")}`);
        });
    }
});

const LOCAL_PORT = (port: unknown) => ({ docker: { hostPorts: { grafana: port } } });
const LOCAL_PORT_OF = (name: string) => ({ docker: { hostPorts: { [name]: 3001 } } });

/** [what, refused config, the message naming the key]: values of the wrong kind, and rules with more than one message. */
const MESSAGES: [string, Config, RegExp, string?][] = [
    ["image tag latest", { imageTag: "latest" }, /ecommerce:imageTag: must not be "latest": it changes under a running Deployment; pin a version such as 0\.1\.0/],
    ["a count that is not a number", { rolloutTimeoutSeconds: "soon" }, /ecommerce:rolloutTimeoutSeconds: must be a whole number \(seconds\)/],
    ["a count that is not whole", { rolloutTimeoutSeconds: "1.5" }, /ecommerce:rolloutTimeoutSeconds: must be a whole number \(seconds\)/],
    ["a count of 0", { rolloutTimeoutSeconds: "0" }, /ecommerce:rolloutTimeoutSeconds: must be at least 1 \(seconds\)/],
    ["a negative count", { rolloutTimeoutSeconds: "-3" }, /ecommerce:rolloutTimeoutSeconds: must be at least 1 \(seconds\)/],
    ["a count beyond 32 bits", { rolloutTimeoutSeconds: "2147483648" }, /ecommerce:rolloutTimeoutSeconds: must be at most 2147483647 \(seconds; Kubernetes stores it as a 32-bit integer\)/],
    ["replicas as text", { autoscaling: { minReplicas: "two" } }, /ecommerce:autoscaling\.minReplicas: must be a whole number \(replicas\)/],
    ["replicas in halves", { autoscaling: { maxReplicas: 2.5 } }, /ecommerce:autoscaling\.maxReplicas: must be a whole number \(replicas\)/],
    ["a percentage as text", { autoscaling: { targetCPUUtilization: "high" } }, /ecommerce:autoscaling\.targetCPUUtilization: must be a whole percentage from 1 to 100/],
    ["a window as text", { autoscaling: { scaleUpStabilizationSeconds: "1m" } }, /ecommerce:autoscaling\.scaleUpStabilizationSeconds: must be a whole number of seconds from 0 to 3600/],
    ["a window in fractions", { autoscaling: { scaleDownStabilizationSeconds: 30.5 } }, /ecommerce:autoscaling\.scaleDownStabilizationSeconds: must be a whole number of seconds from 0 to 3600/],
    ["a percentage in halves", { autoscaling: { targetCPUUtilization: 50.5 } }, /ecommerce:autoscaling\.targetCPUUtilization: must be a whole percentage from 1 to 100/],
    ["a service's replicas as text", { services: { "order-service": { autoscaling: { enabled: false }, replicas: "two" } } }, /ecommerce:services\.order-service\.replicas: must be a whole number of pods \(0 stops the service\)/],
    ["a service's replicas beyond 32 bits", { services: { "order-service": { autoscaling: { enabled: false }, replicas: 2 ** 31 } } }, /ecommerce:services\.order-service\.replicas: must be at most 2147483647 \(Kubernetes stores replica counts as 32-bit integers\)/],
    ["memory as a number", { resources: { requests: { memory: 512 } } }, /ecommerce:resources\.requests\.memory: must be a memory quantity string such as "512Mi" or "1Gi"/],
    ["CPU as a boolean", { resources: { limits: { cpu: true } } }, /ecommerce:resources\.limits\.cpu: must be a CPU quantity such as "500m" or "1"/],
    ["a structured key that is not YAML", { postgres: "{ not: json" }, /ecommerce:postgres: must be a YAML mapping/],
    ["a boolean as yes", { skipAwait: "yes" }, /ecommerce:skipAwait: must be true or false/],
    ["secretsRotation as text", { secretsRotation: "next" }, /ecommerce:secretsRotation: must be a whole number \(bump it to rotate\)/],
    ["secretsRotation below 0", { secretsRotation: "-1" }, /ecommerce:secretsRotation: must be 0 or more/],
    ["IngressClass name", { ingressClassName: "Nginx" }, /ecommerce:ingressClassName: must be an IngressClass name such as nginx/],
    ["TLS Secret name", { ingressTlsSecretName: "shop_tls" }, /ecommerce:ingressTlsSecretName: must be empty or a Secret name/],
    ["host name length", { ingressHost: `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(59)}.io` }, /ecommerce:ingressHost: "a+\.b+\.c+\.d+\.io" is longer than 253 characters/],
    ["host name characters", { ingressHost: "shop_1.example.com" }, /ecommerce:ingressHost: "shop_1\.example\.com" must be a DNS host name such as shop\.example\.com, or a wildcard such as \*\.example\.com/],
    ["host name, a wildcard only in front", { ingressHost: "shop.*.example.com" }, /ecommerce:ingressHost: "shop\.\*\.example\.com" must be a DNS host name/],
    ["off-site endpoint as a number", { postgres: { backup: { offsite: { ...OFFSITE, endpoint: 443 } } } }, /offsite\.endpoint: must be the storage's URL, e\.g\. https:\/\/s3\.eu-west-1\.amazonaws\.com/],
    ["off-site bucket missing", { postgres: { backup: { offsite: { ...OFFSITE, bucket: undefined } } } }, /offsite\.bucket: must name the bucket/],
    ["off-site key ID as a number", { postgres: { backup: { offsite: { ...OFFSITE, accessKeyId: 1 } } } }, /offsite\.accessKeyId: must be the access key ID \(text\)/],
    ["off-site secret as a number", { postgres: { backup: { offsite: { ...OFFSITE, secretAccessKey: 1 } } } }, /offsite\.secretAccessKey: must be the secret access key \(text\)/],
    ["off-site passphrase as a number", { postgres: { backup: { offsite: { ...OFFSITE, encryptionKey: 1234567890123456 } } } }, /offsite\.encryptionKey: must be a passphrase \(text\)/],
    ["sample probability as text", { observability: { tracing: { sampleProbability: "all" } } }, /ecommerce:observability\.tracing\.sampleProbability: must be a number between 0 and 1 \(share of requests traced\)/],
    ["latency as text", { observability: { metrics: { alerts: { latencyP95Seconds: "slow" } } } }, /alerts\.latencyP95Seconds: must be a number of seconds/],
    ["a receiver URL as a number", receivers({ L3: { webhook: [{ url: 8080 }] } }), /ecommerce:alertReceivers\.L3\.webhook\[0\]\.url: must be a URL \(text\)/],
    ["email addresses as one string", receivers({ L1: { email: "a@example.com" }, smtp: { smarthost: "s:25", from: "a@example.com" } }), /ecommerce:alertReceivers\.L1\.email: must be a list of email addresses/],
    ["an email address as a number", receivers({ L1: { email: [5] }, smtp: { smarthost: "s:25", from: "a@example.com" } }), /ecommerce:alertReceivers\.L1\.email\[0\]: must be an email address/],
    ["a PagerDuty key as a number", receivers({ L2: { pagerduty: [{ routingKey: 5 }] } }), /ecommerce:alertReceivers\.L2\.pagerduty\[0\]\.routingKey: must be a PagerDuty Events API v2 integration key/],
    ["a host port of 0", LOCAL_PORT(0), /ecommerce:docker\.hostPorts\.grafana: must be a TCP port from 1 to 65535/, "local"],
    ["a host port beyond 65535", LOCAL_PORT(65536), /ecommerce:docker\.hostPorts\.grafana: must be a TCP port from 1 to 65535/, "local"],
    ["a host port as text", LOCAL_PORT("3001"), /ecommerce:docker\.hostPorts\.grafana: must be a TCP port number/, "local"],
    ["a host port in halves", LOCAL_PORT(3001.5), /ecommerce:docker\.hostPorts\.grafana: must be a TCP port number/, "local"],
    ["a DNS pod label without a key", { clusterDns: { podLabels: { "": "x" } } }, /ecommerce:clusterDns\.podLabels\.: label keys must be a name of at most 63 letters, digits, '-', '_' and '\.' \(starting and ending alphanumeric\), optionally after a DNS prefix and '\/'/],
    ["a DNS pod label key with a space", { clusterDns: { podLabels: { "k8s app": "x" } } }, /ecommerce:clusterDns\.podLabels\.k8s app: label keys must be/],
    ["a DNS pod label key of 64", { clusterDns: { podLabels: { ["k".repeat(64)]: "x" } } }, /ecommerce:clusterDns\.podLabels\.k{64}: label keys must be/],
    ["a DNS pod label key's prefix", { clusterDns: { podLabels: { "Example.com/app": "x" } } }, /podLabels\.Example\.com\/app: label keys must be/],
    ["a host port for a name no container has", LOCAL_PORT_OF("Grafana"), /ecommerce:docker\.hostPorts\.Grafana: keys must be container names \(lower-case letters, digits and '-'\), e\.g\. grafana/, "local"],
    ["internal CIDRs as one string", { clusterNetwork: { internalCidrs: "10.0.0.0/8" } }, /ecommerce:clusterNetwork\.internalCidrs: must be a list of IPv4 CIDRs/],
    ["an empty build context", { imageBuild: { context: "" } }, /ecommerce:imageBuild\.context: must be the path of a checkout of the services' sources/, "local"],
    ["a build context that is not a folder", { imageBuild: { context: "../no-such-checkout" } }, /ecommerce:imageBuild\.context: "\.\.\/no-such-checkout" is not a folder \(\/.*\/no-such-checkout; a relative path starts at the project's folder\): it must be a checkout of the services' sources/, "local"],
    ["a build registry", { imageBuild: { context: "..", registry: "Registry.example.com" } }, /ecommerce:imageBuild\.registry: must be a registry and path such as registry\.example\.com\/shop/, "local"],
];

describe("what each rule says", () => {
    for (const [what, config, message, stack] of MESSAGES) {
        it(what, () => refused(config, message, stack));
    }
    it("the edges those rules draw are inside", () => {
        accepted({ rolloutTimeoutSeconds: "1" });
        accepted({ rolloutTimeoutSeconds: "2147483647" });
        accepted({ secretsRotation: "0" });
        accepted(LOCAL_PORT(1), "local");
        accepted(LOCAL_PORT(65535), "local");
        accepted({ ingressHost: `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(58)}.io` });
        accepted({ clusterDns: { podLabels: { ["k".repeat(63)]: "x", "app.kubernetes.io/name": "coredns", "K8s_App.1": "x" } } });
        accepted({ ingressHost: "*.shop.localhost" });
    });
});

describe("keys outside the project's namespace, at their edges", () => {
    it("refuses a namespace two edits from the project's, in any case, and only doubts one three edits away", () => {
        // ecommerce -> ecomerce (1), ecomerse (2), ECOMMERCE (0 once lower-cased), ecomers (3).
        for (const namespace of ["ecomerce", "ecomerse", "ECOMMERCE", "commerce", "ecommerce2"]) {
            refused({ [`${namespace}:imageTag`]: "0.2.0" }, new RegExp(`${namespace}:imageTag: "${namespace}" is not this project's namespace, so nothing reads it; did you mean ecommerce:imageTag\\?`));
        }
        const far = judge("dev", { "ecomers:imageTag": "0.2.0" }, SECRET);
        assert.ok("warnings" in far, "three edits away is doubted, not refused");
        assert.match(far.warnings.join("\n"), /ecomers:imageTag: nothing in this program reads the "ecomers" namespace; its keys are ecommerce:\*/);
    });

    it("points docker: keys at docker.host", () => {
        const result = judge("dev", { "docker:host": "ssh://me@builder" }, SECRET);
        assert.ok("warnings" in result);
        assert.match(result.warnings.join("\n"), /docker:host: this program's docker provider is configured explicitly and reads no docker:\* config; use ecommerce:docker\.host/);
    });
});

