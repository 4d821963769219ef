import type { ResourceValidationPolicy } from "@pulumi/policy";
import { parseImageRef, registryOf, unpinnedReason } from "../lib/image";
import { withDefaults } from "../config";
import { containers, describe, podTemplate, str } from "../kube";

export const imagePinned: ResourceValidationPolicy = {
    name: "image-pinned",
    description: "No image without a tag or with the tag latest.",
    severity: "high",
    remediationSteps: "Pin a version tag (imageTag, services.<name>.image) or a sha256 digest.",
    validateResource: (args, reportViolation) => {
        const pod = podTemplate(args.type, args.props);
        for (const c of pod ? containers(pod.spec) : []) {
            const image = str(c.raw.image);
            if (image === undefined) {
                continue;
            }
            const ref = parseImageRef(image);
            const reason = ref ? unpinnedReason(ref) : "is not a valid image reference";
            if (reason) {
                reportViolation(`${describe(args.type, args.props)}: container "${c.name}" image "${image}" ${reason}.`);
            }
        }
    },
};

export interface RegistriesConfig {
    readonly allowed: string[];
}

export const imageRegistryAllowed: ResourceValidationPolicy = {
    name: "image-registry-allowed",
    description: "Images come only from the registries the stack's policy config allows.",
    severity: "medium",
    remediationSteps: "Use an image from an allowed registry, or add the registry to this rule's allowed list in policy/<stack>.json.",
    configSchema: {
        properties: {
            allowed: {
                type: "array",
                items: { type: "string" },
                default: ["docker.io", "docker.elastic.co"],
                description: "Registry hosts (docker.io for Docker Hub's short names).",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        const pod = podTemplate(args.type, args.props);
        const { allowed } = withDefaults<RegistriesConfig>(imageRegistryAllowed.configSchema!, args.getConfig());
        for (const c of pod ? containers(pod.spec) : []) {
            const ref = parseImageRef(str(c.raw.image) ?? "");
            if (ref && !allowed.includes(registryOf(ref))) {
                reportViolation(
                    `${describe(args.type, args.props)}: container "${c.name}" image "${str(c.raw.image)}" comes from ${registryOf(ref)}; allowed: ${allowed.join(", ")}.`,
                );
            }
        }
    },
};
