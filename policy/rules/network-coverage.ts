import type { StackValidationPolicy } from "@pulumi/policy";
import { LONG_RUNNING_TYPES, TYPES, describe, metadata, obj, podTemplate, stringMap, type Json } from "../kube";

export const networkPolicyCoverage: StackValidationPolicy = {
    name: "network-policy-coverage",
    description: "Each namespace with workloads denies traffic by default, and every workload's pods are selected by an allow policy of their own.",
    severity: "high",
    remediationSteps: "Keep networkIsolation on; a new workload needs its edges in components/network/traffic.ts, which gives it an allow policy.",
    validateStack: (args, reportViolation) => {
        const policies = args.resources.filter((r) => r.type === TYPES.networkPolicy).map((p) => ({ namespace: metadata(p.props).namespace, spec: obj(p.props.spec) ?? {} }));
        const selector = (spec: Json) => stringMap(obj(spec.podSelector)?.matchLabels);
        const workloads = args.resources.filter((r) => LONG_RUNNING_TYPES.includes(r.type) || r.type === TYPES.job || r.type === TYPES.cronJob);
        for (const namespace of new Set(workloads.map((w) => metadata(w.props).namespace))) {
            if (!policies.some((p) => p.namespace === namespace && Object.keys(selector(p.spec)).length === 0)) {
                reportViolation(`Namespace ${namespace ?? "(default)"} has no default-deny NetworkPolicy (an empty podSelector).`);
            }
        }
        for (const w of workloads) {
            const labels = podTemplate(w.type, w.props)?.labels ?? {};
            const covered = policies.some((p) => {
                const sel = selector(p.spec);
                return p.namespace === metadata(w.props).namespace && Object.keys(sel).length > 0 && Object.entries(sel).every(([k, v]) => labels[k] === v);
            });
            if (!covered) {
                reportViolation(`${describe(w.type, w.props)}: no NetworkPolicy allows its pods' traffic.`, w.urn);
            }
        }
    },
};
