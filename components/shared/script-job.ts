import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ownAccount } from "./identity";
import type { Children } from "./naming";
import { standardLabels } from "./labels";
import { awaitAnnotations, restrictedContainerSecurity, restrictedPodSecurity, withScratch } from "./pod";
import { shortDigest } from "./secret-digest";

/** What a component built on scriptJob takes from the stack. */
export interface ScriptJobPlacement {
    readonly namespace: pulumi.Input<string>;
    readonly stack: string;
    /** An image with sh and what the script calls (the stack's waitImage). */
    readonly image: string;
    readonly skipAwait: boolean;
    /** It runs once these are declared (and, when awaited, ready). */
    readonly after: readonly pulumi.Resource[];
}

export interface ScriptJobArgs extends ScriptJobPlacement {
    /** Name of the Job, its pods' group (for the network policy), ServiceAccount and ConfigMap. */
    readonly name: string;
    readonly component: string;
    readonly script: string;
    /** What a new run is owed to besides the script and files: a change replaces the Job, which runs again. */
    readonly revision?: readonly string[];
    /** Files the script reads, from a ConfigMap of the Job's name mounted at `filesDir`. */
    readonly files?: Readonly<Record<string, string>>;
    readonly filesDir?: string;
    readonly backoffLimit: number;
    readonly deadlineSeconds: number;
}

/**
 * A Job that runs one shell script in a small restricted container under its own
 * ServiceAccount; pulumi up waits for it (unless skipAwait) and fails when it fails.
 */
export function scriptJob(args: ScriptJobArgs, owner: Children): k8s.batch.v1.Job {
    const labels = standardLabels({ name: args.name, component: args.component, instance: args.stack });
    // Account, files and Job share the Job's name in the namespace (each its own kind).
    const child = owner.main(args.name);
    const account = ownAccount(args.name, args.namespace, labels, child);
    const files = args.files
        ? [new k8s.core.v1.ConfigMap(child.name, { metadata: { name: args.name, namespace: args.namespace, labels }, data: { ...args.files } }, child.opts)]
        : [];
    const mount = args.files ? { name: "files", mountPath: args.filesDir ?? "/files" } : undefined;
    const revision = shortDigest([...(args.revision ?? []), args.script, ...Object.values(args.files ?? {})]);
    return new k8s.batch.v1.Job(
        child.name,
        {
            metadata: { name: args.name, namespace: args.namespace, labels, annotations: awaitAnnotations(args.skipAwait) },
            spec: {
                backoffLimit: args.backoffLimit,
                activeDeadlineSeconds: args.deadlineSeconds,
                template: {
                    metadata: { labels, annotations: { "ecommerce.io/revision": revision } },
                    spec: {
                        restartPolicy: "Never",
                        serviceAccountName: account.metadata.name,
                        automountServiceAccountToken: false,
                        securityContext: restrictedPodSecurity(),
                        containers: [
                            {
                                name: args.name,
                                image: args.image,
                                command: ["sh", "-c", args.script],
                                resources: withScratch({ requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "32Mi" } }),
                                securityContext: restrictedContainerSecurity(),
                                ...(mount ? { volumeMounts: [{ ...mount, readOnly: true }] } : {}),
                            },
                        ],
                        ...(mount ? { volumes: [{ name: mount.name, configMap: { name: args.name } }] } : {}),
                    },
                },
            },
        },
        { ...child.opts, dependsOn: [account, ...files, ...args.after], deleteBeforeReplace: true },
    );
}
