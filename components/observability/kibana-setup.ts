import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Children } from "../shared/naming";
import { KIBANA_SETUP } from "../network/traffic";
import { scriptJob, type ScriptJobPlacement } from "../shared/script-job";
import { KIBANA_SETUP_DIR, kibanaSetup } from "./kibana-objects";

/** `after`: Kibana's workload; `image` needs sh, wget and timeout. */
export type KibanaSetupArgs = ScriptJobPlacement;

/**
 * A Job that gives Kibana the data view and saved searches of manual 4.3, through its API.
 * Idempotent; a change to what it creates changes the pod template, which replaces the Job
 * so it runs again.
 */
export class KibanaSetup extends pulumi.ComponentResource {
    readonly job: k8s.batch.v1.Job;

    constructor(name: string, args: KibanaSetupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ecommerce:k8s:KibanaSetup", name, {}, opts);
        const { files, script } = kibanaSetup();
        this.job = scriptJob(
            {
                ...args,
                name: KIBANA_SETUP,
                component: "observability",
                script,
                files,
                filesDir: KIBANA_SETUP_DIR,
                backoffLimit: 3,
                // Kibana may take minutes to start on a small node.
                deadlineSeconds: 900,
            },
            new Children(name, this),
        );
        this.registerOutputs({});
    }
}
