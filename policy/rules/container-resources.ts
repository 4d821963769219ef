import type { ResourceValidationPolicy } from "@pulumi/policy";
import { parseCpu, parseMemory } from "../lib/quantity";
import { withDefaults } from "../config";
import { containers, describe, metadata, obj, podTemplate, str } from "../kube";

export interface ContainerResourcesConfig {
    readonly maxCpu: string;
    readonly maxMemory: string;
    /** Workloads allowed more, by name: `{"elasticsearch": {"maxCpu": "2000m", "maxMemory": "2Gi"}}`. */
    readonly exceptions: Record<string, { maxCpu?: string; maxMemory?: string }>;
}

export const containerResources: ResourceValidationPolicy = {
    name: "container-resources",
    description: "Every container requests CPU and memory and has a memory limit, within the manual's bounds (7.2).",
    severity: "high",
    remediationSteps:
        "Set resources.requests.cpu, resources.requests.memory and resources.limits.memory on every container (stack config: resources or services.<name>.resources). A workload that needs more than the bounds is named under this rule's exceptions in policy/<stack>.json.",
    configSchema: {
        properties: {
            maxCpu: { type: "string", default: "1000m", description: "Largest CPU request or limit (default: the manual's limit, 7.2)." },
            maxMemory: { type: "string", default: "1Gi", description: "Largest memory request or limit (default: the manual's limit, 7.2)." },
            exceptions: {
                type: "object",
                default: {},
                description: "Workloads allowed more, by name.",
                additionalProperties: {
                    type: "object",
                    properties: { maxCpu: { type: "string" }, maxMemory: { type: "string" } },
                    additionalProperties: false,
                },
            },
        },
    },
    validateResource: (args, reportViolation) => {
        const pod = podTemplate(args.type, args.props);
        if (!pod) {
            return;
        }
        const config = withDefaults<ContainerResourcesConfig>(containerResources.configSchema!, args.getConfig());
        const name = metadata(args.props).name ?? "";
        const exception = config.exceptions[name] ?? {};
        const bound = { cpu: exception.maxCpu ?? config.maxCpu, memory: exception.maxMemory ?? config.maxMemory };
        const parse = { cpu: parseCpu, memory: parseMemory };
        const what = describe(args.type, args.props);
        for (const c of containers(pod.spec)) {
            const resources = obj(c.raw.resources);
            const requests = obj(resources?.requests);
            const limits = obj(resources?.limits);
            const missing = [
                !requests?.cpu && "requests.cpu",
                !requests?.memory && "requests.memory",
                !limits?.memory && "limits.memory",
            ].filter(Boolean);
            if (missing.length > 0) {
                reportViolation(`${what}: container "${c.name}" declares no ${missing.join(", ")}.`);
            }
            for (const kind of ["cpu", "memory"] as const) {
                for (const [side, values] of [["requests", requests], ["limits", limits]] as const) {
                    const text = str(values?.[kind]);
                    const value = text === undefined ? undefined : parse[kind](text);
                    if (text !== undefined && value !== undefined && value > (parse[kind](bound[kind]) ?? Infinity)) {
                        reportViolation(`${what}: container "${c.name}" ${side}.${kind} ${text} exceeds the allowed ${bound[kind]}.`);
                    }
                }
            }
        }
    },
};
