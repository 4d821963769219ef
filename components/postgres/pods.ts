/** What every PostgreSQL pod shares on Kubernetes: the image's user and the scripts. */
import { credentialsVolume } from "./env";
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import { POSTGRES } from "../../catalog";
import { restrictedContainerSecurity, restrictedPodSecurity, scratchVolume, withScratch } from "../shared/pod";

/** The `postgres` user of the official Alpine image; its entrypoint supports running as it directly. */
export const POSTGRES_UID = 70;

export const SCRIPTS_CONFIGMAP = "postgres-scripts";
export const SCRIPTS_MOUNT = "/scripts";
export const BACKUP_MOUNT = "/backups";

/** The scripts in scripts/postgres/, as ConfigMap data: the same files the tests run. */
export function scriptFiles(): Record<string, string> {
    const dir = path.resolve(__dirname, "..", "..", "scripts", "postgres");
    return Object.fromEntries(
        fs
            .readdirSync(dir)
            .filter((f) => f.endsWith(".sh"))
            .sort()
            .map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]),
    );
}

export interface ScriptPodArgs {
    readonly image: string;
    readonly script: string;
    readonly env: readonly k8s.types.input.core.v1.EnvVar[];
    /** Keys of the credentials Secret the script reads, mounted as files (see kubernetesFileEnv). */
    readonly credentials: readonly string[];
    readonly resources: k8s.types.input.core.v1.ResourceRequirements;
    /** PVC to mount at BACKUP_MOUNT. */
    readonly backupClaim?: string;
    readonly labels: Record<string, string>;
    readonly annotations?: Record<string, pulumi.Input<string>>;
    /** OnFailure retries in place (backups); Never leaves a failed run for inspection (restores). */
    readonly restartPolicy?: "OnFailure" | "Never";
}

/** Pod template that runs one of the scripts with the server's own client tools. */
export function scriptPod(args: ScriptPodArgs): k8s.types.input.core.v1.PodTemplateSpec {
    const volumes: k8s.types.input.core.v1.Volume[] = [
        { name: "scripts", configMap: { name: SCRIPTS_CONFIGMAP, defaultMode: 0o555 } },
        scratchVolume("tmp", "256Mi"),
    ];
    const mounts: k8s.types.input.core.v1.VolumeMount[] = [
        { name: "scripts", mountPath: SCRIPTS_MOUNT, readOnly: true },
        { name: "tmp", mountPath: "/tmp" },
    ];
    const credentials = credentialsVolume(args.credentials);
    volumes.push(credentials.volume);
    mounts.push(credentials.mount);
    if (args.backupClaim) {
        volumes.push({ name: "backups", persistentVolumeClaim: { claimName: args.backupClaim } });
        mounts.push({ name: "backups", mountPath: BACKUP_MOUNT });
    }
    return {
        metadata: { labels: args.labels, ...(args.annotations ? { annotations: args.annotations } : {}) },
        spec: {
            serviceAccountName: POSTGRES.name,
            restartPolicy: args.restartPolicy ?? "OnFailure",
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurity(POSTGRES_UID),
            containers: [
                {
                    name: args.script.replace(/\.sh$/, ""),
                    image: args.image,
                    command: ["sh", `${SCRIPTS_MOUNT}/${args.script}`],
                    env: [...args.env],
                    resources: withScratch(args.resources),
                    securityContext: restrictedContainerSecurity(),
                    volumeMounts: mounts,
                },
            ],
            volumes,
        },
    };
}
