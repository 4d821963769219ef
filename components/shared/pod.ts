/** Pieces of pod specs shared by every workload: security contexts, start-up gates, probes. */
import type * as k8s from "@pulumi/kubernetes";
import { actuatorPath, serviceSpec, type ServiceName, type ServiceSpec } from "../../catalog";

type Container = k8s.types.input.core.v1.Container;
type Probe = k8s.types.input.core.v1.Probe;

/**
 * How long `pulumi up` waits for an object to become ready, or that it must not wait at
 * all (`skipAwait`, for clusters where pods cannot run).
 */
export function awaitAnnotations(skipAwait: boolean, timeoutSeconds?: number): Record<string, string> {
    return {
        ...(timeoutSeconds !== undefined ? { "pulumi.com/timeoutSeconds": String(timeoutSeconds) } : {}),
        ...(skipAwait ? { "pulumi.com/skipAwait": "true" } : {}),
    };
}

/** A plain name-to-value map as a container's `env` list, in the map's order. */
export function envVars(values: Readonly<Record<string, string>>): k8s.types.input.core.v1.EnvVar[] {
    return Object.entries(values).map(([name, value]) => ({ name, value }));
}

/** Extra pods a Deployment's rolling update runs beside its replicas (`maxSurge`); PostgreSQL's connection budget counts them. */
export const ROLLOUT_SURGE = 1;

/** Unprivileged UID/GID for images that would otherwise run as root (the public images do). */
export const APP_UID = 1000;

/** Pod-level context that satisfies the `restricted` Pod Security Standard. */
export function restrictedPodSecurity(uid: number = APP_UID): k8s.types.input.core.v1.PodSecurityContext {
    return {
        runAsNonRoot: true,
        runAsUser: uid,
        runAsGroup: uid,
        fsGroup: uid,
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/** Container context for the `restricted` standard; a read-only root unless the image must write to it. */
export function restrictedContainerSecurity(readOnlyRootFilesystem = true): k8s.types.input.core.v1.SecurityContext {
    return {
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem,
        capabilities: { drop: ["ALL"] },
    };
}

/** Which failure domains a workload's pods are spread over. */
export interface Spread {
    readonly nodes: boolean;
    readonly zones: boolean;
}

/**
 * Soft spreading (ScheduleAnyway): the scheduler prefers putting a workload's pods on
 * different nodes (and zones) but still places them when it cannot, so a small cluster is
 * never left with Pending pods. Without it two replicas may share a node, and the node's
 * failure takes both: the PodDisruptionBudget covers only voluntary evictions.
 */
export function spreadConstraints(spread: Spread, selector: Record<string, string>): k8s.types.input.core.v1.TopologySpreadConstraint[] {
    const keys = [...(spread.nodes ? ["kubernetes.io/hostname"] : []), ...(spread.zones ? ["topology.kubernetes.io/zone"] : [])];
    return keys.map((topologyKey) => ({ maxSkew: 1, topologyKey, whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: selector } }));
}

/**
 * Local disk a container may write (its logs; its root where the image must write there):
 * requested, so the scheduler counts it, and limited, so a runaway cannot fill the node.
 */
export const SCRATCH = { request: "64Mi", limit: "1Gi", writableRootLimit: "2Gi" } as const;

type Requirements = k8s.types.input.core.v1.ResourceRequirements;

/** CPU and memory as given, plus the container's ephemeral-storage request and limit. */
export function withScratch(resources: { readonly requests?: object; readonly limits?: object }, limit: string = SCRATCH.limit): Requirements {
    return {
        requests: { ...(resources.requests as Record<string, string>), "ephemeral-storage": SCRATCH.request },
        limits: { ...(resources.limits as Record<string, string>), "ephemeral-storage": limit },
    };
}

/** A scratch emptyDir, always bounded: an unbounded one can fill the node's disk. */
export function scratchVolume(name: string, sizeLimit: string): k8s.types.input.core.v1.Volume {
    return { name, emptyDir: { sizeLimit } };
}

/** Something a pod must be able to reach before its main container starts. */
export interface Gate {
    readonly name: string;
    /** Shell test that succeeds once the target is ready. */
    readonly check: string;
    readonly describe: string;
}

/** Ready when the service's readiness endpoint answers 2xx. */
export function serviceGate(dep: ServiceName): Gate {
    const target = serviceSpec(dep);
    // The readiness group, not the aggregate health: a DOWN indicator further along (the config
    // server's Git backend, a circuit breaker) must not hold every dependant forever.
    const url = `http://${target.name}:${target.port}${actuatorPath(target, "readiness")}`;
    return { name: dep, check: `wget -q -T 3 -O /dev/null ${url}`, describe: url };
}

/** Ready when the port accepts TCP connections. */
export function tcpGate(name: string, host: string, port: number): Gate {
    return { name, check: `nc -z -w 3 ${host} ${port}`, describe: `${host}:${port}` };
}

/**
 * One init container per gate, each polling until its target is ready. Pods are all
 * created at once (so `pulumi up` is not serialised) and each starts its JVM as soon as
 * what it needs is ready: the manual's start order.
 */
export function waitFor(gates: readonly Gate[], image: string): Container[] {
    return gates.map((gate) => ({
        name: `wait-for-${gate.name}`,
        image,
        command: ["sh", "-c", `until ${gate.check}; do echo "waiting for ${gate.name} (${gate.describe})"; sleep ${GATE_POLL_SECONDS}; done`],
        resources: withScratch({ requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "32Mi" } }),
        securityContext: restrictedContainerSecurity(),
    }));
}

/**
 * Each step of the start order waits for the one before it: a JVM that is up is seen by its
 * startup probe within 2 s, Ready within 5 s more, and by the gates of the pods waiting on it
 * within 2 s more. Measured on the node stack (docs/system-tests.md), the 10 s periods these
 * replace added up to 25 s at each of the four steps. The probes are cheap actuator reads.
 */
const GATE_POLL_SECONDS = 2;
const STARTUP_PERIOD_SECONDS = 2;
const TIMEOUT_SECONDS = 3;

/**
 * Spring Boot takes 60-240 s to start on small nodes: a startup probe allows five minutes,
 * then tight liveness and readiness take over. Liveness uses the liveness group, so a
 * broken dependency makes a pod unready, never restarts it.
 */
export function springProbes(spec: ServiceSpec, portName: string): Pick<Container, "startupProbe" | "livenessProbe" | "readinessProbe"> {
    const get = (path: string): Probe["httpGet"] => ({ path, port: portName });
    return {
        startupProbe: { httpGet: get(actuatorPath(spec, "liveness")), periodSeconds: STARTUP_PERIOD_SECONDS, timeoutSeconds: TIMEOUT_SECONDS, failureThreshold: 300 / STARTUP_PERIOD_SECONDS },
        livenessProbe: { httpGet: get(actuatorPath(spec, "liveness")), periodSeconds: 10, timeoutSeconds: TIMEOUT_SECONDS, failureThreshold: 3 },
        readinessProbe: { httpGet: get(actuatorPath(spec, "readiness")), periodSeconds: 5, timeoutSeconds: TIMEOUT_SECONDS, failureThreshold: 3 },
    };
}
