/**
 * What a stack asks of the cluster: the CPU and memory its pods request, at the fewest
 * and at the most replicas its autoscalers allow. Read from the declared objects.
 */
import { formatCpu, formatMemory, parseCpu, parseMemory } from "../lib/quantity";
import type { KubeObject } from "./manifests";

export interface Capacity {
    readonly cpu: number;
    readonly memory: number;
    readonly pods: number;
}

interface ContainerRequests {
    resources?: { requests?: { cpu?: string; memory?: string } };
}

interface PodSpec {
    containers: ContainerRequests[];
    initContainers?: ContainerRequests[];
}

const WORKLOADS = ["Deployment", "StatefulSet"];

/** A pod's effective request, as the scheduler computes it: max(sum of containers, largest init container). */
export function podRequests(pod: PodSpec): { cpu: number; memory: number } {
    const sum = (cs: ContainerRequests[], f: (c: ContainerRequests) => number) => cs.reduce((t, c) => t + f(c), 0);
    const max = (cs: ContainerRequests[], f: (c: ContainerRequests) => number) => Math.max(0, ...cs.map(f));
    const cpu = (c: ContainerRequests) => parseCpu(c.resources?.requests?.cpu ?? "0") ?? 0;
    const memory = (c: ContainerRequests) => parseMemory(c.resources?.requests?.memory ?? "0") ?? 0;
    const inits = pod.initContainers ?? [];
    return {
        cpu: Math.max(sum(pod.containers, cpu), max(inits, cpu)),
        memory: Math.max(sum(pod.containers, memory), max(inits, memory)),
    };
}

export function capacity(objects: readonly KubeObject[], at: "min" | "max"): Capacity {
    const total = { cpu: 0, memory: 0, pods: 0 };
    for (const workload of objects.filter((o) => WORKLOADS.includes(o.kind))) {
        const spec = workload.spec as { replicas?: number; template: { spec: PodSpec } };
        const hpa = objects.find(
            (o) =>
                o.kind === "HorizontalPodAutoscaler" &&
                o.metadata.namespace === workload.metadata.namespace &&
                (o.spec as { scaleTargetRef: { kind: string; name: string } }).scaleTargetRef.name === workload.metadata.name,
        );
        const range = hpa?.spec as { minReplicas?: number; maxReplicas: number } | undefined;
        const replicas = range ? (at === "min" ? (range.minReplicas ?? 1) : range.maxReplicas) : (spec.replicas ?? 1);
        const pod = podRequests(spec.template.spec);
        total.cpu += pod.cpu * replicas;
        total.memory += pod.memory * replicas;
        total.pods += replicas;
    }
    // Whole millicores: sums of fractions must not differ in the last bit between two trees.
    return { ...total, cpu: Math.round(total.cpu * 1000) / 1000 };
}

/** What a stack requests at its fewest and its most replicas. */
export interface CapacityRange {
    readonly min: Capacity;
    readonly max: Capacity;
}

export function capacityRange(objects: readonly KubeObject[]): CapacityRange {
    return { min: capacity(objects, "min"), max: capacity(objects, "max") };
}

/** `10750m CPU, 14.44Gi memory, 26 pods`: how `npm run bench` and the PR comment print one. */
export function formatCapacity(c: Capacity): string {
    return `${formatCpu(c.cpu)} CPU, ${formatMemory(c.memory)} memory, ${c.pods} pods`;
}
