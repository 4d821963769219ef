/**
 * The off-site copy of the backups on Kubernetes: a Secret with the bucket's credentials,
 * and the container that runs scripts/postgres/offsite.sh (rclone's image) after a dump
 * (upload) or before a restore (fetch). The same environment serves the Docker target.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { OffsiteSettings } from "../../settings";
import { restrictedContainerSecurity, withScratch } from "../shared/pod";

export const OFFSITE_SECRET = "postgres-offsite";
export const OFFSITE_SECRETS_DIR = "/run/secrets/offsite";
/** Where a restore from the bucket puts the fetched dump (an emptyDir). */
export const RESTORE_DIR = "/restore";

export type OffsiteVerb = "upload" | "fetch";

/** The Secret's keys and what they hold. */
export function offsiteSecretData(o: OffsiteSettings): Record<string, string> {
    return {
        "access-key-id": o.accessKeyId,
        "secret-access-key": o.secretAccessKey,
        ...(o.encryptionKey !== undefined ? { "encryption-key": o.encryptionKey } : {}),
    };
}

/** offsite.sh's environment, credentials as files under `secretsDir`. */
export function offsiteEnv(o: OffsiteSettings, secretsDir: string): Record<string, string> {
    return {
        OFFSITE_ENDPOINT: o.endpoint,
        OFFSITE_BUCKET: o.bucket,
        OFFSITE_PREFIX: o.prefix,
        OFFSITE_REGION: o.region,
        OFFSITE_SSE: o.serverSideEncryption ?? "",
        OFFSITE_RETENTION: String(o.retention),
        OFFSITE_ACCESS_KEY_ID_FILE: `${secretsDir}/access-key-id`,
        OFFSITE_SECRET_ACCESS_KEY_FILE: `${secretsDir}/secret-access-key`,
        ...(o.encryptionKey !== undefined ? { OFFSITE_ENCRYPTION_KEY_FILE: `${secretsDir}/encryption-key` } : {}),
        // rclone writes nothing but to /tmp (the root filesystem is read-only).
        HOME: "/tmp",
        XDG_CACHE_HOME: "/tmp",
    };
}

export function offsiteSecretVolume(): k8s.types.input.core.v1.Volume {
    return { name: "offsite", secret: { secretName: OFFSITE_SECRET, defaultMode: 0o440 } };
}

/** The container that runs `offsite.sh <verb>` with rclone, as restricted as every other. */
export function offsiteContainer(
    verb: OffsiteVerb,
    o: OffsiteSettings,
    resources: { readonly requests?: object; readonly limits?: object },
    mounts: readonly k8s.types.input.core.v1.VolumeMount[],
    scriptsDir: string,
    env: Readonly<Record<string, string>> = {},
): k8s.types.input.core.v1.Container {
    return {
        name: `offsite-${verb}`,
        image: o.image,
        command: ["sh", `${scriptsDir}/offsite.sh`, verb],
        env: Object.entries({ ...offsiteEnv(o, OFFSITE_SECRETS_DIR), ...env }).map(([name, value]) => ({ name, value })),
        resources: withScratch(resources),
        securityContext: restrictedContainerSecurity(),
        volumeMounts: [...mounts, { name: "offsite", mountPath: OFFSITE_SECRETS_DIR, readOnly: true }],
    };
}
