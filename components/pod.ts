/** Pieces of pod specs shared by every workload: security contexts, start-up gates, probes. */
import type * as k8s from "@pulumi/kubernetes";
import { actuatorPath, serviceSpec, type ServiceName, type ServiceSpec } from "../catalog";

type Container = k8s.types.input.core.v1.Container;
type Probe = k8s.types.input.core.v1.Probe;

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

export function restrictedContainerSecurity(): k8s.types.input.core.v1.SecurityContext {
    return {
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
    };
}

/**
 * One init container per dependency, each polling the dependency's readiness endpoint
 * until it answers 2xx. Pods are all created at once (so `pulumi up` is not serialised)
 * and each starts its JVM as soon as what it needs is healthy: the manual's start order.
 */
export function waitForDependencies(deps: readonly ServiceName[], image: string): Container[] {
    return deps.map((dep) => {
        const target = serviceSpec(dep);
        // The readiness group, not the aggregate health: a DOWN indicator further along (the config
        // server's Git backend, a circuit breaker) must not hold every dependant forever.
        const url = `http://${target.name}:${target.port}${actuatorPath(target, "readiness")}`;
        return {
            name: `wait-for-${dep}`,
            image,
            command: [
                "sh",
                "-c",
                `until wget -q -T 3 -O /dev/null ${url}; do echo "waiting for ${dep} (${url})"; sleep 5; done`,
            ],
            resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "32Mi" } },
            securityContext: restrictedContainerSecurity(),
        };
    });
}

const PROBE_TIMING = { periodSeconds: 10, timeoutSeconds: 3 } as const;

/**
 * Spring Boot takes 60-240 s to start on small nodes: a startup probe allows five minutes,
 * then tight liveness and readiness take over. Liveness uses the liveness group, so a
 * broken dependency makes a pod unready, never restarts it.
 */
export function springProbes(spec: ServiceSpec, portName: string): Pick<Container, "startupProbe" | "livenessProbe" | "readinessProbe"> {
    const get = (path: string): Probe["httpGet"] => ({ path, port: portName });
    return {
        startupProbe: { httpGet: get(actuatorPath(spec, "liveness")), ...PROBE_TIMING, failureThreshold: 30 },
        livenessProbe: { httpGet: get(actuatorPath(spec, "liveness")), ...PROBE_TIMING, failureThreshold: 3 },
        readinessProbe: { httpGet: get(actuatorPath(spec, "readiness")), ...PROBE_TIMING, failureThreshold: 3 },
    };
}
