import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { Child } from "./naming";

/**
 * A pod group's own ServiceAccount, with no API token: what it does is then attributable
 * in the audit log (manual 8.2), and it holds no rights it does not need.
 */
export function ownAccount(name: string, namespace: pulumi.Input<string>, labels: Record<string, string>, child: Child): k8s.core.v1.ServiceAccount {
    return new k8s.core.v1.ServiceAccount(child.name, { metadata: { name, namespace, labels }, automountServiceAccountToken: false }, child.opts);
}
