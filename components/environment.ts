import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Children } from "./shared/naming";
import { PART_OF } from "./shared/labels";

export interface EnvironmentArgs {
    /** The stack's namespace: `dev`, `prod`, as in the manual's `-n dev`. */
    readonly namespace: string;
    /** Pod Security Standard enforced on the namespace. */
    readonly podSecurity: "privileged" | "baseline" | "restricted";
    /** kubeconfig context; undefined uses the current one. */
    readonly kubeContext?: string;
    /** Refuse `pulumi destroy` and replacement of the namespace (production data lives in it). */
    readonly protect: boolean;
}

/**
 * Where a stack lives: its Namespace, labelled for Pod Security admission, and a
 * Kubernetes provider bound to it. Everything else in the stack is declared through
 * `provider`, so nothing lands in `default` by accident.
 */
export class Environment extends pulumi.ComponentResource {
    readonly namespace: pulumi.Output<string>;
    readonly provider: k8s.Provider;

    constructor(name: string, args: EnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ecommerce:k8s:Environment", name, {}, opts);

        // The program is the source of truth: a field someone changed by hand (kubectl scale,
        // edit, rollout undo) is taken back on the next up, and shows as a change in preview,
        // instead of failing both with a server-side apply conflict. An object that exists but
        // that the state does not know (an up killed between creating it and recording it) is
        // adopted on the next up instead of failing it with "already exists".
        const children = new Children(name, this);
        const provider = children.main(name);
        this.provider = new k8s.Provider(
            provider.name,
            { context: args.kubeContext, namespace: args.namespace, enablePatchForce: true, upsertExistingObjects: true },
            provider.opts,
        );
        // Named after the environment; releases before named it after the namespace.
        const space = children.main(args.namespace);
        const namespace = new k8s.core.v1.Namespace(
            space.name,
            {
                metadata: {
                    name: args.namespace,
                    labels: {
                        "app.kubernetes.io/part-of": PART_OF,
                        "app.kubernetes.io/managed-by": "pulumi",
                        "pod-security.kubernetes.io/enforce": args.podSecurity,
                        // Warn and audit at the strictest level even when enforcement is relaxed.
                        "pod-security.kubernetes.io/warn": "restricted",
                        "pod-security.kubernetes.io/audit": "restricted",
                    },
                },
            },
            { ...space.opts, provider: this.provider, protect: args.protect },
        );
        // Read from the Namespace, so whatever is placed in it waits for it to exist.
        this.namespace = namespace.metadata.name;
        this.registerOutputs({ namespace: this.namespace });
    }
}
