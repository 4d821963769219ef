import type { ResourceValidationPolicy } from "@pulumi/policy";
import { withDefaults } from "../config";
import { TYPES, describe, metadata, obj, str } from "../kube";

export interface ServiceTypesConfig {
    /** Services allowed to be LoadBalancer or NodePort, by name. */
    readonly allowed: string[];
}

export const serviceTypeRestricted: ResourceValidationPolicy = {
    name: "service-type-restricted",
    description: "No Service of type LoadBalancer or NodePort unless the stack's policy config allows it; the gateway is reached through an Ingress.",
    severity: "high",
    remediationSteps: "Use a ClusterIP Service behind the Ingress, or name the Service under this rule's allowed list in policy/<stack>.json.",
    configSchema: {
        properties: { allowed: { type: "array", items: { type: "string" }, default: [], description: "Services allowed to be exposed directly." } },
    },
    validateResource: (args, reportViolation) => {
        if (args.type !== TYPES.service) {
            return;
        }
        const type = str(obj(args.props.spec)?.type);
        const { allowed } = withDefaults<ServiceTypesConfig>(serviceTypeRestricted.configSchema!, args.getConfig());
        if ((type === "LoadBalancer" || type === "NodePort") && !allowed.includes(metadata(args.props).name ?? "")) {
            reportViolation(`${describe(args.type, args.props)}: type ${type} exposes it outside the cluster.`);
        }
    },
};
