/**
 * The shape of stack config, as zod schemas: types, ranges and allowed values of every
 * key in `Pulumi.<stack>.yaml`. Rules that span keys (min vs max, requests vs limits,
 * what a singleton may not do) are in `settings.ts`, where defaults are merged in.
 */
import { z } from "zod";
import { SERVICE_NAMES } from "../catalog";
import { parseCpu, parseMemory } from "../lib/quantity";
import { cronProblem } from "../lib/cron";
import { parsePrometheusDuration, parseJvmSize } from "../lib/durations";
import { parseImageRef, unpinnedReason } from "../lib/image";

/** An object that rejects unknown keys and says which keys it knows. */
function strict<T extends z.core.$ZodLooseShape>(shape: T) {
    const allowed = Object.keys(shape).join(", ");
    return z.strictObject(shape, {
        error: (issue) =>
            issue.code === "unrecognized_keys" ? `unknown key; allowed keys here: ${allowed}` : undefined,
    });
}

/** A check whose message quotes the value (JSON quoting shows stray spaces). */
function must<T>(ok: (value: T) => boolean, message: (value: T) => string) {
    return (value: T, ctx: z.core.$RefinementCtx<T>) => {
        if (!ok(value)) {
            ctx.addIssue({ code: "custom", message: message(value) });
        }
    };
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const dnsLabel = z
    .string()
    .max(63, "must be at most 63 characters (a DNS label)")
    .regex(DNS_LABEL, "must be a DNS label: lower-case letters, digits and '-', starting and ending with a letter or digit");

/** Namespaces the cluster itself runs in, or that everything lands in by default. */
export const RESERVED_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

const namespace = dnsLabel.superRefine(
    must(
        (n: string) => !RESERVED_NAMESPACES.includes(n),
        (n) => `"${n}" is reserved for the cluster itself (${RESERVED_NAMESPACES.join(", ")}); give the stack a namespace of its own such as dev or prod`,
    ),
);

/** What the API server accepts as an Ingress host: a DNS name or a `*.` wildcard one, each label at most 63, never an IP. */
const hostname = z.string().superRefine((h, ctx) => {
    if (h === "") return;
    const problem = /^[a-z][a-z0-9+.-]*:\/\//i.test(h)
        ? "is a URL; an Ingress host is the name alone, such as shop.example.com (no scheme, port or path)"
        : /^[0-9.]+$/.test(h) || h.includes(":")
        ? "is an IP address; an Ingress host must be a DNS name such as shop.example.com"
        : h.length > 253
          ? "is longer than 253 characters"
          : h.split(".").some((label) => label.length > 63)
            ? "has a label longer than 63 characters"
            : !DNS_SUBDOMAIN.test(h.replace(/^\*\./, ""))
              ? "must be a DNS host name such as shop.example.com, or a wildcard such as *.example.com"
              : undefined;
    if (problem) ctx.addIssue({ code: "custom", message: `${JSON.stringify(h)} ${problem}` });
});

/** A quantity check with a message that quotes the offending value. */
function quantity(parse: (q: string) => number | undefined, advice: string) {
    return (q: string, ctx: z.core.$RefinementCtx<string>) => {
        if ((parse(q) ?? 0) <= 0) {
            // JSON quoting shows a stray space or tab.
            ctx.addIssue({ code: "custom", message: `${JSON.stringify(q)} ${advice}` });
        }
    };
}

const memory = z
    .string({ error: 'must be a memory quantity string such as "512Mi" or "1Gi"' })
    .superRefine(
        quantity(parseMemory, 'is not a positive Kubernetes memory quantity; use binary suffixes Ki, Mi, Gi (e.g. "512Mi", "1Gi") or k, M, G'),
    );

const cpu = z
    .union([z.string(), z.number()], { error: 'must be a CPU quantity such as "500m" or "1"' })
    .transform((q) => String(q))
    .superRefine(quantity(parseCpu, 'is not a positive Kubernetes CPU quantity; use cores ("1", "0.5") or millicores ("500m")'));

export const imageRef = z.string().superRefine((ref, ctx) => {
    const parsed = parseImageRef(ref);
    if (!parsed) {
        ctx.addIssue({ code: "custom", message: `"${ref}" is not an image reference of the form registry/repository:tag` });
        return;
    }
    const reason = unpinnedReason(parsed);
    if (reason) {
        ctx.addIssue({ code: "custom", message: `"${ref}" ${reason}; pin a version tag such as 0.1.0 or a sha256 digest` });
    }
});

const imageTag = z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "must be an image tag such as 0.1.0")
    .refine((t) => t !== "latest", 'must not be "latest": it changes under a running Deployment; pin a version such as 0.1.0');

