/**
 * Stack config in, a validated and fully resolved settings object out. Every default is
 * applied here (from the catalog's manual numbers and Pulumi.yaml's declared defaults),
 * so components receive decisions, not optional fields.
 */
import { connectionsNeeded, OTHER_CONNECTIONS, POOL_SIZE } from "../components/postgres/connections";
import { ROLLOUT_SURGE } from "../components/shared/pod";
import { isPublicImage, MANUAL_AUTOSCALING, MANUAL_RESOURCES, PUBLIC_IMAGE_PREFIX, SERVICES, type ServiceName, type ServiceSpec } from "../catalog";
import { LOGGING_SUFFIX } from "../catalog/observability";
import { ConfigError, configKey, configPath, describeIssue, writtenValue } from "./config-error";
import { resolveAlertReceivers } from "./alert-receivers";
import { resolveOffsite, resolveRestore, type StackIdentity } from "./backup-settings";
import { resolveConfigServer } from "./config-server-settings";
import { foreignKeyProblems } from "./foreign-keys";
import { doubtfulSettings } from "./sense";
import { AUTOSCALING_DEFAULTS, CLUSTER_DNS_DEFAULTS, CLUSTER_NETWORK_DEFAULTS, POSTGRES_DEFAULTS } from "./defaults";
import { resolveDocker, resolveImageBuild } from "./docker-settings";
import { resolveObservability } from "./observability-settings";
import { checkResources, mergeResources } from "./resources";
import { stackConfig, type ServiceOverride, type StackConfig } from "./schema";

import type { Autoscaling, PostgresSettings, Replicas, ServiceSettings, Settings } from "../settings";

/**
 * Validates raw config (the project's keys without the `<project>:` prefix, values as the
 * engine passes them: strings, JSON for structured values) and resolves every default.
 * Throws ConfigError listing every problem; nothing is declared before this returns.
 */
export function loadSettings(
    raw: Readonly<Record<string, string>>,
    project: string,
    stack: string,
    /** Every config key outside the project's namespace, in full (`kubernetes:context`). */
    foreignKeys: readonly string[] = [],
    /** The project's keys the engine holds as secrets, without the prefix. */
    secretKeys: readonly string[] = [],
    /** Problems found in the stack file itself (stacks/unquoted.ts). */
    fileProblems: readonly string[] = [],
): Settings {
    const problems: string[] = [...fileProblems];
    const foreign = foreignKeyProblems(foreignKeys, project);
    problems.push(...foreign.refused);
    for (const key of Object.keys(stackConfig.shape)) {
        if (raw[key] === undefined) {
            problems.push(`${configKey(project, [key])}: is required; Pulumi.yaml declares it, set it in Pulumi.${stack}.yaml`);
        }
    }
    const parsed = stackConfig.safeParse(raw);
    if (!parsed.success) {
        problems.push(
            ...parsed.error.issues.filter((i) => raw[String(i.path[0])] !== undefined || i.path.length === 0).map((i) => describeIssue(project, i, writtenValue(raw, i.path, secretKeys))),
        );
    }
    if (problems.length > 0 || !parsed.success) {
        throw new ConfigError(problems, stack);
    }
    const settings = resolve(parsed.data, raw, foreign.doubtful, secretKeys, project, stack, problems);
    if (problems.length > 0) {
        throw new ConfigError(problems, stack);
    }
    return settings;
}

