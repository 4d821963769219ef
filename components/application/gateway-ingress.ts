import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceSpec } from "../../catalog";
import type { IngressSettings } from "../../settings";
import { awaitAnnotations } from "../shared/pod";
import { Children } from "../shared/naming";

/** How long `pulumi up` waits for an ingress controller to give the Ingress an address. */
export const INGRESS_AWAIT_SECONDS = 600;

export interface GatewayIngressArgs {
    readonly namespace: pulumi.Input<string>;
    readonly gateway: ServiceSpec;
    readonly ingress: IngressSettings;
    readonly labels: Record<string, string>;
    /** Do not wait for an address: no ingress controller may ever give one (a fresh kind cluster). */
    readonly skipAwait: boolean;
}

/**
 * What `pulumi up` waits for at the Ingress, said at preview so nobody waits ten minutes
 * wondering why; undefined when it does not wait.
 */
export function ingressAwaitNotice(ingress: IngressSettings, skipAwait: boolean): string | undefined {
    if (skipAwait) {
        return undefined;
    }
    return (
        `pulumi up waits up to ${INGRESS_AWAIT_SECONDS / 60} minutes for an ingress controller of class "${ingress.className}" ` +
        `to give the gateway's Ingress an address; on a cluster without one set skipAwait: true or ingressEnabled: false.`
    );
}

/** The one way in from outside: an Ingress to the API Gateway (manual 2.1, "punto de entrada único"). */
export class GatewayIngress extends pulumi.ComponentResource {
    readonly ingress: k8s.networking.v1.Ingress;
    /** External URL, when a host is configured. */
    readonly url?: pulumi.Output<string>;

    constructor(name: string, args: GatewayIngressArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ecommerce:k8s:GatewayIngress", name, {}, opts);
        const { gateway, ingress } = args;
        const own = new Children(name, this).main(gateway.name);
        this.ingress = new k8s.networking.v1.Ingress(
            own.name,
            {
                metadata: {
                    name: gateway.name,
                    namespace: args.namespace,
                    labels: args.labels,
                    annotations: awaitAnnotations(args.skipAwait, args.skipAwait ? undefined : INGRESS_AWAIT_SECONDS),
                },
                spec: {
                    ingressClassName: ingress.className,
                    ...(ingress.tlsSecretName && ingress.host
                        ? { tls: [{ hosts: [ingress.host], secretName: ingress.tlsSecretName }] }
                        : {}),
                    rules: [
                        {
                            ...(ingress.host ? { host: ingress.host } : {}),
                            http: {
                                paths: [
                                    {
                                        path: "/",
                                        pathType: "Prefix",
                                        backend: { service: { name: gateway.name, port: { number: gateway.port } } },
                                    },
                                ],
                            },
                        },
                    ],
                },
            },
            own.opts,
        );
        const notice = ingressAwaitNotice(ingress, args.skipAwait);
        if (notice) {
            void pulumi.log.info(notice, this.ingress);
        }
        if (ingress.host) {
            this.url = pulumi.output(`${ingress.tlsSecretName || ingress.tlsTerminatedElsewhere ? "https" : "http"}://${ingress.host}`);
        }
        this.registerOutputs({ url: this.url });
    }
}
