/**
 * What the PostgreSQL server, its jobs and the services that use it read from their
 * environment, written once for both targets. A password is named by its key in the
 * credentials (`SecretRef`): Kubernetes reads it from the Secret, Docker gets the value.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { POSTGRES, databaseOwners, type ServiceSpec } from "../../catalog";
import { POOL_SIZE } from "./connections";
import type { DatabasePasswords } from "../shared/passwords";

/** A password, by its key in the credentials Secret. */
export interface SecretRef {
    readonly secret: string;
}

export type EnvValue = string | SecretRef;

export const CREDENTIALS_SECRET = "postgres-credentials";
export const SUPERUSER_PASSWORD_KEY = "postgres-password";
/** Where the data volume is mounted; the cluster lives in a subdirectory (the volume's root may hold lost+found, which initdb refuses). */
export const DATA_MOUNT = "/var/lib/postgresql/data";
export const PGDATA = `${DATA_MOUNT}/pgdata`;

/** Key in the credentials Secret that holds a service's database password. */
export function passwordKey(service: string): string {
    return `${service}-password`;
}

/** The server's own settings, read by the image's entrypoint. */
export function serverEnv(): Record<string, EnvValue> {
    return { POSTGRES_USER: POSTGRES.superuser, POSTGRES_PASSWORD: { secret: SUPERUSER_PASSWORD_KEY }, PGDATA };
}

/** libpq's environment for connecting to the server as the superuser. */
export function superuserEnv(): Record<string, EnvValue> {
    return {
        PGHOST: POSTGRES.serviceName,
        PGPORT: String(POSTGRES.port),
        PGUSER: POSTGRES.superuser,
        PGPASSWORD: { secret: SUPERUSER_PASSWORD_KEY },
    };
}

/** provision.sh's input: every database to create, each with its role's password. */
export function provisionEnv(): Record<string, EnvValue> {
    return {
        ...superuserEnv(),
        APP_DATABASES: databaseOwners().map((o) => o.database).join(" "),
        ...Object.fromEntries(databaseOwners().map((o) => [`${o.database.toUpperCase()}_PASSWORD`, { secret: passwordKey(o.name) }])),
    };
}

/** Spring's datasource overrides for a service that owns a database (reference-system.md, "Databases"). */
export function datasourceEnv(spec: ServiceSpec & { readonly database: string }): Record<string, EnvValue> {
    return {
        SPRING_DATASOURCE_URL: `jdbc:postgresql://${POSTGRES.serviceName}:${POSTGRES.port}/${spec.database}`,
        SPRING_DATASOURCE_USERNAME: spec.database,
        SPRING_DATASOURCE_PASSWORD: { secret: passwordKey(spec.name) },
        SPRING_DATASOURCE_DRIVER_CLASS_NAME: "org.postgresql.Driver",
        // Bounded, so that every pod the autoscalers may run fits PostgreSQL's max_connections (connections.ts).
        SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE: String(POOL_SIZE),
    };
}

/** Where the server and its Jobs find the passwords they read, as files. */
export const CREDENTIALS_MOUNT = "/run/secrets/postgres";

/** The credentials keys a set of variables reads. */
export function secretKeysOf(values: Readonly<Record<string, EnvValue>>): string[] {
    return Object.values(values).flatMap((v) => (typeof v === "string" ? [] : [v.secret]));
}

/**
 * As a Kubernetes `env` list in which each password is a file: NAME_FILE names it under
 * CREDENTIALS_MOUNT (the image's entrypoint and the scripts read NAME_FILE). Values in a
 * pod's environment show in `kubectl describe` and to anyone who may read the pod; a file
 * on a Secret volume does not.
 */
export function kubernetesFileEnv(values: Readonly<Record<string, EnvValue>>): k8s.types.input.core.v1.EnvVar[] {
    return Object.entries(values).map(([name, value]) =>
        typeof value === "string" ? { name, value } : { name: `${name}_FILE`, value: `${CREDENTIALS_MOUNT}/${value.secret}` },
    );
}

/** The credentials Secret as a volume holding just `keys`, readable by the pod's group (fsGroup) only. */
export function credentialsVolume(keys: readonly string[]): { volume: k8s.types.input.core.v1.Volume; mount: k8s.types.input.core.v1.VolumeMount } {
    return {
        volume: { name: "credentials", secret: { secretName: CREDENTIALS_SECRET, defaultMode: 0o440, items: [...new Set(keys)].sort().map((key) => ({ key, path: key })) } },
        mount: { name: "credentials", mountPath: CREDENTIALS_MOUNT, readOnly: true },
    };
}

/** As a Kubernetes `env` list: passwords from the credentials Secret (for the Spring services, which read no files). */
export function kubernetesEnv(values: Readonly<Record<string, EnvValue>>): k8s.types.input.core.v1.EnvVar[] {
    return Object.entries(values).map(([name, value]) =>
        typeof value === "string" ? { name, value } : { name, valueFrom: { secretKeyRef: { name: CREDENTIALS_SECRET, key: value.secret } } },
    );
}

/** The credentials by their Secret key, for targets that pass values instead of references. */
export function credentialsByKey(passwords: DatabasePasswords): Record<string, pulumi.Output<string>> {
    return {
        [SUPERUSER_PASSWORD_KEY]: passwords.superuser,
        ...Object.fromEntries(Object.entries(passwords.services).map(([service, value]) => [passwordKey(service), value])),
    };
}

/** As values: each password looked up in the credentials (secret Outputs stay secret). */
export function resolvedEnv(
    values: Readonly<Record<string, EnvValue>>,
    credentials: Readonly<Record<string, pulumi.Output<string>>>,
): Record<string, pulumi.Input<string>> {
    return Object.fromEntries(
        Object.entries(values).map(([name, value]) => {
            if (typeof value === "string") {
                return [name, value];
            }
            const secret = credentials[value.secret];
            if (!secret) {
                throw new Error(`no credential ${value.secret} for ${name}`);
            }
            return [name, secret];
        }),
    );
}
