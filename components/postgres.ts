import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { POSTGRES, databaseOwners } from "../catalog";
import type { PostgresSettings } from "../stacks/settings";
import { standardLabels, selectorLabels } from "./labels";
import { restrictedContainerSecurity, restrictedPodSecurity } from "./pod";
import {
    CREDENTIALS_SECRET,
    POSTGRES_UID,
    SCRIPTS_CONFIGMAP,
    SUPERUSER_PASSWORD_KEY,
    passwordKey,
    scriptFiles,
    scriptPod,
    secretEnv,
    superuserEnv,
} from "./postgres-pods";

export interface PostgresArgs {
    readonly namespace: pulumi.Input<string>;
    readonly stack: string;
    readonly settings: PostgresSettings;
    readonly skipAwait: boolean;
    readonly rolloutTimeoutSeconds: number;
}

/** Where the services find the database, and the Secret that holds their passwords. */
export interface DatabaseEndpoint {
    readonly host: string;
    readonly port: number;
    readonly secretName: string;
}

/**
 * The manual's PostgreSQL: a StatefulSet with its data on a persistent volume, the Service
 * `postgres-service` the manual's commands reach, generated credentials in a Secret, and a
 * Job that gives each business service its own login role and database.
 */
export class Postgres extends pulumi.ComponentResource {
    readonly statefulSet: k8s.apps.v1.StatefulSet;
    readonly service: k8s.core.v1.Service;
    readonly credentials: k8s.core.v1.Secret;
    readonly scripts: k8s.core.v1.ConfigMap;
    readonly provision: k8s.batch.v1.Job;
    readonly endpoint: DatabaseEndpoint = { host: POSTGRES.serviceName, port: POSTGRES.port, secretName: CREDENTIALS_SECRET };

    constructor(name: string, args: PostgresArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ecommerce:k8s:Postgres", name, {}, opts);
        const { settings } = args;
        const labels = standardLabels({ name: POSTGRES.name, component: "database", instance: args.stack, version: settings.image.split(":").pop() });
        const meta = (objectName: string) => ({ name: objectName, namespace: args.namespace, labels });
        const awaitAnnotations = {
            "pulumi.com/timeoutSeconds": String(args.rolloutTimeoutSeconds),
            ...(args.skipAwait ? { "pulumi.com/skipAwait": "true" } : {}),
        };

        // Marked secret here too, not only by the provider's schema: nothing downstream may show them.
        const password = (id: string) =>
            pulumi.secret(new random.RandomPassword(`${POSTGRES.name}-${id}`, { length: 32, special: false }, { parent: this }).result);
        const stringData: Record<string, pulumi.Input<string>> = { [SUPERUSER_PASSWORD_KEY]: password("superuser") };
        for (const owner of databaseOwners()) {
            stringData[passwordKey(owner.name)] = password(owner.name);
        }
        this.credentials = new k8s.core.v1.Secret(
            CREDENTIALS_SECRET,
            { metadata: meta(CREDENTIALS_SECRET), type: "Opaque", stringData },
            { parent: this },
        );

        this.scripts = new k8s.core.v1.ConfigMap(SCRIPTS_CONFIGMAP, { metadata: meta(SCRIPTS_CONFIGMAP), data: scriptFiles() }, { parent: this });

        this.service = new k8s.core.v1.Service(
            POSTGRES.serviceName,
            {
                metadata: meta(POSTGRES.serviceName),
                spec: {
                    type: "ClusterIP",
                    selector: selectorLabels(POSTGRES.name),
                    ports: [{ name: "postgres", port: POSTGRES.port, targetPort: "postgres", protocol: "TCP" }],
                },
            },
            { parent: this },
        );

        const ready = { exec: { command: ["pg_isready", "-U", POSTGRES.superuser, "-h", "127.0.0.1", "-p", String(POSTGRES.port)] } };
        this.statefulSet = new k8s.apps.v1.StatefulSet(
            POSTGRES.name,
            {
                metadata: { ...meta(POSTGRES.name), annotations: awaitAnnotations },
                spec: {
                    serviceName: POSTGRES.serviceName,
                    replicas: 1,
                    selector: { matchLabels: selectorLabels(POSTGRES.name) },
                    // Deleting or scaling the StatefulSet never deletes the data.
                    persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
                    template: {
                        metadata: { labels },
                        spec: {
                            automountServiceAccountToken: false,
                            securityContext: restrictedPodSecurity(POSTGRES_UID),
                            containers: [
                                {
                                    name: POSTGRES.name,
                                    image: settings.image,
                                    ports: [{ name: "postgres", containerPort: POSTGRES.port, protocol: "TCP" }],
                                    env: [
                                        { name: "POSTGRES_USER", value: POSTGRES.superuser },
                                        secretEnv("POSTGRES_PASSWORD", SUPERUSER_PASSWORD_KEY),
                                        // A subdirectory: the volume's root may hold lost+found, which initdb refuses.
                                        { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
                                    ],
                                    resources: settings.resources,
                                    startupProbe: { ...ready, periodSeconds: 10, failureThreshold: 30 },
                                    readinessProbe: { ...ready, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
                                    livenessProbe: { ...ready, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
                                    securityContext: restrictedContainerSecurity(),
                                    volumeMounts: [
                                        { name: "data", mountPath: "/var/lib/postgresql/data" },
                                        { name: "run", mountPath: "/var/run/postgresql" },
                                        { name: "tmp", mountPath: "/tmp" },
                                    ],
                                },
                            ],
                            volumes: [
                                { name: "run", emptyDir: {} },
                                { name: "tmp", emptyDir: {} },
                            ],
                        },
                    },
                    volumeClaimTemplates: [
                        {
                            metadata: { name: "data", labels },
                            spec: {
                                accessModes: ["ReadWriteOnce"],
                                ...(settings.storageClass ? { storageClassName: settings.storageClass } : {}),
                                resources: { requests: { storage: settings.storageSize } },
                            },
                        },
                    ],
                },
            },
            { parent: this, dependsOn: [this.credentials], protect: settings.protect },
        );

        this.provision = new k8s.batch.v1.Job(
            `${POSTGRES.name}-provision`,
            {
                metadata: { ...meta(`${POSTGRES.name}-provision`), annotations: awaitAnnotations },
                spec: {
                    backoffLimit: 6,
                    template: scriptPod({
                        image: settings.image,
                        script: "provision.sh",
                        labels: standardLabels({ name: `${POSTGRES.name}-provision`, component: "database", instance: args.stack }),
                        resources: settings.backup.resources,
                        env: [
                            ...superuserEnv(),
                            { name: "APP_DATABASES", value: databaseOwners().map((o) => o.database).join(" ") },
                            ...databaseOwners().map((o) => secretEnv(`${o.database.toUpperCase()}_PASSWORD`, passwordKey(o.name))),
                        ],
                    }),
                },
            },
            { parent: this, dependsOn: [this.statefulSet, this.service, this.scripts] },
        );

        this.registerOutputs({ host: this.endpoint.host, port: this.endpoint.port });
    }
}
