/**
 * A validated stack, every default applied: what `stacks/` produces from config and what the
 * components read. Types only; below the components and the stacks, above the catalog.
 */
import type { ServiceSpec, ServiceName } from "../catalog";
import type { DockerSettings, ImageBuildSettings } from "./docker";
import type { ObservabilitySettings } from "./observability";
import type { Resources } from "./resources";

export type { DockerSettings, ImageBuildSettings } from "./docker";
export type { AlertingSettings, AlertThresholds, JvmToolSettings, LevelReceivers, Smtp, ObservabilitySettings, StoredToolSettings, ToolSettings } from "./observability";
export type { Resources } from "./resources";

/** cloud-config clones its Git repository at start, or serves files of this project (its `native` profile). */
export type ConfigServerSettings =
    | { readonly kind: "git" }
    | { readonly kind: "native"; readonly folder: string; readonly files: Readonly<Record<string, string>> };

export interface Autoscaling {
    readonly minReplicas: number;
    readonly maxReplicas: number;
    readonly targetCPUUtilization: number;
    /** How long CPU must stay above target before the HPA adds pods (its scale-up stabilization window). */
    readonly scaleUpStabilizationSeconds: number;
    /** How long CPU must stay below target before the HPA removes pods. */
    readonly scaleDownStabilizationSeconds: number;
}

/** How many pods run: a fixed count, or an HPA's range. */
export type Replicas = { readonly kind: "fixed"; readonly count: number } | ({ readonly kind: "autoscaled" } & Autoscaling);

export interface ServiceSettings {
    readonly spec: ServiceSpec;
    readonly image: string;
    readonly replicas: Replicas;
    /** What `replicas` is whenever the services run (also while scaleToZero stops them): what capacity is sized for. */
    readonly running: Replicas;
    readonly resources: Resources;
    /** Extra environment from config; applied after the wiring, so it can override it. */
    readonly env: Readonly<Record<string, string>>;
    /** Stamped on the pod template: a new value rolls the pods (manual 3.3). */
    readonly restartedAt?: string;
}

export interface IngressSettings {
    readonly className: string;
    /** Namespace of the ingress controller, the only one that may reach the gateway from outside. */
    readonly controllerNamespace: string;
    readonly host?: string;
    readonly tlsSecretName?: string;
    /** TLS ends in front of the ingress controller: the Ingress carries none, yet the URL is https. */
    readonly tlsTerminatedElsewhere: boolean;
}

/** Off-site copies of the backups, in an S3-compatible bucket (AWS S3, GCS interoperability, MinIO, Ceph). */
export interface OffsiteSettings {
    readonly endpoint: string;
    readonly bucket: string;
    /** The folder in the bucket ("" for its root). */
    readonly prefix: string;
    readonly region: string;
    /** Credentials and the client-side key: Pulumi secrets in config, wrapped as secrets again where declared. */
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    /** `AES256` or `aws:kms` asks the store to encrypt; undefined for a store without it. */
    readonly serverSideEncryption?: "AES256" | "aws:kms";
    /** Encrypts each copy here (rclone crypt) before it leaves; undefined for none. */
    readonly encryptionKey?: string;
    /** Dumps kept in the bucket. */
    readonly retention: number;
    /** The rclone image that uploads and fetches. */
    readonly image: string;
}

/** A backup to restore: a file on the backup volume, or an object in the off-site bucket. */
export interface RestoreSource {
    readonly file: string;
    readonly from: "volume" | "offsite";
}

export interface BackupSettings {
    readonly schedule: string;
    readonly retention: number;
    readonly storageSize: string;
    readonly storageClass?: string;
    readonly resources: Resources;
    /** Take a backup, and let it complete, before any service's image changes (manual 6.1). */
    readonly beforeUpgrade: boolean;
    /** Where each good dump is copied besides the volume; undefined when off. */
    readonly offsite?: OffsiteSettings;
}

export interface PostgresSettings {
    readonly image: string;
    readonly storageSize: string;
    readonly storageClass?: string;
    /** The server's `max_connections`; changing it restarts PostgreSQL. */
    readonly maxConnections: number;
    readonly resources: Resources;
    readonly backup: BackupSettings;
    /** A backup to restore with a one-off Job; undefined when none is asked for. */
    readonly restoreFrom?: RestoreSource;
    /** Guard the data and backup volumes against `pulumi destroy` and replacement. */
    readonly protect: boolean;
}

export type Environment = "development" | "production";

/** Where the business services keep their data. */
export type Datasource = "embedded" | "postgres";

export interface Settings {
    readonly project: string;
    readonly stack: string;
    readonly namespace: string;
    /** Where the system runs: a Kubernetes cluster, or containers on one Docker host (the manual's option A). */
    readonly target: "kubernetes" | "docker";
    readonly docker: DockerSettings;
    /** Build the service images from a checkout of their sources, instead of pulling them. */
    readonly imageBuild?: ImageBuildSettings;
    /** production protects data and refuses combinations that development only warns about. */
    readonly environment: Environment;
    readonly datasource: Datasource;
    readonly postgres: PostgresSettings;
    readonly observability: ObservabilitySettings;
    /** Run the smoke-test Job after each change (manual 9.1). */
    readonly smokeTest: boolean;
    /** Default-deny network policies with one allow policy per component. */
    readonly networkIsolation: boolean;
    /** The cluster DNS pods: the only destination of port 53 under network isolation. */
    readonly clusterDns: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
    /** The cluster's pod and Service ranges: egress meant for the outside never reaches them. */
    readonly internalCidrs: readonly string[];
    /** Bumping it regenerates every generated password. */
    readonly secretsRotation: number;
    /** Problems that do not stop a development stack; the program logs them at preview. */
    readonly warnings: readonly string[];
    readonly podSecurity: "privileged" | "baseline" | "restricted";
    /** kubeconfig context; undefined means the ambient current context. */
    readonly kubeContext?: string;
    readonly springProfile: string;
    /** Where cloud-config's configuration comes from. */
    readonly configServer: ConfigServerSettings;
    readonly javaToolOptions: string;
    readonly waitImage: string;
    readonly skipAwait: boolean;
    /** Soft spreading of multi-replica workloads over nodes and zones. */
    readonly spread: { readonly nodes: boolean; readonly zones: boolean };
    readonly rolloutTimeoutSeconds: number;
    readonly ingress?: IngressSettings;
    readonly services: Readonly<Record<ServiceName, ServiceSettings>>;
}
