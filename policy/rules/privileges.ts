import type { ResourceValidationPolicy } from "@pulumi/policy";
import { withDefaults } from "../config";
import { arr, containers, describe, metadata, obj, podTemplate } from "../kube";

export interface PrivilegesConfig {
    /** Workloads allowed hostPath volumes, by name (the log shipper reads the nodes' log files). */
    readonly allowHostPath: string[];
    /** Capabilities any container may add, for every workload, exempt from restricted or not (none today). */
    readonly allowedCapabilities: string[];
}

export const noPrivilegedPods: ResourceValidationPolicy = {
    name: "no-privileged-pods",
    description: "No privileged container, no privilege escalation, no added capability, no host namespaces, no hostPath volumes.",
    severity: "critical",
    remediationSteps:
        "Set securityContext.privileged false and allowPrivilegeEscalation false on every container; add no capability (a root process with none still reads root's own files); drop hostNetwork, hostPID, hostIPC and hostPath volumes. A workload that must read the host (a log shipper) is named under this rule's allowHostPath in policy/<stack>.json.",
    configSchema: {
        properties: {
            allowHostPath: { type: "array", items: { type: "string" }, default: [], description: "Workloads allowed hostPath volumes." },
            allowedCapabilities: { type: "array", items: { type: "string" }, default: [], description: "Capabilities a container of any workload may add." },
        },
    },
    validateResource: (args, reportViolation) => {
        const pod = podTemplate(args.type, args.props);
        if (!pod) {
            return;
        }
        const what = describe(args.type, args.props);
        for (const field of ["hostNetwork", "hostPID", "hostIPC"]) {
            if (pod.spec[field] === true) {
                reportViolation(`${what}: uses ${field}.`);
            }
        }
        const { allowHostPath, allowedCapabilities } = withDefaults<PrivilegesConfig>(noPrivilegedPods.configSchema!, args.getConfig());
        const hostPaths = arr(pod.spec.volumes).map(obj).filter((v) => v?.hostPath);
        if (hostPaths.length > 0 && !allowHostPath.includes(metadata(args.props).name ?? "")) {
            reportViolation(`${what}: mounts hostPath volumes (${hostPaths.map((v) => v?.name).join(", ")}).`);
        }
        for (const c of containers(pod.spec)) {
            const sc = obj(c.raw.securityContext);
            if (sc?.privileged === true) {
                reportViolation(`${what}: container "${c.name}" is privileged.`);
            }
            if (sc?.allowPrivilegeEscalation !== false) {
                reportViolation(`${what}: container "${c.name}" does not set allowPrivilegeEscalation: false.`);
            }
            const added = arr(obj(sc?.capabilities)?.add).filter((cap) => !allowedCapabilities.includes(String(cap)));
            if (added.length > 0) {
                reportViolation(`${what}: container "${c.name}" adds capabilities ${added.join(", ")}; allowed: ${allowedCapabilities.join(", ") || "none"}.`);
            }
        }
    },
};
