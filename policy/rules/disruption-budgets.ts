import type { StackValidationPolicy } from "@pulumi/policy";
import { TYPES, describe, matchesSelector, metadata, num, obj, podTemplate, str, stringMap } from "../kube";

export const pdbForReplicated: StackValidationPolicy = {
    name: "pdb-for-replicated-deployments",
    description: "Every Deployment that runs more than one pod (replicas or HPA minReplicas above 1) has a PodDisruptionBudget, and no budget forbids every eviction.",
    severity: "medium",
    remediationSteps: "The Microservice component declares one whenever more than one pod runs; keep minReplicas and the budget together.",
    validateStack: (args, reportViolation) => {
        const pdbs = args.resources.filter((r) => r.type === TYPES.pdb);
        const hpas = args.resources.filter((r) => r.type === TYPES.hpa);
        for (const d of args.resources.filter((r) => r.type === TYPES.deployment)) {
            const { name, namespace } = metadata(d.props);
            const hpa = hpas.find((h) => metadata(h.props).namespace === namespace && str(obj(obj(h.props.spec)?.scaleTargetRef)?.name) === name);
            const pods = num(obj(hpa?.props.spec)?.minReplicas) ?? num(obj(d.props.spec)?.replicas) ?? 1;
            if (pods <= 1) {
                continue;
            }
            const labels = podTemplate(d.type, d.props)?.labels ?? {};
            const covering = pdbs.filter(
                (p) => metadata(p.props).namespace === namespace && matchesSelector(stringMap(obj(obj(p.props.spec)?.selector)?.matchLabels), labels),
            );
            if (covering.length === 0) {
                reportViolation(`${describe(d.type, d.props)} runs ${pods} pods and no PodDisruptionBudget covers them.`, d.urn);
            }
            for (const p of covering.filter((b) => allowsNoDisruption(obj(b.props.spec), pods))) {
                reportViolation(`${describe(p.type, p.props)} allows no pod of ${name} to be evicted: every node drain would block on it.`, p.urn);
            }
        }
    },
};

/** maxUnavailable 0 (or 0%), or minAvailable of every pod (or 100%): no eviction is ever allowed. */
function allowsNoDisruption(spec: Record<string, unknown> | undefined, pods: number): boolean {
    const max = spec?.maxUnavailable;
    const min = spec?.minAvailable;
    if (max !== undefined) {
        return max === 0 || max === "0%" || max === "0";
    }
    if (typeof min === "number") {
        return min >= pods;
    }
    return min === "100%";
}
