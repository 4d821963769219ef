import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { withDefaults } from "../config";
import { TYPES, describe, known, metadata, num, obj, str } from "../kube";

export interface AutoscalingConfig {
    readonly minReplicas: number;
    readonly maxReplicasCeiling: number;
    /** Deployments that run one replica by design, by name; every other Deployment must autoscale. */
    readonly exempt: readonly string[];
}

const configOf = (given: object) => withDefaults<AutoscalingConfig>(hpaForScalableServices.configSchema!, given);

/** Every Deployment is judged unless the config names it: a new workload is checked until someone exempts it in review. */
const isScalableDeployment = (type: string, props: Record<string, unknown>, config: AutoscalingConfig) =>
    type === TYPES.deployment && !config.exempt.includes(metadata(props).name ?? "");

/**
 * Judged in two phases, because the API server fills in `spec.replicas` (1) on every
 * Deployment it stores: a stack rule, which sees a deployed stack's outputs, cannot tell a
 * replica count the program set from one the server defaulted. So whether the program sets
 * replicas is judged on inputs (the resource phase), and whether an HPA exists within range
 * on the whole stack.
 */
export const hpaForScalableServices: ResourceValidationPolicy & StackValidationPolicy = {
    name: "hpa-for-scalable-services",
    description:
        "Every Deployment not named under exempt has an HPA within the configured range and sets no spec.replicas of its own (manual 7.1).",
    severity: "medium",
    remediationSteps:
        "Leave autoscaling on for the service (services.<name>.autoscaling) with minReplicas and maxReplicas inside this rule's range; never set spec.replicas on a Deployment an HPA manages. A workload that must run once (a registry, a single-writer tool) is named under this rule's exempt in policy/<stack>.json, where review sees it.",
    configSchema: {
        properties: {
            minReplicas: { type: "integer", minimum: 1, default: 1, description: "Lowest minReplicas an HPA may have." },
            maxReplicasCeiling: { type: "integer", minimum: 1, default: 10, description: "Highest maxReplicas an HPA may have." },
            exempt: {
                type: "array",
                items: { type: "string", minLength: 1 },
                uniqueItems: true,
                default: [],
                description: "Deployments, by name, that run one replica by design and need no HPA.",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        if (!isScalableDeployment(args.type, args.props, configOf(args.getConfig()))) {
            return;
        }
        const replicas = num(known(() => obj(args.props.spec)?.replicas));
        // Zero is a service stopped on purpose (scaleToZero), with no HPA to fight.
        if (replicas !== undefined && replicas !== 0) {
            reportViolation(`${describe(args.type, args.props)} sets spec.replicas (${replicas}); its HorizontalPodAutoscaler owns the count, remove it.`);
        }
    },
    validateStack: (args, reportViolation) => {
        const config = configOf(args.getConfig());
        const hpas = args.resources.filter((r) => r.type === TYPES.hpa);
        for (const d of args.resources.filter((r) => isScalableDeployment(r.type, r.props, config))) {
            const { name, namespace } = metadata(d.props);
            if (num(known(() => obj(d.props.spec)?.replicas)) === 0) {
                continue; // Stopped on purpose (scaleToZero): nothing to scale.
            }
            const hpa = hpas.find((h) => {
                const target = obj(obj(h.props.spec)?.scaleTargetRef);
                return metadata(h.props).namespace === namespace && str(target?.kind) === "Deployment" && str(target?.name) === name;
            });
            if (!hpa) {
                reportViolation(`${describe(d.type, d.props)} has no HorizontalPodAutoscaler.`, d.urn);
                continue;
            }
            const spec = obj(hpa.props.spec) ?? {};
            const min = num(known(() => spec.minReplicas));
            const max = num(known(() => spec.maxReplicas));
            if (min !== undefined && min < config.minReplicas) {
                reportViolation(`${describe(hpa.type, hpa.props)}: minReplicas ${min} is below ${config.minReplicas}.`, hpa.urn);
            }
            if (max !== undefined && max > config.maxReplicasCeiling) {
                reportViolation(`${describe(hpa.type, hpa.props)}: maxReplicas ${max} is above the ceiling ${config.maxReplicasCeiling}.`, hpa.urn);
            }
        }
    },
};
