/**
 * The whole system for one stack: read and validate config, then compose the components.
 * Holds no Kubernetes detail; `index.ts` exports what this returns as stack outputs.
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { ApplicationTier } from "../components/application/tier";
import { Environment } from "../components/environment";
import { Observability } from "../components/observability";
import { Postgres } from "../components/postgres/server";
import { PostgresBackup } from "../components/postgres/backup";
import { NetworkIsolation } from "../components/network/isolation";
import { trafficEdges } from "../components/network/traffic";
import { shipperNamespace } from "../components/observability/logging";
import { SmokeTest } from "../components/application/smoke-test";
import { LocalSystem } from "../components/docker/local-system";
import { buildImages } from "../components/application/image-builds";
import { Children } from "../components/shared/naming";
import { createHash } from "crypto";
import type { ServiceName } from "../catalog";
import type { Settings } from "../settings";
import { loadSettings } from "./settings";
import { stringKeys, unquotedNumbers } from "./unquoted";

export interface StackOutputs {
    readonly namespace: pulumi.Output<string>;
    /** Where the database answers inside the cluster (`postgres-service:5432`). */
    readonly database: pulumi.Output<string>;
    /** Manual 4.1: the log tail of every service, ready to paste. */
    readonly logs: Record<string, string>;
    /** Manual 4.2's tools: how to reach each one that runs. */
    readonly tools: Record<string, string>;
    /** Grafana's generated admin password (secret); absent when metrics are off. */
    readonly grafanaAdminPassword?: pulumi.Output<string>;
    /** External URL of the API Gateway, when the Ingress has a host. */
    readonly gatewayUrl?: pulumi.Output<string>;
    /** In-cluster URL of every service, by the manual's name. */
    readonly serviceUrls: pulumi.Output<Record<ServiceName, string>>;
}

/** The project's own config keys, without the `<project>:` prefix, as the engine passed them. */
export function projectConfig(project: string): Record<string, string> {
    const prefix = `${project}:`;
    const raw: Record<string, string> = {};
    for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
        if (key.startsWith(prefix)) {
            raw[key.slice(prefix.length)] = value;
        }
    }
    return raw;
}

/**
 * Of `keys` (the project's, without the prefix), those the engine holds as secrets (set with
 * `--secret`, or holding a secret at some path). The SDK answers this with `runtime.isConfigSecret`,
 * public in its JavaScript but not its typings; without it, nothing could be proved secret.
 */
export function secretConfigKeys(project: string, keys: readonly string[]): string[] {
    const { isConfigSecret } = pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean };
    if (typeof isConfigSecret !== "function") {
        throw new Error("@pulumi/pulumi no longer offers runtime.isConfigSecret: stacks/program.ts cannot tell secret config from plain text");
    }
    return keys.filter((key) => isConfigSecret(`${project}:${key}`));
}

/** What the stack file itself shows and the engine's values hide (the program runs in the project's folder). */
function stackFileProblems(project: string, stack: string, raw: Readonly<Record<string, string>>): string[] {
    const stackFile = `Pulumi.${stack}.yaml`;
    if (!fs.existsSync(stackFile) || !fs.existsSync("Pulumi.yaml")) return [];
    return unquotedNumbers(fs.readFileSync(stackFile, "utf8"), project, stringKeys(fs.readFileSync("Pulumi.yaml", "utf8")), raw);
}

export function currentSettings(): Settings {
    const project = pulumi.getProject();
    const stack = pulumi.getStack();
    const foreign = Object.keys(pulumi.runtime.allConfig()).filter((key) => !key.startsWith(`${project}:`));
    const raw = projectConfig(project);
    return loadSettings(raw, project, stack, foreign, secretConfigKeys(project, Object.keys(raw)), stackFileProblems(project, stack, raw));
}

/** Stack outputs of the local Docker target. */
export interface LocalOutputs {
    /** Where each published container answers on this host, and manual 4.2's tools. */
    readonly urls: Record<string, string>;
    readonly grafanaAdminPassword?: pulumi.Output<string>;
}

export function defineStack(settings: Settings = currentSettings()): StackOutputs | LocalOutputs {
    for (const warning of settings.warnings) {
        void pulumi.log.warn(warning);
    }
    return settings.target === "docker" ? defineLocalStack(settings) : defineKubernetesStack(settings);
}

