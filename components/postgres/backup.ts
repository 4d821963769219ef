import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Children } from "../shared/naming";
import { POSTGRES } from "../../catalog";
import type { PostgresSettings, RestoreSource } from "../../settings";
import { standardLabels } from "../shared/labels";
import { awaitAnnotations } from "../shared/pod";
import { shortDigest } from "../shared/secret-digest";
import { kubernetesFileEnv, secretKeysOf, superuserEnv } from "./env";
import { OFFSITE_SECRET, RESTORE_DIR, offsiteSecretData } from "./offsite";
import { BACKUP_MOUNT, scriptPod } from "./pods";

export interface PostgresBackupArgs {
    readonly namespace: pulumi.Input<string>;
    readonly stack: string;
    readonly settings: PostgresSettings;
    readonly skipAwait: boolean;
    /** The server; backups and restores run only once it exists. */
    readonly server: pulumi.Resource;
    /** Every service's image: a new set takes a backup first (manual 6.1), when enabled. */
    readonly images: Readonly<Record<string, string>>;
}

/** The pre-upgrade backup's label, and the Job's name suffix: the digest of the image set it precedes. */
export function preUpgradeLabel(images: Readonly<Record<string, string>>): string {
    return `pre-upgrade-${shortDigest(imageList(images)).slice(0, 8)}`;
}

function imageList(images: Readonly<Record<string, string>>): string[] {
    return Object.entries(images)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([service, image]) => `${service}=${image}`);
}

export const BACKUP_CLAIM = "postgres-backups";

/** RESTORE_FILE for restore.sh: a name in the backup volume, or where the fetch put the bucket's copy. */
function restoreFile(source: RestoreSource): string {
    return source.from === "offsite" ? `${RESTORE_DIR}/${source.file}` : source.file;
}

/**
 * Manual 6.3 and 9.2: a volume of its own for backups, a CronJob that runs `pg_dumpall`
 * into it on a schedule and prunes to the newest N, and, only while config names a file, a
 * Job that restores it.
 */
/** How long one backup may run, all retries included, before Kubernetes fails its Job. */
export const BACKUP_DEADLINE_SECONDS = 3600;

export class PostgresBackup extends pulumi.ComponentResource {
    readonly claim: k8s.core.v1.PersistentVolumeClaim;
    readonly cronJob: k8s.batch.v1.CronJob;
    readonly restore?: k8s.batch.v1.Job;
    /** The backup every service Deployment waits for when the images change; undefined when off. */
    readonly preUpgrade?: k8s.batch.v1.Job;

