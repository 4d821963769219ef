import * as k8s from "@pulumi/kubernetes";
import { dataClaimTemplate, headlessService, KEEP_SERVICE_NAME } from "../shared/stateful";
import { Children } from "../shared/naming";
import * as pulumi from "@pulumi/pulumi";
import { POSTGRES } from "../../catalog";
import type { PostgresSettings } from "../../settings";
import { standardLabels, versionOf, selectorLabels } from "../shared/labels";
import { databasePasswords } from "../shared/passwords";
import { awaitAnnotations, restrictedContainerSecurity, restrictedPodSecurity, scratchVolume, withScratch } from "../shared/pod";
import { SECRET_DIGEST_ANNOTATION, secretDigest } from "../shared/secret-digest";
import { CREDENTIALS_SECRET, DATA_MOUNT, credentialsByKey, credentialsVolume, kubernetesFileEnv, provisionEnv, secretKeysOf, serverEnv } from "./env";
import { POSTGRES_UID, SCRIPTS_CONFIGMAP, SCRIPTS_MOUNT, scriptFiles, scriptPod } from "./pods";

/** The sidecar that keeps the running server's superuser password equal to the Secret's. */
export const SYNC_CONTAINER = "superuser-password";
/** A shell loop and, once per rotation, psql. */
const SYNC_RESOURCES = { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } };
/** The script's heartbeat (HEARTBEAT, its default) is less than a minute old. */
const SYNC_ALIVE = { exec: { command: ["sh", "-c", "test -n \"$(find /tmp/superuser-password.beat -mmin -1)\""] } };

export interface PostgresArgs {
    readonly namespace: pulumi.Input<string>;
    readonly stack: string;
    readonly settings: PostgresSettings;
    readonly skipAwait: boolean;
    readonly rolloutTimeoutSeconds: number;
    /** Bumping it regenerates every password (manual 8.1). */
    readonly secretsRotation: number;
}

/** Where the services find the database (their passwords are in postgres-env's credentials Secret). */
export interface DatabaseEndpoint {
    readonly host: string;
    readonly port: number;
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
    readonly serviceAccount: k8s.core.v1.ServiceAccount;
    readonly endpoint: DatabaseEndpoint = { host: POSTGRES.serviceName, port: POSTGRES.port };
    /** Each business service's database password (secret), for the digests that roll its pods. */
    readonly servicePasswords: Readonly<Record<string, pulumi.Output<string>>>;

