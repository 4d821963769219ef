/**
 * The off-site side of the backups: `postgres.backup.offsite` (an S3-compatible bucket, its
 * credentials checked to be Pulumi secrets) and `postgres.restoreFrom`'s `offsite:` form.
 */
import type { OffsiteSettings, RestoreSource } from "../settings";
import { POSTGRES_DEFAULTS } from "./defaults";
import type { OffsiteOverride } from "./schema";

type Key = (...path: string[]) => string;

export interface StackIdentity {
    readonly project: string;
    readonly stack: string;
    /** Whether the engine holds `postgres` as a secret (any value under it set with --secret). */
    readonly secret: boolean;
}

/** The credentials in backup.offsite, as `pulumi config set --path` takes them. */
const OFFSITE_SECRETS = ["secretAccessKey", "encryptionKey"] as const;

export function resolveOffsite(
    override: OffsiteOverride,
    volumeRetention: number,
    stack: StackIdentity,
    key: Key,
    bareKey: Key,
    problems: string[],
): OffsiteSettings {
    const path = ["postgres", "backup", "offsite"];
    if (!stack.secret) {
        for (const field of OFFSITE_SECRETS.filter((f) => override[f] !== undefined)) {
            problems.push(
                `${key(...path, field)}: is a credential and must be a Pulumi secret, not plain text in the stack file; set it with pulumi config set --secret --path '${bareKey(...path, field)}' <value>`,
            );
        }
    }
    const defaults = POSTGRES_DEFAULTS.backup.offsite;
    const sse = override.serverSideEncryption ?? defaults.serverSideEncryption;
    return {
        endpoint: override.endpoint.replace(/\/$/, ""),
        bucket: override.bucket,
        // A folder per stack by default: two stacks sharing a bucket never prune each other's dumps.
        prefix: override.prefix ?? `${stack.project}/${stack.stack}`,
        region: override.region ?? defaults.region,
        accessKeyId: override.accessKeyId,
        secretAccessKey: override.secretAccessKey,
        ...(sse === "none" ? {} : { serverSideEncryption: sse }),
        ...(override.encryptionKey !== undefined ? { encryptionKey: override.encryptionKey } : {}),
        retention: override.retention ?? volumeRetention,
        image: override.image ?? defaults.image,
    };
}

/** `restoreFrom`: a file on the backup volume, or `offsite:<file>` for a copy in the bucket. */
export function resolveRestore(given: string | undefined, offsite: boolean, key: Key, problems: string[]): RestoreSource | undefined {
    if (!given) {
        return undefined;
    }
    if (!given.startsWith("offsite:")) {
        return { file: given, from: "volume" };
    }
    if (!offsite) {
        problems.push(`${key("postgres", "restoreFrom")}: "${given}" restores from the off-site bucket, but ${key("postgres", "backup", "offsite")} names none; configure it, or name a file on the backup volume`);
    }
    return { file: given.slice("offsite:".length), from: "offsite" };
}

