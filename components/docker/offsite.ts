/**
 * The Docker target's off-site copy: no Jobs there, so a small rclone container watches the
 * backup volume and uploads each new dump the backup container writes (offsite.sh upload,
 * the script the Kubernetes Jobs run). A failed upload is retried every minute and marks the
 * container unhealthy (`docker ps` shows it) until one succeeds. A restore from the bucket
 * fetches (and verifies) the dump into the backup volume first, with the same script.
 */
import * as pulumi from "@pulumi/pulumi";
import type { OffsiteSettings, Resources } from "../../settings";
import { offsiteEnv } from "../postgres/offsite";
import type { ContainerDef } from "./containers";

const FAILED = "/tmp/offsite-upload-failed";

/** The uploader's loop: each new name in .latest is uploaded once, the failure marker set or cleared. */
export const UPLOADER_LOOP = [
    "last=''",
    "while :; do",
    '  name=$(cat "$BACKUP_DIR/.latest" 2>/dev/null || true)',
    '  if [ -n "$name" ] && [ "$name" != "$last" ]; then',
    `    if sh /scripts/offsite.sh upload; then last=$name; rm -f ${FAILED}; else touch ${FAILED}; fi`,
    "  fi",
    "  sleep 60",
    "done",
].join("\n");

/** offsite.sh's environment on Docker: no secret mounts there, so the credentials go in it, secret. */
function dockerEnv(o: OffsiteSettings): Record<string, pulumi.Input<string>> {
    const { OFFSITE_ACCESS_KEY_ID_FILE: _id, OFFSITE_SECRET_ACCESS_KEY_FILE: _key, OFFSITE_ENCRYPTION_KEY_FILE: _enc, ...plain } = offsiteEnv(o, "/run/secrets/offsite");
    return {
        ...plain,
        OFFSITE_ACCESS_KEY_ID: pulumi.secret(o.accessKeyId),
        OFFSITE_SECRET_ACCESS_KEY: pulumi.secret(o.secretAccessKey),
        ...(o.encryptionKey !== undefined ? { OFFSITE_ENCRYPTION_KEY: pulumi.secret(o.encryptionKey) } : {}),
    };
}

interface OffsiteContainerArgs {
    readonly name: string;
    readonly settings: OffsiteSettings;
    readonly image: pulumi.Input<string>;
    readonly script: string;
    readonly backupsVolume: pulumi.Input<string>;
    readonly resources: Resources;
    readonly after: readonly pulumi.Resource[];
}

export function offsiteUploader(args: OffsiteContainerArgs): ContainerDef {
    return {
        name: args.name,
        image: args.image,
        env: { ...dockerEnv(args.settings), BACKUP_DIR: "/backups" },
        files: { "/scripts/offsite.sh": args.script },
        entrypoint: ["sh", "-c"],
        command: [UPLOADER_LOOP],
        healthcheck: `test ! -e ${FAILED}`,
        startSeconds: 10,
        resources: args.resources,
        volumes: [{ volume: args.backupsVolume, path: "/backups", readOnly: true }],
        after: args.after,
    };
}

/** Where a restore from the bucket puts the fetched dump, on the backup volume. */
export const FETCHED_DIR = "/backups/offsite-restore";

/** Runs once: `offsite.sh fetch` of `object` into FETCHED_DIR, checksum verified. */
export function offsiteFetcher(args: OffsiteContainerArgs & { readonly object: string }): ContainerDef {
    return {
        name: args.name,
        image: args.image,
        oneShot: true,
        env: { ...dockerEnv(args.settings), RESTORE_DIR: FETCHED_DIR, OFFSITE_OBJECT: args.object },
        files: { "/scripts/offsite.sh": args.script },
        entrypoint: ["sh"],
        command: ["/scripts/offsite.sh", "fetch"],
        resources: args.resources,
        volumes: [{ volume: args.backupsVolume, path: "/backups" }],
        after: args.after,
    };
}