function resolve(
    config: StackConfig,
    raw: Readonly<Record<string, string>>,
    doubtfulKeys: readonly string[],
    secretKeys: readonly string[],
    project: string,
    stack: string,
    problems: string[],
): Settings {
    const key = (...path: (string | number)[]) => configKey(project, path);
    checkNamespaceRoom(config, key, problems);
    const stackResources = mergeResources(MANUAL_RESOURCES, config.resources);
    checkResources(stackResources, config.resources, ["resources"], key, problems);
    const stackAutoscaling = { ...MANUAL_AUTOSCALING, ...AUTOSCALING_DEFAULTS, ...config.autoscaling };
    checkRange(stackAutoscaling, key("autoscaling"), problems);

    const imageBuild = resolveImageBuild(config, key, problems);
    const registry = imageBuild ? (imageBuild.registry ?? "ecommerce-local") : config.imageRegistry;
    const services = {} as Record<ServiceName, ServiceSettings>;
    for (const spec of SERVICES) {
        const override: ServiceOverride = config.services[spec.name] ?? {};
        const path = ["services", spec.name];
        const resources = mergeResources(stackResources, override.resources);
        if (override.resources) {
            checkResources(resources, override.resources, [...path, "resources"], key, problems);
        }
        const running = replicasFor(spec, override, stackAutoscaling, key(...path), problems);
        services[spec.name] = {
            spec,
            image: override.image ?? `${registry}/${spec.image}:${config.imageTag}`,
            replicas: config.scaleToZero ? { kind: "fixed", count: 0 } : running,
            running,
            resources,
            env: override.env ?? {},
            restartedAt: override.restartedAt || config.restartedAt || undefined,
        };
    }

    const postgres = resolvePostgres(config, { project, stack, secret: secretKeys.includes("postgres") }, key, (...path) => configPath(path), problems);
    if (config.datasource === "postgres") {
        const needed = connectionsNeeded(Object.values(services));
        if (needed > postgres.maxConnections) {
            problems.push(
                `${key("postgres", "maxConnections")}: ${postgres.maxConnections} is too few for the services at their autoscalers' maxima: ` +
                    `${needed} are needed (${POOL_SIZE} per pod, each service's maxReplicas + ${ROLLOUT_SURGE} during a roll-out, plus ${OTHER_CONNECTIONS} for the Jobs and an operator); ` +
                    "raise it to at least that (PostgreSQL restarts to apply it) or lower autoscaling.maxReplicas",
            );
        }
    }
    const receivers = resolveAlertReceivers(config.alertReceivers, secretKeys.includes("alertReceivers"), key, (...path) => configPath(path), problems);
    const observability = resolveObservability(config.observability, key, problems, receivers);
    const warnings: string[] = [];
    // What development only warns about, production refuses.
    const doubtful = config.environment === "production" ? problems : warnings;
    checkDatasource(config, services, key, doubtful);
    if (config.environment === "production" && config.target === "kubernetes" && !postgres.backup.offsite) {
        warnings.push(
            `${key("postgres", "backup", "offsite")}: not set, so every backup of this production database lives on a volume in its own namespace: ` +
                "one lost namespace, cluster or storage system loses the database and all its backups together; configure an off-site bucket (README, Data: Off-site copies)",
        );
    }
    doubtful.push(...doubtfulKeys, ...doubtfulSettings(config, raw, services, key));

    return {
        project,
        stack,
        namespace: config.namespace,
        target: config.target,
        docker: resolveDocker(config, observability, key, problems),
        imageBuild,
        environment: config.environment,
        datasource: config.datasource,
        postgres,
        observability,
        // Nothing runs to be checked while the services are stopped: the Job would fail every up.
        smokeTest: config.smokeTest && !config.scaleToZero,
        networkIsolation: config.networkIsolation,
        clusterDns: { ...CLUSTER_DNS_DEFAULTS, ...config.clusterDns },
        internalCidrs: config.clusterNetwork.internalCidrs ?? CLUSTER_NETWORK_DEFAULTS.internalCidrs,
        secretsRotation: config.secretsRotation,
        warnings,
        podSecurity: config.podSecurity,
        kubeContext: config.kubeContext === "" ? undefined : config.kubeContext,
        springProfile: config.springProfile,
        configServer: resolveConfigServer(config.configServerFolder, key("configServerFolder"), problems),
        javaToolOptions: config.javaToolOptions,
        waitImage: config.waitImage,
        skipAwait: config.skipAwait,
        spread: { nodes: config.spreadAcrossNodes, zones: config.spreadAcrossZones },
        rolloutTimeoutSeconds: config.rolloutTimeoutSeconds,
        ingress: config.ingressEnabled
            ? {
                  className: config.ingressClassName,
                  controllerNamespace: config.ingressControllerNamespace,
                  host: config.ingressHost || undefined,
                  tlsSecretName: config.ingressTlsSecretName || undefined,
                  tlsTerminatedElsewhere: config.ingressTlsTerminatedElsewhere,
              }
            : undefined,
        services,
    };
}

/** The log shipper's namespace is `<namespace>-logging`, itself a DNS label of at most 63 characters. */
function checkNamespaceRoom(config: StackConfig, key: (...path: string[]) => string, problems: string[]): void {
    const room = 63 - LOGGING_SUFFIX.length;
    if (config.target === "kubernetes" && config.observability.logging?.enabled !== false && config.namespace.length > room) {
        problems.push(
            `${key("namespace")}: "${config.namespace}" leaves no room for the log shipper's namespace "${config.namespace}${LOGGING_SUFFIX}" (a DNS label, at most 63 characters); ` +
                `use at most ${room} characters, or turn ${key("observability")}.logging.enabled off`,
        );
    }
}

