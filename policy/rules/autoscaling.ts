import type { StackValidationPolicy } from "@pulumi/policy";
import { SERVICES } from "../../catalog";
import { withDefaults } from "../config";
import { TYPES, describe, metadata, num, obj, str } from "../kube";

export interface AutoscalingConfig {
    readonly minReplicas: number;
    readonly maxReplicasCeiling: number;
}

/** Scalable by the catalog: its singletons (Eureka, the config server) are exempt there, not here. */
const SCALABLE: ReadonlySet<string> = new Set(SERVICES.filter((s) => s.scaling === "horizontal").map((s) => s.name));

export const hpaForScalableServices: StackValidationPolicy = {
    name: "hpa-for-scalable-services",
    description: "Every Deployment of a scalable catalog service has an HPA within the configured range and sets no spec.replicas of its own (manual 7.1).",
    severity: "medium",
    remediationSteps:
        "Leave autoscaling on for the service (services.<name>.autoscaling) with minReplicas and maxReplicas inside this rule's range; never set spec.replicas on a Deployment an HPA manages.",
    configSchema: {
        properties: {
            minReplicas: { type: "integer", minimum: 1, default: 1, description: "Lowest minReplicas an HPA may have." },
            maxReplicasCeiling: { type: "integer", minimum: 1, default: 10, description: "Highest maxReplicas an HPA may have." },
        },
    },
    validateStack: (args, reportViolation) => {
        const config = withDefaults<AutoscalingConfig>(hpaForScalableServices.configSchema!, args.getConfig());
        const hpas = args.resources.filter((r) => r.type === TYPES.hpa);
        for (const d of args.resources.filter((r) => r.type === TYPES.deployment && SCALABLE.has(metadata(r.props).name ?? ""))) {
            const { name, namespace } = metadata(d.props);
            const replicas = num(obj(d.props.spec)?.replicas);
            if (replicas === 0) {
                continue; // Stopped on purpose (scaleToZero): nothing to scale.
            }
            const hpa = hpas.find((h) => {
                const target = obj(obj(h.props.spec)?.scaleTargetRef);
                return metadata(h.props).namespace === namespace && str(target?.kind) === "Deployment" && str(target?.name) === name;
            });
            const what = describe(d.type, d.props);
            if (!hpa) {
                reportViolation(`${what} has no HorizontalPodAutoscaler.`, d.urn);
                continue;
            }
            if (replicas !== undefined) {
                reportViolation(`${what} sets spec.replicas (${replicas}) although an HPA manages it; remove it.`, d.urn);
            }
            const spec = obj(hpa.props.spec) ?? {};
            const min = num(spec.minReplicas);
            const max = num(spec.maxReplicas);
            if (min !== undefined && min < config.minReplicas) {
                reportViolation(`${describe(hpa.type, hpa.props)}: minReplicas ${min} is below ${config.minReplicas}.`, hpa.urn);
            }
            if (max !== undefined && max > config.maxReplicasCeiling) {
                reportViolation(`${describe(hpa.type, hpa.props)}: maxReplicas ${max} is above the ceiling ${config.maxReplicasCeiling}.`, hpa.urn);
            }
        }
    },
};
