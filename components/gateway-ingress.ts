import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceSpec } from "../catalog";
import type { IngressSettings } from "../stacks/settings";

export interface GatewayIngressArgs {
    readonly namespace: pulumi.Input<string>;
    readonly gateway: ServiceSpec;
    readonly ingress: IngressSettings;
    readonly labels: Record<string, string>;
}

/** The one way in from outside: an Ingress to the API Gateway (manual 2.1, "punto de entrada único"). */
export class GatewayIngress extends pulumi.ComponentResource {
    readonly ingress: k8s.networking.v1.Ingress;
    /** External URL, when a host is configured. */
    readonly url?: pulumi.Output<string>;

    constructor(name: string, args: GatewayIngressArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ecommerce:k8s:GatewayIngress", name, {}, opts);
        const { gateway, ingress } = args;
        this.ingress = new k8s.networking.v1.Ingress(
            gateway.name,
            {
                metadata: { name: gateway.name, namespace: args.namespace, labels: args.labels },
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
            { parent: this },
        );
        if (ingress.host) {
            this.url = pulumi.output(`${ingress.tlsSecretName ? "https" : "http"}://${ingress.host}`);
        }
        this.registerOutputs({ url: this.url });
    }
}
