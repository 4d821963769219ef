import type { ResourceValidationPolicy } from "@pulumi/policy";
import { LONG_RUNNING_TYPES, containers, describe, podTemplate } from "../kube";

export const probesRequired: ResourceValidationPolicy = {
    name: "probes-required",
    description: "Every container of a long-running workload has a readiness probe and a liveness or startup probe.",
    severity: "medium",
    remediationSteps: "Add readinessProbe and livenessProbe (or startupProbe) to the container; the services' health paths are in the catalog.",
    validateResource: (args, reportViolation) => {
        const pod = LONG_RUNNING_TYPES.includes(args.type) ? podTemplate(args.type, args.props) : undefined;
        if (!pod) {
            return;
        }
        for (const c of containers(pod.spec).filter((x) => !x.init)) {
            if (!c.raw.readinessProbe) {
                reportViolation(`${describe(args.type, args.props)}: container "${c.name}" has no readinessProbe.`);
            }
            if (!c.raw.livenessProbe && !c.raw.startupProbe) {
                reportViolation(`${describe(args.type, args.props)}: container "${c.name}" has neither a livenessProbe nor a startupProbe.`);
            }
        }
    },
};