function resolvePostgres(
    config: StackConfig,
    stack: StackIdentity,
    key: (...path: string[]) => string,
    bareKey: (...path: string[]) => string,
    problems: string[],
): PostgresSettings {
    const override = config.postgres;
    const resources = mergeResources(POSTGRES_DEFAULTS.resources, override.resources);
    checkResources(resources, override.resources, ["postgres", "resources"], key, problems);
    const backupResources = mergeResources(POSTGRES_DEFAULTS.backup.resources, override.backup?.resources);
    checkResources(backupResources, override.backup?.resources, ["postgres", "backup", "resources"], key, problems);
    const backup = { ...POSTGRES_DEFAULTS.backup, ...override.backup };
    const storageClass = override.storageClass ?? POSTGRES_DEFAULTS.storageClass;
    return {
        image: override.image ?? POSTGRES_DEFAULTS.image,
        storageSize: override.storageSize ?? POSTGRES_DEFAULTS.storageSize,
        storageClass: storageClass || undefined,
        maxConnections: override.maxConnections ?? POSTGRES_DEFAULTS.maxConnections,
        resources,
        backup: {
            schedule: backup.schedule,
            retention: backup.retention,
            beforeUpgrade: backup.beforeUpgrade,
            storageSize: backup.storageSize,
            storageClass: backup.storageClass || undefined,
            resources: backupResources,
            ...(override.backup?.offsite ? { offsite: resolveOffsite(override.backup.offsite, backup.retention, stack, key, bareKey, problems) } : {}),
        },
        restoreFrom: resolveRestore(override.restoreFrom, override.backup?.offsite !== undefined, key, problems),
        protect: config.environment === "production",
    };
}

/**
 * The public images carry no PostgreSQL driver: `datasource: postgres` with them gives
 * services that cannot start. Refused in production, a warning in development.
 */
function checkDatasource(
    config: StackConfig,
    services: Record<ServiceName, ServiceSettings>,
    key: (...path: string[]) => string,
    report: string[],
): void {
    if (config.datasource !== "postgres") {
        return;
    }
    const stuck = Object.values(services).filter((s) => s.spec.database && isPublicImage(s.image));
    if (stuck.length > 0) {
        report.push(
            `${key("datasource")}: "postgres" needs images built with the PostgreSQL driver and migrations, but ${stuck
                .map((s) => s.spec.name)
                .join(", ")} still use the public images (${PUBLIC_IMAGE_PREFIX}...), which carry only H2 and MySQL drivers; ` +
                `set ${key("imageRegistry")}/${key("imageTag")} or ${key("services")}.<name>.image to your rebuilt images, or use datasource "embedded"`,
        );
    }
}

function replicasFor(
    spec: ServiceSpec,
    override: ServiceOverride,
    stackAutoscaling: Autoscaling,
    at: string,
    problems: string[],
): Replicas {
    if (spec.scaling === "singleton") {
        if (override.autoscaling !== undefined) {
            problems.push(`${at}.autoscaling: ${spec.name} is a singleton (it does not replicate its state) and cannot autoscale; remove the key`);
        }
        if (override.replicas !== undefined && override.replicas > 1) {
            problems.push(`${at}.replicas: ${spec.name} is a singleton and runs 1 replica (or 0 to stop it); got ${override.replicas}`);
        }
        return { kind: "fixed", count: override.replicas ?? 1 };
    }
    const { enabled = true, ...range } = override.autoscaling ?? {};
    const autoscaling = { ...stackAutoscaling, ...range };
    if (override.autoscaling) {
        checkRange(autoscaling, `${at}.autoscaling`, problems);
    }
    if (!enabled) {
        return { kind: "fixed", count: override.replicas ?? autoscaling.minReplicas };
    }
    if (override.replicas !== undefined) {
        problems.push(
            `${at}.replicas: ${spec.name} is autoscaled, so its replica count belongs to the HPA; set ${at}.autoscaling.minReplicas, or autoscaling.enabled: false to pin a count`,
        );
    }
    return { kind: "autoscaled", ...autoscaling };
}

function checkRange(range: Autoscaling, at: string, problems: string[]): void {
    if (range.minReplicas > range.maxReplicas) {
        problems.push(`${at}: minReplicas (${range.minReplicas}) must not exceed maxReplicas (${range.maxReplicas})`);
    }
}
