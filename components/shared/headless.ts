/**
 * The headless Service a StatefulSet names as its serviceName: it gives each pod a stable
 * DNS name (postgres-0.postgres-headless) and load-balances nothing. Clients keep using the
 * ordinary Service of the workload's name.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

export function headlessName(name: string): string {
    return `${name}-headless`;
}

/**
 * serviceName is immutable: changing it replaces the StatefulSet, which production's
 * protection refuses for PostgreSQL. Stacks created before the headless Services existed
 * keep the name they were created with; new ones get the headless Service.
 */
export const KEEP_SERVICE_NAME: pulumi.CustomResourceOptions = { ignoreChanges: ["spec.serviceName"] };

export function headlessService(
    name: string,
    metadata: { readonly namespace: pulumi.Input<string>; readonly labels: Record<string, string> },
    selector: Record<string, string>,
    ports: k8s.types.input.core.v1.ServicePort[],
    parent: pulumi.Resource,
): k8s.core.v1.Service {
    return new k8s.core.v1.Service(
        headlessName(name),
        { metadata: { ...metadata, name: headlessName(name) }, spec: { clusterIP: "None", selector, ports } },
        { parent },
    );
}
