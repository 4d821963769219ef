/**
 * Reading Kubernetes objects inside policy rules. During a real preview any field may be
 * unknown or missing, so every accessor checks what it finds and never throws.
 */

/**
 * A value read with `read`, or undefined while the engine cannot know it. During a preview
 * the analyzer hands rules a proxy that throws on every unknown field (a generated password
 * before it exists); a rule that lets that escape is skipped whole ("can't run during
 * preview"), so read such fields through this and judge what is known.
 */
export function known<T>(read: () => T): T | undefined {
    try {
        return read();
    } catch (error) {
        if (isUnknownValueError(error)) {
            return undefined;
        }
        throw error;
    }
}

/** @pulumi/policy's UnknownValueError, internal to the package: recognised by name. */
export function isUnknownValueError(error: unknown): error is Error {
    return error instanceof Error && error.constructor.name === "UnknownValueError";
}

export type Json = Record<string, unknown>;

export function obj(value: unknown): Json | undefined {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

export function arr(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

export function str(value: unknown): string | undefined {
    return typeof value === "string" ? value : undefined;
}

export function num(value: unknown): number | undefined {
    return typeof value === "number" ? value : undefined;
}

export const TYPES = {
    deployment: "kubernetes:apps/v1:Deployment",
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    daemonSet: "kubernetes:apps/v1:DaemonSet",
    job: "kubernetes:batch/v1:Job",
    cronJob: "kubernetes:batch/v1:CronJob",
    pod: "kubernetes:core/v1:Pod",
    hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
    service: "kubernetes:core/v1:Service",
    secret: "kubernetes:core/v1:Secret",
    networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
} as const;

/** Workloads whose pods run until stopped: they need probes, disruption budgets, policies. */
export const LONG_RUNNING_TYPES: readonly string[] = [TYPES.deployment, TYPES.statefulSet, TYPES.daemonSet];

export function metadata(props: Json): { name?: string; namespace?: string; labels: Record<string, string> } {
    const meta = obj(props.metadata) ?? {};
    return { name: str(meta.name), namespace: str(meta.namespace), labels: stringMap(meta.labels) };
}

export function stringMap(value: unknown): Record<string, string> {
    const map = obj(value) ?? {};
    return Object.fromEntries(Object.entries(map).filter((e): e is [string, string] => typeof e[1] === "string"));
}

/** The pod template of a workload (or the pod spec of a Pod), whatever its kind. */
export function podTemplate(type: string, props: Json): { labels: Record<string, string>; spec: Json } | undefined {
    const spec = obj(props.spec);
    if (!spec) {
        return undefined;
    }
    if (type === TYPES.pod) {
        return { labels: metadata(props).labels, spec };
    }
    const template =
        type === TYPES.cronJob ? obj(obj(obj(spec.jobTemplate)?.spec)?.template) : [TYPES.deployment, TYPES.statefulSet, TYPES.daemonSet, TYPES.job].includes(type as never) ? obj(spec.template) : undefined;
    const podSpec = obj(template?.spec);
    return template && podSpec ? { labels: stringMap(obj(template.metadata)?.labels), spec: podSpec } : undefined;
}

export interface ContainerView {
    readonly name: string;
    readonly init: boolean;
    readonly raw: Json;
}

export function containers(podSpec: Json): ContainerView[] {
    const list = (field: string, init: boolean) =>
        arr(podSpec[field])
            .map(obj)
            .filter((c): c is Json => c !== undefined)
            .map((c) => ({ name: str(c.name) ?? "(unnamed)", init, raw: c }));
    return [...list("containers", false), ...list("initContainers", true)];
}

export function matchesSelector(selector: Record<string, string>, labels: Record<string, string>): boolean {
    const entries = Object.entries(selector);
    return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

/** "Deployment default/order-service", for messages. */
export function describe(type: string, props: Json): string {
    const { name, namespace } = metadata(props);
    const kind = type.split(":").pop() ?? type;
    return `${kind} ${namespace ? `${namespace}/` : ""}${name ?? "(unnamed)"}`;
}
