import * as pulumi from "@pulumi/pulumi";
import { Children } from "../shared/naming";
import { ZIPKIN } from "../../catalog/observability";
import { envVars } from "../shared/pod";
import { zipkinEnv } from "./tool-env";
import type { ToolSettings } from "../../settings";
import { ToolWorkload } from "./tool-workload";

export interface TracingArgs {
    readonly namespace: pulumi.Input<string>;
    readonly stack: string;
    readonly zipkin: ToolSettings;
    /** Keep traces in Elasticsearch (persistent) when the stack runs it; in memory otherwise. */
    readonly elasticsearch: boolean;
    readonly skipAwait: boolean;
}

/** Zipkin on 9411 (manual 4.2), where every service sends its Sleuth spans. */
export class Tracing extends pulumi.ComponentResource {
    readonly zipkin: ToolWorkload;

    constructor(name: string, args: TracingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ecommerce:k8s:Tracing", name, {}, opts);
        const zipkin = new Children(name, this).of(ZIPKIN.name);
        this.zipkin = new ToolWorkload(
            zipkin.name,
            {
                namespace: args.namespace,
                stack: args.stack,
                tool: ZIPKIN,
                settings: args.zipkin,
                uid: 1000,
                env: envVars(zipkinEnv(args.elasticsearch)),
                readinessPath: ZIPKIN.healthPath!,
                startupSeconds: 180,
                skipAwait: args.skipAwait,
            },
            zipkin.opts,
        );
        this.registerOutputs({});
    }
}