    constructor(name: string, args: PostgresBackupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ecommerce:k8s:PostgresBackup", name, {}, opts);
        const { settings } = args;
        const { backup } = settings;
        const labels = (objectName: string) => standardLabels({ name: objectName, component: "backup", instance: args.stack });
        const meta = (objectName: string) => ({ name: objectName, namespace: args.namespace, labels: labels(objectName) });
        const backupEnv = kubernetesFileEnv({ ...superuserEnv(), BACKUP_DIR: BACKUP_MOUNT });
        const credentials = secretKeysOf(superuserEnv());

        const children = new Children(name, this);
        const volume = children.of("volume", BACKUP_CLAIM);
        this.claim = new k8s.core.v1.PersistentVolumeClaim(
            volume.name,
            {
                metadata: {
                    ...meta(BACKUP_CLAIM),
                    // Bound on first use by the backup Job, not at creation (WaitForFirstConsumer classes).
                    annotations: awaitAnnotations(true),
                },
                spec: {
                    accessModes: ["ReadWriteOnce"],
                    ...(backup.storageClass ? { storageClassName: backup.storageClass } : {}),
                    resources: { requests: { storage: backup.storageSize } },
                },
            },
            { ...volume.opts, protect: settings.protect },
        );

        // The bucket's credentials, for the pods that upload to it or fetch from it.
        const secretChild = children.of(OFFSITE_SECRET);
        const offsiteSecret = backup.offsite
            ? new k8s.core.v1.Secret(
                  secretChild.name,
                  { metadata: meta(OFFSITE_SECRET), type: "Opaque", stringData: pulumi.secret(offsiteSecretData(backup.offsite)) },
                  secretChild.opts,
              )
            : undefined;
        const after = [this.claim, args.server, ...(offsiteSecret ? [offsiteSecret] : [])];

        const cronName = `${POSTGRES.name}-backup`;
        // One backup run: backup.sh into the backups volume, pruning to the retention.
        const backupJob = (extraEnv: k8s.types.input.core.v1.EnvVar[], restartPolicy?: "Never") => ({
            backoffLimit: 2,
            // With concurrencyPolicy Forbid, one hung pg_dumpall would block every later
            // backup in silence; past the deadline the Job fails (visible, alertable).
            activeDeadlineSeconds: BACKUP_DEADLINE_SECONDS,
            template: scriptPod({
                image: settings.image,
                script: "backup.sh",
                labels: labels(cronName),
                resources: backup.resources,
                backupClaim: BACKUP_CLAIM,
                ...(restartPolicy ? { restartPolicy } : {}),
                env: [...backupEnv, { name: "BACKUP_RETENTION", value: String(backup.retention) }, ...extraEnv],
                credentials,
                // After each good dump, its copy leaves the cluster; a failed upload fails the Job.
                ...(backup.offsite ? { offsite: { verb: "upload" as const, settings: backup.offsite, sizeLimit: backup.storageSize } } : {}),
            }),
        });
        const schedule = children.main(cronName);
        this.cronJob = new k8s.batch.v1.CronJob(
            schedule.name,
            {
                metadata: meta(cronName),
                spec: {
                    schedule: backup.schedule,
                    concurrencyPolicy: "Forbid",
                    // A run missed by more than this (cluster down, controller busy) is skipped, not stacked.
                    startingDeadlineSeconds: 600,
                    successfulJobsHistoryLimit: 3,
                    failedJobsHistoryLimit: 3,
                    jobTemplate: { metadata: { labels: labels(cronName) }, spec: backupJob([]) },
                },
            },
            { ...schedule.opts, dependsOn: after },
        );

        if (backup.beforeUpgrade) {
            // Named after the image set: a new set is a new Job, which must complete before the
            // Deployments (which depend on it) change; an unchanged set leaves it as it is.
            const label = preUpgradeLabel(args.images);
            const jobName = `${POSTGRES.name}-${label}`;
            const preUpgrade = children.of("pre-upgrade", `${POSTGRES.name}-pre-upgrade`);
            this.preUpgrade = new k8s.batch.v1.Job(
                preUpgrade.name,
                {
                    metadata: {
                        ...meta(jobName),
                        // Its pods are backup pods (same script, same network policy), the Job says what it precedes.
                        labels: labels(cronName),
                        annotations: { ...awaitAnnotations(args.skipAwait), "ecommerce.io/precedes-images": imageList(args.images).join(" ") },
                    },
                    spec: backupJob([{ name: "BACKUP_LABEL", value: label }], "Never"),
                },
                { ...preUpgrade.opts, dependsOn: after },
            );
        }

        if (settings.restoreFrom) {
            const restoreName = `${POSTGRES.name}-restore`;
            const restore = children.of("restore", restoreName);
            this.restore = new k8s.batch.v1.Job(
                restore.name,
                {
                    metadata: {
                        ...meta(restoreName),
                        annotations: awaitAnnotations(args.skipAwait),
                    },
                    spec: {
                        backoffLimit: 0,
                        template: scriptPod({
                            image: settings.image,
                            script: "restore.sh",
                            labels: labels(restoreName),
                            resources: backup.resources,
                            backupClaim: BACKUP_CLAIM,
                            restartPolicy: "Never",
                            env: [...backupEnv, { name: "RESTORE_FILE", value: restoreFile(settings.restoreFrom) }],
                            credentials,
                            ...(settings.restoreFrom.from === "offsite" && backup.offsite
                                ? { offsite: { verb: "fetch" as const, settings: backup.offsite, sizeLimit: backup.storageSize, object: settings.restoreFrom.file } }
                                : {}),
                        }),
                    },
                },
                { ...restore.opts, dependsOn: after },
            );
        }
        this.registerOutputs({});
    }
}
