import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KIBANA } from "../../catalog/observability";
import { KIBANA_SETUP } from "../network/traffic";
import { scriptJob } from "../shared/script-job";
import { kibanaRequests, kibanaSetupScript } from "./kibana-objects";

const DIR = "/setup";

export interface KibanaSetupArgs {
    readonly namespace: pulumi.Input<string>;
    readonly stack: string;
    /** An image with sh and wget (the stack's waitImage). */
    readonly image: string;
    readonly skipAwait: boolean;
    /** Kibana's workload: the Job runs once it is declared (and, when awaited, ready). */
    readonly after: readonly pulumi.Resource[];
}

/**
 * A Job that gives Kibana the data view and saved searches of manual 4.3, through its API.
 * Idempotent; a change to what it creates changes the pod template, which replaces the Job
 * so it runs again.
 */
export class KibanaSetup extends pulumi.ComponentResource {
    readonly job: k8s.batch.v1.Job;

    constructor(name: string, args: KibanaSetupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ecommerce:k8s:KibanaSetup", name, {}, opts);
        const requests = kibanaRequests();
        this.job = scriptJob(
            {
                name: KIBANA_SETUP,
                component: "observability",
                namespace: args.namespace,
                stack: args.stack,
                image: args.image,
                script: kibanaSetupScript(`http://${KIBANA.name}:${KIBANA.port}`, DIR, requests),
                files: Object.fromEntries(requests.map((r) => [r.file, JSON.stringify(r.body, null, 2)])),
                filesDir: DIR,
                backoffLimit: 3,
                // Kibana may take minutes to start on a small node.
                deadlineSeconds: 900,
                skipAwait: args.skipAwait,
                after: args.after,
            },
            this,
        );
        this.registerOutputs({});
    }
}