/** Kubernetes stores counts as 32-bit integers. */
const INT32_MAX = 2 ** 31 - 1;

const positiveInt = (what: string) =>
    z
        .number({ error: `must be a whole number (${what})` })
        .int(`must be a whole number (${what})`)
        .positive(`must be at least 1 (${what})`)
        .max(INT32_MAX, `must be at most ${INT32_MAX} (${what}; Kubernetes stores it as a 32-bit integer)`);

const percent = z
    .number({ error: "must be a whole percentage from 1 to 100" })
    .int("must be a whole percentage from 1 to 100")
    .min(1, "must be a whole percentage from 1 to 100")
    .max(100, "must be a whole percentage from 1 to 100");

const resourcePair = strict({ cpu: cpu.optional(), memory: memory.optional() });

export const resourcesOverride = strict({ requests: resourcePair.optional(), limits: resourcePair.optional() });

/** Kubernetes refuses an HPA stabilization window over an hour. */
const STABILIZATION_MAX_SECONDS = 3600;
const stabilizationSeconds = z
    .number({ error: `must be a whole number of seconds from 0 to ${STABILIZATION_MAX_SECONDS}` })
    .int(`must be a whole number of seconds from 0 to ${STABILIZATION_MAX_SECONDS}`)
    .min(0, `must be a whole number of seconds from 0 to ${STABILIZATION_MAX_SECONDS}`)
    .max(STABILIZATION_MAX_SECONDS, `must be at most ${STABILIZATION_MAX_SECONDS} seconds (Kubernetes refuses a longer stabilization window)`);

export const autoscalingOverride = strict({
    minReplicas: positiveInt("replicas").optional(),
    maxReplicas: positiveInt("replicas").optional(),
    targetCPUUtilization: percent.optional(),
    scaleUpStabilizationSeconds: stabilizationSeconds.optional(),
    scaleDownStabilizationSeconds: stabilizationSeconds.optional(),
});

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const ENV_NAME_RULE = "must be an environment variable name (letters, digits, '_', not starting with a digit)";

export const serviceOverride = strict({
    image: imageRef.optional(),
    replicas: z
        .number({ error: "must be a whole number of pods (0 stops the service)" })
        .int("must be a whole number of pods (0 stops the service)")
        .nonnegative("must be 0 or more (0 stops the service)")
        .max(INT32_MAX, `must be at most ${INT32_MAX} (Kubernetes stores replica counts as 32-bit integers)`)
        .optional(),
    autoscaling: strict({ ...autoscalingOverride.shape, enabled: z.boolean().optional() }).optional(),
    resources: resourcesOverride.optional(),
    restartedAt: z.string().max(63, "must be at most 63 characters (a timestamp such as 2025-01-31T10:00:00Z)").optional(),
    env: z
        .record(z.string().regex(ENV_NAME, ENV_NAME_RULE), z.string({ error: "environment values must be strings (quote numbers and booleans)" }), {
            // zod reports a key that fails its schema as "Invalid key in record": say what a name must be.
            error: (issue) => (issue.code === "invalid_key" ? ENV_NAME_RULE : undefined),
        })
        .optional(),
});

export const servicesOverride = z.partialRecord(z.enum(SERVICE_NAMES), serviceOverride, {
    error: (issue) => {
        // zod reports a key outside the enum as unrecognized (a partial record is checked like an object).
        const code: string = issue.code;
        return code === "unrecognized_keys" || code === "invalid_key" ? `unknown service; allowed: ${SERVICE_NAMES.join(", ")}` : undefined;
    },
});

const cron = z.string().superRefine((c, ctx) => {
    const problem = cronProblem(c);
    if (problem) {
        ctx.addIssue({ code: "custom", message: `${JSON.stringify(c)} ${problem}; a schedule is five fields such as "0 2 * * *" (02:00 daily) or "0 2 * * MON", or @daily` });
    }
});

const storageClass = z.string().refine((s) => s === "" || DNS_SUBDOMAIN.test(s), "must be empty (the cluster's default) or a StorageClass name");

/** The text as an http or https URL, or undefined when it is not one. */
function httpUrl(text: string): URL | undefined {
    try {
        const url = new URL(text);
        return url.protocol === "https:" || url.protocol === "http:" ? url : undefined;
    } catch {
        return undefined;
    }
}