    constructor(name: string, args: PostgresArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ecommerce:k8s:Postgres", name, {}, opts);
        const { settings } = args;
        const labels = standardLabels({ name: POSTGRES.name, component: "database", instance: args.stack, version: versionOf(settings.image) });
        const meta = (objectName: string) => ({ name: objectName, namespace: args.namespace, labels });
        const waitAnnotations = awaitAnnotations(args.skipAwait, args.rolloutTimeoutSeconds);

        const children = new Children(name, this);
        const passwords = databasePasswords(POSTGRES.name, args.secretsRotation, children);
        const superuserPassword = passwords.superuser;
        const servicePasswords = passwords.services;
        this.servicePasswords = servicePasswords;
        const own = children.main(POSTGRES.name);
        this.serviceAccount = new k8s.core.v1.ServiceAccount(own.name, { metadata: meta(POSTGRES.name), automountServiceAccountToken: false }, own.opts);
        const credentialsChild = children.of(CREDENTIALS_SECRET);
        this.credentials = new k8s.core.v1.Secret(
            credentialsChild.name,
            { metadata: meta(CREDENTIALS_SECRET), type: "Opaque", stringData: credentialsByKey(passwords) },
            credentialsChild.opts,
        );

        const scriptsChild = children.of(SCRIPTS_CONFIGMAP);
        this.scripts = new k8s.core.v1.ConfigMap(scriptsChild.name, { metadata: meta(SCRIPTS_CONFIGMAP), data: scriptFiles() }, scriptsChild.opts);

        const serviceChild = children.of(POSTGRES.serviceName);
        this.service = new k8s.core.v1.Service(
            serviceChild.name,
            {
                metadata: args.skipAwait ? { ...meta(POSTGRES.serviceName), annotations: awaitAnnotations(true) } : meta(POSTGRES.serviceName),
                spec: {
                    type: "ClusterIP",
                    selector: selectorLabels(POSTGRES.name),
                    ports: [{ name: "postgres", port: POSTGRES.port, targetPort: "postgres", protocol: "TCP" }],
                },
            },
            serviceChild.opts,
        );

        const peers = headlessService(
            POSTGRES.name,
            meta(POSTGRES.name),
            selectorLabels(POSTGRES.name),
            [{ name: "postgres", port: POSTGRES.port, targetPort: "postgres", protocol: "TCP" }],
            children,
        );
        // The image's entrypoint reads POSTGRES_PASSWORD_FILE, as set-superuser-password.sh does.
        const server = kubernetesFileEnv(serverEnv());
        const serverCredentials = credentialsVolume(secretKeysOf(serverEnv()));
        const ready = { exec: { command: ["pg_isready", "-U", POSTGRES.superuser, "-h", "127.0.0.1", "-p", String(POSTGRES.port)] } };
        this.statefulSet = new k8s.apps.v1.StatefulSet(
            own.name,
            {
                metadata: { ...meta(POSTGRES.name), annotations: waitAnnotations },
                spec: {
                    serviceName: peers.metadata.name,
                    replicas: 1,
                    selector: { matchLabels: selectorLabels(POSTGRES.name) },
                    // Deleting or scaling the StatefulSet never deletes the data.
                    persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
                    // No digest of the superuser password here: a rotation reaches the running
                    // server through the sidecar below, without a restart.
                    template: {
                        metadata: { labels },
                        spec: {
                            serviceAccountName: POSTGRES.name,
                            automountServiceAccountToken: false,
                            securityContext: restrictedPodSecurity(POSTGRES_UID),
                            // A pod that starts after a rotation: the password must reach the cluster before the server starts.
                            initContainers: [
                                {
                                    name: "set-superuser-password",
                                    image: settings.image,
                                    command: ["sh", `${SCRIPTS_MOUNT}/set-superuser-password.sh`],
                                    env: server,
                                    resources: withScratch(settings.resources),
                                    securityContext: restrictedContainerSecurity(),
                                    volumeMounts: [
                                        { name: "data", mountPath: DATA_MOUNT },
                                        { name: "run", mountPath: "/var/run/postgresql" },
                                        { name: "tmp", mountPath: "/tmp" },
                                        { name: "scripts", mountPath: SCRIPTS_MOUNT, readOnly: true },
                                        serverCredentials.mount,
                                    ],
                                },
                            ],
                            containers: [
                                {
                                    name: POSTGRES.name,
                                    image: settings.image,
                                    ports: [{ name: "postgres", containerPort: POSTGRES.port, protocol: "TCP" }],
                                    env: server,
                                    // The image's command with the connection budget; its entrypoint passes these on.
                                    args: ["postgres", "-c", `max_connections=${settings.maxConnections}`],
                                    resources: withScratch(settings.resources),
                                    startupProbe: { ...ready, periodSeconds: 10, failureThreshold: 30 },
                                    readinessProbe: { ...ready, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
                                    livenessProbe: { ...ready, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
                                    securityContext: restrictedContainerSecurity(),
                                    volumeMounts: [
                                        { name: "data", mountPath: DATA_MOUNT },
                                        { name: "run", mountPath: "/var/run/postgresql" },
                                        { name: "tmp", mountPath: "/tmp" },
                                        serverCredentials.mount,
                                    ],
                                },
                                {
                                    // Sets a rotated superuser password on the running server (manual 8.1).
                                    name: SYNC_CONTAINER,
                                    image: settings.image,
                                    command: ["sh", `${SCRIPTS_MOUNT}/sync-superuser-password.sh`],
                                    env: [...server.filter((e) => e.name !== "PGDATA"), { name: "PGHOST", value: "/var/run/postgresql" }],
                                    resources: withScratch(SYNC_RESOURCES),
                                    // Its loop touches a file on every look; a loop that stopped gets restarted.
                                    readinessProbe: { ...SYNC_ALIVE, periodSeconds: 10 },
                                    livenessProbe: { ...SYNC_ALIVE, periodSeconds: 30, failureThreshold: 3 },
                                    securityContext: restrictedContainerSecurity(),
                                    volumeMounts: [
                                        { name: "run", mountPath: "/var/run/postgresql" },
                                        { name: "tmp", mountPath: "/tmp" },
                                        { name: "scripts", mountPath: SCRIPTS_MOUNT, readOnly: true },
                                        serverCredentials.mount,
                                    ],
                                },
                            ],
                            volumes: [
                                serverCredentials.volume,
                                // The server's socket and lock files; sorts spill into the data volume, not /tmp.
                                scratchVolume("run", "16Mi"),
                                scratchVolume("tmp", "1Gi"),
                                { name: "scripts", configMap: { name: SCRIPTS_CONFIGMAP, defaultMode: 0o555 } },
                            ],
                        },
                    },
                    volumeClaimTemplates: [dataClaimTemplate(labels, settings.storageSize, settings.storageClass)],
                },
            },
            { ...own.opts, dependsOn: [this.credentials, this.scripts, this.serviceAccount], protect: settings.protect, ...KEEP_SERVICE_NAME },
        );

        const provisionChild = children.of(`${POSTGRES.name}-provision`);
        this.provision = new k8s.batch.v1.Job(
            provisionChild.name,
            {
                metadata: { ...meta(`${POSTGRES.name}-provision`), annotations: waitAnnotations },
                spec: {
                    backoffLimit: 6,
                    template: scriptPod({
                        image: settings.image,
                        script: "provision.sh",
                        // New passwords make a new Job, which sets them on the roles.
                        annotations: { [SECRET_DIGEST_ANNOTATION]: secretDigest([superuserPassword, ...Object.values(servicePasswords)]) },
                        labels: standardLabels({ name: `${POSTGRES.name}-provision`, component: "database", instance: args.stack }),
                        resources: settings.backup.resources,
                        env: kubernetesFileEnv(provisionEnv()),
                        credentials: secretKeysOf(provisionEnv()),
                    }),
                },
            },
            { ...provisionChild.opts, dependsOn: [this.statefulSet, this.service, this.scripts] },
        );

        this.registerOutputs({ host: this.endpoint.host, port: this.endpoint.port });
    }
}
