import type { StackValidationPolicy } from "@pulumi/policy";
import { TYPES, arr, describe, metadata, num, obj, podTemplate, str } from "../kube";

const HOSTNAME = "kubernetes.io/hostname";

/** Whether the pod spec keeps its replicas apart by node: a hostname topology spread or anti-affinity. */
function spreadByNode(podSpec: Record<string, unknown>): boolean {
    const spread = arr(podSpec.topologySpreadConstraints).some((c) => str(obj(c)?.topologyKey) === HOSTNAME);
    const anti = obj(obj(podSpec.affinity)?.podAntiAffinity) ?? {};
    const terms = [
        ...arr(anti.requiredDuringSchedulingIgnoredDuringExecution),
        ...arr(anti.preferredDuringSchedulingIgnoredDuringExecution).map((p) => obj(p)?.podAffinityTerm),
    ];
    return spread || terms.some((t) => str(obj(t)?.topologyKey) === HOSTNAME);
}

export const spreadReplicated: StackValidationPolicy = {
    name: "spread-replicated-workloads",
    description:
        "Every Deployment or StatefulSet that may run more than one pod (replicas, or its HPA's maxReplicas, above 1) spreads them over nodes (a topology spread or anti-affinity on kubernetes.io/hostname).",
    severity: "medium",
    remediationSteps: "Keep spreadAcrossNodes on (the default): the Microservice component adds a ScheduleAnyway topology spread on the hostname.",
    validateStack: (args, reportViolation) => {
        const hpas = args.resources.filter((r) => r.type === TYPES.hpa);
        for (const w of args.resources.filter((r) => r.type === TYPES.deployment || r.type === TYPES.statefulSet)) {
            const { name, namespace } = metadata(w.props);
            const hpa = hpas.find((h) => metadata(h.props).namespace === namespace && str(obj(obj(h.props.spec)?.scaleTargetRef)?.name) === name);
            const pods = Math.max(num(obj(hpa?.props.spec)?.maxReplicas) ?? 0, num(obj(w.props.spec)?.replicas) ?? 1);
            const pod = podTemplate(w.type, w.props);
            if (pods > 1 && pod && !spreadByNode(pod.spec)) {
                reportViolation(`${describe(w.type, w.props)} may run ${pods} pods and does not spread them over nodes; one node's failure can take them all.`, w.urn);
            }
        }
    },
};