/** The manual's option A: everything as containers on one Docker host. */
function defineLocalStack(settings: Settings): LocalOutputs {
    const root = new pulumi.ComponentResource("ecommerce:docker:Stack", settings.stack);
    const system = new LocalSystem("local", { settings, builtImages: buildImages(settings, new Children(settings.stack, root)) }, { parent: root });
    return { urls: system.urls, grafanaAdminPassword: system.grafanaAdminPassword };
}

function defineKubernetesStack(settings: Settings): StackOutputs {
    const environment = new Environment(settings.stack, {
        namespace: settings.namespace,
        podSecurity: settings.podSecurity,
        kubeContext: settings.kubeContext,
        // The database's volume lives in the namespace: deleting it would delete the data.
        protect: settings.postgres.protect,
    });
    const opts = { provider: environment.provider };
    const namespace = environment.namespace;
    const common = { namespace, stack: settings.stack, skipAwait: settings.skipAwait };
    const postgres = new Postgres(
        "postgres",
        { ...common, settings: settings.postgres, rolloutTimeoutSeconds: settings.rolloutTimeoutSeconds, secretsRotation: settings.secretsRotation },
        opts,
    );
    const backups = new PostgresBackup(
        "postgres-backup",
        {
            ...common,
            settings: settings.postgres,
            server: postgres.statefulSet,
            images: Object.fromEntries(Object.values(settings.services).map((s) => [s.spec.name, s.image])),
        },
        opts,
    );
    const observability = new Observability(
        "observability",
        { ...common, namespaceName: settings.namespace, settings: settings.observability, secretsRotation: settings.secretsRotation, toolImage: settings.waitImage },
        opts,
    );
    const app = new ApplicationTier(
        "application",
        {
            namespace,
            settings,
            database: settings.datasource === "postgres" ? postgres.endpoint : undefined,
            databaseServer: postgres.statefulSet,
            databasePasswords: postgres.servicePasswords,
            builtImages: buildImages(settings, new Children(settings.stack, environment)),
            deploymentsAfter: backups.preUpgrade ? [backups.preUpgrade] : [],
        },
        opts,
    );
    if (settings.networkIsolation) {
        const shipper = settings.observability.logging ? [shipperNamespace(settings.namespace)] : [];
        new NetworkIsolation(
            "network",
            {
                namespace,
                namespaceName: settings.namespace,
                extraNamespaces: shipper,
                stack: settings.stack,
                edges: trafficEdges(settings, shipperNamespace(settings.namespace)),
                dns: settings.clusterDns,
                internalCidrs: settings.internalCidrs,
            },
            { ...opts, dependsOn: [observability] },
        );
    }
    if (settings.smokeTest) {
        new SmokeTest(
            "smoke-test",
            {
                namespace,
                stack: settings.stack,
                image: settings.waitImage,
                revision: serviceRevision(settings),
                skipAwait: settings.skipAwait,
                after: app.deployments,
            },
            opts,
        );
    }

    return {
        namespace: environment.namespace,
        logs: Object.fromEntries(
            Object.keys(app.services).map((name) => [name, `kubectl logs -f deployment/${name} -n ${settings.namespace} --tail=100`]),
        ),
        database: pulumi.output(`${postgres.endpoint.host}:${postgres.endpoint.port}`),
        tools: observability.access,
        grafanaAdminPassword: observability.grafanaAdminPassword,
        gatewayUrl: app.gatewayUrl,
        serviceUrls: pulumi.all(
            Object.fromEntries(Object.entries(app.services).map(([name, svc]) => [name, svc.url])),
        ) as pulumi.Output<Record<ServiceName, string>>,
    };
}

/** Everything about the services that a deploy can change: a new value means the smoke test runs again. */
function serviceRevision(settings: Settings): string {
    const services = Object.values(settings.services).map((s) => ({ image: s.image, env: s.env, restartedAt: s.restartedAt, replicas: s.replicas }));
    return createHash("sha256")
        .update(JSON.stringify({ services, datasource: settings.datasource, rotation: settings.secretsRotation }))
        .digest("hex");
}
