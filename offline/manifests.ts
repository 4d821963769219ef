/**
 * Kubernetes objects out of recorded resources: what `kubectl apply -f` would need, with
 * every secret value withheld, in an order the API server accepts.
 */
import type { RecordedResource } from "./mocks";

export interface KubeObject {
    readonly apiVersion: string;
    readonly kind: string;
    readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
    readonly [key: string]: unknown;
}

/** Pulumi marks secret values with this key (see the SDK's rpc.ts). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
export const REDACTED = "<redacted: the cluster keeps its own value>";

const KIND_ORDER = [
    "Namespace",
    "ServiceAccount",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "Secret",
    "ConfigMap",
    "PersistentVolumeClaim",
    "Service",
    "StatefulSet",
    "Deployment",
    "DaemonSet",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "NetworkPolicy",
    "Ingress",
    "CronJob",
    "Job",
];

export function isKubernetesObject(resource: RecordedResource): boolean {
    return resource.type.startsWith("kubernetes:") && !resource.type.startsWith("pulumi:providers:");
}

/** Every Kubernetes object declared, secrets redacted, sorted for apply (namespaces first). */
export function kubernetesObjects(resources: readonly RecordedResource[]): KubeObject[] {
    return resources
        .filter(isKubernetesObject)
        .map((r) => withoutSecrets(redactSecretData(r.inputs as KubeObject)) as KubeObject)
        .sort((a, b) => kindRank(a.kind) - kindRank(b.kind));
}

/** Replaces every value Pulumi marks secret by REDACTED. */
export function withoutSecrets(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(withoutSecrets);
    }
    if (typeof value === "object" && value !== null) {
        if (SECRET_SIG in value) {
            return REDACTED;
        }
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutSecrets(v)]));
    }
    return value;
}

/** A Secret keeps its keys, so a reader sees what it holds, but none of its values. */
export function redactSecretData(object: KubeObject): KubeObject {
    if (object.kind !== "Secret") {
        return object;
    }
    const redacted: Record<string, unknown> = { ...object };
    for (const field of ["data", "stringData"]) {
        // The SDK marks the whole map secret; its keys are what a reader needs to see.
        const values = unwrapSecret(object[field]);
        if (typeof values === "object" && values !== null) {
            redacted[field] = Object.fromEntries(Object.keys(values).map((k) => [k, REDACTED]));
        }
    }
    return redacted as KubeObject;
}

function unwrapSecret(value: unknown): unknown {
    return typeof value === "object" && value !== null && SECRET_SIG in value ? (value as { value?: unknown }).value : value;
}

/** The plain values under every secret marker: what a policy rule sees of a resource. */
export function revealSecrets(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(revealSecrets);
    }
    if (typeof value === "object" && value !== null) {
        if (SECRET_SIG in value) {
            return revealSecrets(unwrapSecret(value));
        }
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealSecrets(v)]));
    }
    return value;
}

function kindRank(kind: string): number {
    const rank = KIND_ORDER.indexOf(kind);
    return rank === -1 ? KIND_ORDER.length : rank;
}

export function objectId(o: KubeObject): string {
    return `${o.kind}/${o.metadata.namespace ?? "-"}/${o.metadata.name}`;
}
