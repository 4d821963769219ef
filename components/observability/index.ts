import * as pulumi from "@pulumi/pulumi";
import { Children } from "../shared/naming";
import { serviceSpec } from "../../catalog";
import { ALERTMANAGER, GRAFANA, KIBANA, PROMETHEUS, ZIPKIN, type Tool } from "../../catalog/observability";
import type { ObservabilitySettings } from "../../settings";
import { Alerting } from "./alerting";
import { Logging } from "./logging";
import { Metrics } from "./metrics";
import { Tracing } from "./tracing";

export interface ObservabilityArgs {
    readonly namespaceName: string;
    readonly namespace: pulumi.Input<string>;
    readonly stack: string;
    readonly settings: ObservabilitySettings;
    readonly skipAwait: boolean;
    readonly secretsRotation: number;
    /** An image with sh and wget, for setup Jobs (the stack's waitImage). */
    readonly toolImage: string;
}

/**
 * The manual's section 4 tooling, each part optional per stack: tracing (Zipkin), metrics
 * (Prometheus, Grafana, Alertmanager) and logs (Elasticsearch, Logstash, Kibana, a log shipper).
 */
export class Observability extends pulumi.ComponentResource {
    /** For each tool of manual 4.2 that runs: the command that makes it reachable on its manual URL. */
    readonly access: Record<string, string>;
    readonly grafanaAdminPassword?: pulumi.Output<string>;

    constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ecommerce:k8s:Observability", name, {}, opts);
        const { settings } = args;
        const common = { namespaceName: args.namespaceName, namespace: args.namespace, stack: args.stack, skipAwait: args.skipAwait };
        const children = new Children(name, this);
        const loggingChild = children.of("logging");
        const tracingChild = children.of("tracing");
        const metricsChild = children.of("metrics");
        const alertingChild = children.of("alerting");
        const logging = settings.logging
            ? new Logging(loggingChild.name, { ...common, settings: settings.logging, setupImage: args.toolImage }, loggingChild.opts)
            : undefined;
        if (settings.tracing) {
            new Tracing(tracingChild.name, { ...common, zipkin: settings.tracing.zipkin, elasticsearch: logging !== undefined }, tracingChild.opts);
        }
        if (settings.metrics) {
            const metrics = new Metrics(
                metricsChild.name,
                {
                    ...common,
                    settings: settings.metrics,
                    tracing: settings.tracing !== undefined,
                    logging: logging !== undefined,
                    alerting: settings.alerting !== undefined,
                    secretsRotation: args.secretsRotation,
                },
                metricsChild.opts,
            );
            this.grafanaAdminPassword = metrics.grafanaAdminPassword;
        }

        const forward = (tool: Tool) =>
            `kubectl port-forward -n ${args.namespaceName} svc/${tool.name} ${tool.port}:${tool.port}  # then http://localhost:${tool.port}`;
        if (settings.alerting) {
            new Alerting(alertingChild.name, { ...common, settings: settings.alerting, access: forward(ALERTMANAGER) }, alertingChild.opts);
        }

        const discovery = serviceSpec("service-discovery");
        const tools: [string, Tool, boolean][] = [
            ["Service Discovery", { name: discovery.name, title: discovery.title, port: discovery.port }, true],
            [PROMETHEUS.title, PROMETHEUS, settings.metrics !== undefined],
            [GRAFANA.title, GRAFANA, settings.metrics?.grafana !== undefined],
            [ZIPKIN.title, ZIPKIN, settings.tracing !== undefined],
            [KIBANA.title, KIBANA, settings.logging !== undefined],
            [ALERTMANAGER.title, ALERTMANAGER, settings.alerting !== undefined],
        ];
        this.access = Object.fromEntries(
            tools
                .filter(([, , running]) => running)
                .map(([title, tool]) => [title, forward(tool)]),
        );
        this.registerOutputs({ access: this.access });
    }
}
