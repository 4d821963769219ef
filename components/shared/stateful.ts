/**
 * What every StatefulSet of the stacks shares: the headless Service it names as its
 * serviceName (a stable DNS name per pod, postgres-0.postgres-headless; clients keep using
 * the ordinary Service of the workload's name), and the claim template of its data volume.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { Children } from "./naming";

export function headlessName(name: string): string {
    return `${name}-headless`;
}

/**
 * serviceName is immutable: changing it replaces the StatefulSet, which production's
 * protection refuses for PostgreSQL. Stacks created before the headless Services existed
 * keep the name they were created with; new ones get the headless Service.
 */
export const KEEP_SERVICE_NAME: pulumi.CustomResourceOptions = { ignoreChanges: ["spec.serviceName"] };

/** The `data` volume's claim template: one ReadWriteOnce volume per pod, on the given class or the default. */
export function dataClaimTemplate(labels: Record<string, string>, size: string, storageClass?: string): k8s.types.input.core.v1.PersistentVolumeClaim {
    return {
        metadata: { name: "data", labels },
        spec: {
            accessModes: ["ReadWriteOnce"],
            ...(storageClass ? { storageClassName: storageClass } : {}),
            resources: { requests: { storage: size } },
        },
    };
}

export function headlessService(
    name: string,
    metadata: { readonly namespace: pulumi.Input<string>; readonly labels: Record<string, string> },
    selector: Record<string, string>,
    ports: k8s.types.input.core.v1.ServicePort[],
    owner: Children,
): k8s.core.v1.Service {
    const child = owner.of(headlessName(owner.component), headlessName(name));
    return new k8s.core.v1.Service(child.name, { metadata: { ...metadata, name: headlessName(name) }, spec: { clusterIP: "None", selector, ports } }, child.opts);
}
