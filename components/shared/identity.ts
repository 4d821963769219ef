import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/**
 * A pod group's own ServiceAccount, with no API token: what it does is then attributable
 * in the audit log (manual 8.2), and it holds no rights it does not need.
 */
export function ownAccount(name: string, namespace: pulumi.Input<string>, labels: Record<string, string>, parent: pulumi.Resource): k8s.core.v1.ServiceAccount {
    return new k8s.core.v1.ServiceAccount(name, { metadata: { name, namespace, labels }, automountServiceAccountToken: false }, { parent });
}
