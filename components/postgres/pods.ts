/** What every PostgreSQL pod shares on Kubernetes: the image's user and the scripts. */
import { credentialsVolume } from "./env";
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import { POSTGRES } from "../../catalog";
import type { OffsiteSettings } from "../../settings";
import { restrictedContainerSecurity, restrictedPodSecurity, scratchVolume, withScratch } from "../shared/pod";
import { RESTORE_DIR, offsiteContainer, offsiteSecretVolume, type OffsiteVerb } from "./offsite";

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
    /**
     * The off-site step around the script: `upload` after it (the script runs as an init
     * container, so a failed dump uploads nothing and a failed upload fails the pod), or
     * `fetch` before it (into RESTORE_DIR, which the script then reads).
     */
    readonly offsite?: { readonly verb: OffsiteVerb; readonly settings: OffsiteSettings; readonly sizeLimit: string; /** The dump a fetch gets. */ readonly object?: string };
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
    const script: k8s.types.input.core.v1.Container = {
        name: args.script.replace(/\.sh$/, ""),
        image: args.image,
        command: ["sh", `${SCRIPTS_MOUNT}/${args.script}`],
        env: [...args.env],
        resources: withScratch(args.resources),
        securityContext: restrictedContainerSecurity(),
        volumeMounts: mounts,
    };
    let initContainers: k8s.types.input.core.v1.Container[] = [];
    let containers = [script];
    if (args.offsite) {
        const { verb, settings, sizeLimit, object } = args.offsite;
        const shared = mounts.filter((m) => m.name !== "credentials");
        volumes.push(offsiteSecretVolume());
        if (verb === "fetch") {
            volumes.push(scratchVolume("restore", sizeLimit));
            const restoreMount = { name: "restore", mountPath: RESTORE_DIR };
            initContainers = [offsiteContainer("fetch", settings, args.resources, [...shared, restoreMount], SCRIPTS_MOUNT, { RESTORE_DIR, OFFSITE_OBJECT: object ?? "" })];
            containers = [{ ...script, volumeMounts: [...mounts, restoreMount] }];
        } else {
            initContainers = [script];
            containers = [offsiteContainer("upload", settings, args.resources, shared, SCRIPTS_MOUNT, { BACKUP_DIR: BACKUP_MOUNT })];
        }
    }
    return {
        metadata: { labels: args.labels, ...(args.annotations ? { annotations: args.annotations } : {}) },
        spec: {
            serviceAccountName: POSTGRES.name,
            restartPolicy: args.restartPolicy ?? "OnFailure",
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurity(POSTGRES_UID),
            ...(initContainers.length > 0 ? { initContainers } : {}),
            containers,
            volumes,
        },
    };
}
