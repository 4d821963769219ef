/**
 * What Pod Security's `restricted` level demands of a pod, checked at preview rather than
 * discovered as a refused pod at admission (the stacks' namespaces enforce it): a seccomp
 * profile, no capabilities but NET_BIND_SERVICE, never root; and a read-only root
 * filesystem, beyond `restricted`, except for the workloads named in config.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { withDefaults } from "../config";
import { arr, containers, describe, metadata, obj, podTemplate, str } from "../kube";

export interface RestrictedConfig {
    /** Workloads outside a `restricted` namespace (the log shipper reads the nodes' files as root). */
    readonly exempt: string[];
    /** Workloads whose image writes next to its binaries, allowed a writable root filesystem. */
    readonly writableRoot: string[];
}

const SECCOMP = ["RuntimeDefault", "Localhost"];

export const restrictedPodSecurity: ResourceValidationPolicy = {
    name: "restricted-pod-security",
    description: "Every pod meets Pod Security 'restricted' (seccomp profile, capabilities dropped, non-root) and has a read-only root filesystem unless allowed.",
    severity: "high",
    remediationSteps:
        "Use restrictedPodSecurity() and restrictedContainerSecurity() from components/shared/pod.ts. A workload that cannot run so is named under this rule's exempt or writableRoot in policy/<stack>.json, with the reason in the commit.",
    configSchema: {
        properties: {
            exempt: { type: "array", items: { type: "string" }, default: [], description: "Workloads outside a restricted namespace." },
            writableRoot: { type: "array", items: { type: "string" }, default: [], description: "Workloads allowed a writable root filesystem." },
        },
    },
    validateResource: (args, reportViolation) => {
        const pod = podTemplate(args.type, args.props);
        if (!pod) {
            return;
        }
        const name = metadata(args.props).name ?? "";
        const { exempt, writableRoot } = withDefaults<RestrictedConfig>(restrictedPodSecurity.configSchema!, args.getConfig());
        if (exempt.includes(name)) {
            return;
        }
        const what = describe(args.type, args.props);
        const podSc = obj(pod.spec.securityContext);
        for (const c of containers(pod.spec)) {
            const sc = obj(c.raw.securityContext);
            const seccomp = str(obj(sc?.seccompProfile)?.type) ?? str(obj(podSc?.seccompProfile)?.type);
            if (!seccomp || !SECCOMP.includes(seccomp)) {
                reportViolation(`${what}: container "${c.name}" has no seccompProfile RuntimeDefault or Localhost.`);
            }
            const caps = obj(sc?.capabilities);
            if (!arr(caps?.drop).includes("ALL")) {
                reportViolation(`${what}: container "${c.name}" does not drop ALL capabilities.`);
            }
            const added = arr(caps?.add).filter((cap) => cap !== "NET_BIND_SERVICE");
            if (added.length > 0) {
                reportViolation(`${what}: container "${c.name}" adds capabilities ${added.join(", ")}.`);
            }
            const nonRoot = sc?.runAsNonRoot ?? podSc?.runAsNonRoot;
            const uid = sc?.runAsUser ?? podSc?.runAsUser;
            if (nonRoot !== true || uid === 0) {
                reportViolation(`${what}: container "${c.name}" may run as root (runAsNonRoot is not true, or runAsUser is 0).`);
            }
            if (!writableRoot.includes(name) && sc?.readOnlyRootFilesystem !== true) {
                reportViolation(`${what}: container "${c.name}" has a writable root filesystem.`);
            }
        }
    },
};