/** An S3 endpoint: an http(s) URL with a host and nothing after it. */
const s3Endpoint = z.string({ error: "must be the storage's URL, e.g. https://s3.eu-west-1.amazonaws.com" }).superRefine((u, ctx) => {
    const url = httpUrl(u);
    if (!url || (url.pathname !== "/" && url.pathname !== "") || url.search || url.username) {
        ctx.addIssue({ code: "custom", message: `${JSON.stringify(u)} must be an http(s) URL of the storage itself (scheme, host, optional port), e.g. https://s3.eu-west-1.amazonaws.com or http://minio.backup.svc:9000; the bucket goes in bucket` });
    }
});

/** Off-site copies of the backups (S3 and compatible stores). Credentials are checked to be secrets in settings. */
const offsiteOverride = strict({
    endpoint: s3Endpoint,
    // S3's bucket naming rules: 3-63 lower-case letters, digits, dots and hyphens.
    bucket: z.string({ error: "must name the bucket" }).regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name: 3 to 63 lower-case letters, digits, '.' and '-'"),
    prefix: z
        .string()
        .regex(/^([A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*)?$/, "must be a folder in the bucket such as prod/postgres (letters, digits, '.', '_', '-', separated by '/'; no leading or trailing '/')")
        .optional(),
    region: z.string().regex(/^[a-z0-9-]+$/, "must be a region such as eu-west-1 (us-east-1 where the store has none)").optional(),
    accessKeyId: z.string({ error: "must be the access key ID (text)" }).min(1, "must not be empty"),
    secretAccessKey: z.string({ error: "must be the secret access key (text)" }).min(1, "must not be empty"),
    serverSideEncryption: z.enum(["AES256", "aws:kms", "none"], { error: 'must be "AES256", "aws:kms" or "none" (a store without server-side encryption)' }).optional(),
    encryptionKey: z.string({ error: "must be a passphrase (text)" }).min(16, "must be at least 16 characters: it is the only key to the encrypted copies").optional(),
    retention: positiveInt("copies in the bucket").optional(),
    image: imageRef.optional(),
});

export const postgresOverride = strict({
    image: imageRef.optional(),
    maxConnections: z
        .number({ error: "must be a whole number of connections" })
        .int("must be a whole number of connections")
        .min(50, "must be at least 50 (the Jobs and an operator need some beside the services)")
        .max(10000, "must be at most 10000 (each connection is a server process)")
        .optional(),
    storageSize: memory.optional(),
    storageClass: storageClass.optional(),
    resources: resourcesOverride.optional(),
    backup: strict({
        schedule: cron.optional(),
        retention: positiveInt("backups").optional(),
        beforeUpgrade: z.boolean({ error: "must be true or false" }).optional(),
        storageSize: memory.optional(),
        storageClass: storageClass.optional(),
        resources: resourcesOverride.optional(),
        offsite: offsiteOverride.optional(),
    }).optional(),
    restoreFrom: z
        .string()
        .regex(
            /^((offsite:)?[A-Za-z0-9][A-Za-z0-9._-]*)?$/,
            "must be the file name of a backup in the backup volume, e.g. full_backup_20250101T020000Z.sql.gz, or offsite:<file name> for a copy in the off-site bucket (no directories)",
        )
        .optional(),
});

const jvmHeap = z
    .string()
    .superRefine(must((h: string) => parseJvmSize(h) !== undefined, (h) => `${JSON.stringify(h)} must be a JVM heap size such as "512m", "512M" or "1g"`));

const ratio = (what: string) =>
    z.number({ error: `must be a number between 0 and 1 (${what})` }).min(0, `must be between 0 and 1 (${what})`).max(1, `must be between 0 and 1 (${what})`);

const duration = z
    .string()
    .superRefine(must((d: string) => parsePrometheusDuration(d) !== undefined, (d) => `${JSON.stringify(d)} must be a Prometheus duration such as "15d", "12h" or "1h30m"`));

/** Prometheus takes a retention of 0 for "unset" and keeps its default 15 days, whatever the volume holds. */
const retention = duration.superRefine(
    must(
        (d: string) => parsePrometheusDuration(d) !== 0,
        (d) => `${JSON.stringify(d)} is zero, which Prometheus takes as unset: it keeps its default 15 days; give the time to keep, such as "15d" or "12h"`,
    ),
);

const tool = { image: imageRef.optional(), resources: resourcesOverride.optional() };
const storage = { storageSize: memory.optional(), storageClass: storageClass.optional() };

export const observabilityOverride = strict({
    tracing: strict({
        enabled: z.boolean().optional(),
        sampleProbability: ratio("share of requests traced").optional(),
        zipkin: strict(tool).optional(),
    }).optional(),
    metrics: strict({
        enabled: z.boolean().optional(),
        retention: retention.optional(),
        alerts: strict({
            errorRate: ratio("share of requests answered 5xx").optional(),
            latencyP95Seconds: z.number({ error: "must be a number of seconds" }).positive("must be more than 0 seconds").optional(),
            heapUsedRatio: ratio("share of the maximum heap").optional(),
        }).optional(),
        prometheus: strict({ ...tool, ...storage }).optional(),
        grafana: strict({ enabled: z.boolean().optional(), ...tool, ...storage }).optional(),
    }).optional(),
    alerting: strict({
        enabled: z.boolean().optional(),
        alertmanager: strict({ ...tool, ...storage }).optional(),
    }).optional(),
    logging: strict({
        enabled: z.boolean().optional(),
        elasticsearch: strict({ ...tool, ...storage, heapSize: jvmHeap.optional() }).optional(),
        logstash: strict({ ...tool, heapSize: jvmHeap.optional() }).optional(),
        kibana: strict(tool).optional(),
        shipper: strict(tool).optional(),
    }).optional(),
});

/** An http(s) URL; the message never quotes it, since it may carry a token. */
const receiverUrl = z.string({ error: "must be a URL (text)" }).superRefine((u, ctx) => {
    if (!httpUrl(u)) {
        ctx.addIssue({ code: "custom", message: "must be an http:// or https:// URL (value not shown: it may hold a token)" });
    }
});

const emailAddress = z.string({ error: "must be an email address" }).regex(/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, "must be an email address such as devops@example.com");

const levelReceivers = strict({
    email: z.array(emailAddress, { error: "must be a list of email addresses" }).optional(),
    slack: z.array(strict({ url: receiverUrl, channel: z.string().regex(/^[#@]?\S+$/, "must be a Slack channel such as #devops").optional() })).optional(),
    pagerduty: z.array(strict({ routingKey: z.string({ error: "must be a PagerDuty Events API v2 integration key" }).min(1, "must not be empty") })).optional(),
    webhook: z.array(strict({ url: receiverUrl })).optional(),
});

/** Who Alertmanager notifies, per support level of manual 10.1; credentials must be Pulumi secrets (checked in settings). */
export const alertReceiversOverride = strict({
    smtp: strict({
        smarthost: z.string().regex(/^[A-Za-z0-9.-]+:[0-9]{1,5}$/, "must be host:port of the mail server, e.g. smtp.example.com:587"),
        from: emailAddress,
        username: z.string().optional(),
        password: z.string().optional(),
        requireTls: z.boolean().optional(),
    }).optional(),
    L1: levelReceivers.optional(),
    L2: levelReceivers.optional(),
    L3: levelReceivers.optional(),
});

const port = z.number({ error: "must be a TCP port number" }).int("must be a TCP port number").min(1, "must be a TCP port from 1 to 65535").max(65535, "must be a TCP port from 1 to 65535");

/** DOCKER_HOST forms the Docker client takes; empty means the local daemon. */
const dockerHost = z
    .string()
    .superRefine(
        must(
            (h: string) => h === "" || /^(unix|npipe):\/\/\/?\S+$|^(tcp|ssh):\/\/\S+$/.test(h),
            (h) => `${JSON.stringify(h)} must be a DOCKER_HOST with its scheme: unix:///var/run/docker.sock, tcp://host:2376, ssh://user@host, or empty for the local daemon`,
        ),
    );

const labelValue = z.string().regex(/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/, "must be a Kubernetes label value");

/** A label key: an optional DNS-subdomain prefix and '/', then a name of at most 63 characters. */
function isLabelKey(key: string): boolean {
    const slash = key.lastIndexOf("/");
    const prefix = slash < 0 ? undefined : key.slice(0, slash);
    const name = key.slice(slash + 1);
    const prefixOk = prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix));
    return prefixOk && name.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name);
}

const LABEL_KEY_RULE = "label keys must be a name of at most 63 letters, digits, '-', '_' and '.' (starting and ending alphanumeric), optionally after a DNS prefix and '/', e.g. k8s-app or app.kubernetes.io/name";

export const clusterDnsOverride = strict({
    namespace: dnsLabel.optional(),
    podLabels: z
        .record(z.string().refine(isLabelKey), labelValue, {
            // zod reports a key that fails its schema as "Invalid key in record": say what a key must be.
            error: (issue) => (issue.code === "invalid_key" ? LABEL_KEY_RULE : undefined),
        })
        .optional(),
});

const cidr = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, "must be an IPv4 CIDR such as 10.96.0.0/12");

export const clusterNetworkOverride = strict({
    internalCidrs: z.array(cidr, { error: "must be a list of IPv4 CIDRs" }).optional(),
});

export const dockerOverride = strict({
    host: dockerHost.optional(),
    hostPorts: z
        .record(dnsLabel, port, {
            error: (issue) => (issue.code === "invalid_key" ? "keys must be container names (lower-case letters, digits and '-'), e.g. grafana" : undefined),
        })
        .optional(),
    keepVolumes: z.boolean().optional(),
});

export const imageBuildOverride = strict({
    context: z.string().min(1, "must be the path of a checkout of the services' sources").optional(),
    registry: z.string().regex(/^[a-z0-9]+([._:/-][a-z0-9]+)*$/, "must be a registry and path such as registry.example.com/shop").optional(),
    push: z.boolean().optional(),
});

/** Config values reach the program as strings; structured ones as JSON. */
function fromJson<T extends z.ZodType>(schema: T) {
    return z.preprocess((raw, ctx) => {
        if (typeof raw !== "string") {
            return raw;
        }
        try {
            return JSON.parse(raw) as unknown;
        } catch {
            ctx.issues.push({ code: "custom", message: "must be a YAML mapping", input: raw });
            return z.NEVER;
        }
    }, schema);
}

const bool = z.preprocess(
    (raw) => (raw === "true" ? true : raw === "false" ? false : raw),
    z.boolean({ error: "must be true or false" }),
);

const integer = (what: string) => z.preprocess((raw) => (typeof raw === "string" && /^-?\d+$/.test(raw) ? Number(raw) : raw), positiveInt(what));

export const stackConfig = strict({
    namespace,
    target: z.enum(["kubernetes", "docker"]),
    environment: z.enum(["development", "production"]),
    datasource: z.enum(["embedded", "postgres"]),
    podSecurity: z.enum(["privileged", "baseline", "restricted"]),
    kubeContext: z.string(),
    imageRegistry: z
        .string()
        .regex(/^[a-z0-9]+([._:/-][a-z0-9]+)*$/, "must be a registry and path such as docker.io/selimhorri"),
    imageTag: imageTag,
    springProfile: z
        .string()
        .regex(/^[a-z0-9-]+(,[a-z0-9-]+)*$/, "must be one or more Spring profile names separated by commas, e.g. dev"),
    javaToolOptions: z.string(),
    configServerFolder: z.string(),
    waitImage: imageRef,
    skipAwait: bool,
    scaleToZero: bool,
    smokeTest: bool,
    networkIsolation: bool,
    restartedAt: z.string().max(63, "must be at most 63 characters (a timestamp such as 2025-01-31T10:00:00Z)"),
    secretsRotation: z.preprocess(
        (raw) => (typeof raw === "string" && /^-?\d+$/.test(raw) ? Number(raw) : raw),
        z.number({ error: "must be a whole number (bump it to rotate)" }).int("must be a whole number (bump it to rotate)").nonnegative("must be 0 or more"),
    ),
    rolloutTimeoutSeconds: integer("seconds"),
    ingressEnabled: bool,
    ingressClassName: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be an IngressClass name such as nginx"),
    ingressHost: hostname,
    ingressControllerNamespace: dnsLabel,
    ingressTlsTerminatedElsewhere: bool,
    spreadAcrossNodes: bool,
    spreadAcrossZones: bool,
    ingressTlsSecretName: z.string().refine((s) => s === "" || DNS_SUBDOMAIN.test(s), "must be empty or a Secret name"),
    autoscaling: fromJson(autoscalingOverride),
    resources: fromJson(resourcesOverride),
    services: fromJson(servicesOverride),
    postgres: fromJson(postgresOverride),
    observability: fromJson(observabilityOverride),
    alertReceivers: fromJson(alertReceiversOverride),
    docker: fromJson(dockerOverride),
    clusterDns: fromJson(clusterDnsOverride),
    clusterNetwork: fromJson(clusterNetworkOverride),
    imageBuild: fromJson(imageBuildOverride),
});

export type StackConfig = z.output<typeof stackConfig>;
export type ServiceOverride = z.output<typeof serviceOverride>;
export type ResourcesOverride = z.output<typeof resourcesOverride>;
export type PostgresOverride = z.output<typeof postgresOverride>;
export type ObservabilityOverride = z.output<typeof observabilityOverride>;
export type AlertReceiversOverride = z.output<typeof alertReceiversOverride>;
export type OffsiteOverride = z.output<typeof offsiteOverride>;
