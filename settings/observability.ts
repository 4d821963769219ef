/** Which observability tools run, with what images, sizes and alert thresholds; a section is undefined when off. */
import type { SupportLevel } from "../catalog/observability";
import type { Resources } from "./resources";

export interface ToolSettings {
    readonly image: string;
    readonly resources: Resources;
}

export interface StoredToolSettings extends ToolSettings {
    readonly storageSize: string;
    readonly storageClass?: string;
}

export interface JvmToolSettings extends ToolSettings {
    /** -Xms/-Xmx for the tool's JVM, e.g. "1g". */
    readonly heapSize: string;
}

export interface AlertThresholds {
    readonly errorRate: number;
    readonly latencyP95Seconds: number;
    readonly heapUsedRatio: number;
}

/** Where one support level is notified; every list may be empty. Credentials are plain text here, secret everywhere they go. */
export interface LevelReceivers {
    readonly email: readonly string[];
    readonly slack: readonly { readonly url: string; readonly channel?: string }[];
    readonly pagerduty: readonly { readonly routingKey: string }[];
    readonly webhook: readonly { readonly url: string }[];
}

/** The mail server email receivers send through. */
export interface Smtp {
    readonly smarthost: string;
    readonly from: string;
    readonly username?: string;
    readonly password?: string;
    readonly requireTls: boolean;
}

export interface AlertingSettings {
    readonly alertmanager: StoredToolSettings;
    readonly receivers: Readonly<Record<SupportLevel, LevelReceivers>>;
    readonly smtp?: Smtp;
}

/** A section is undefined when the stack turns it off. */
export interface ObservabilitySettings {
    readonly tracing?: { readonly sampleProbability: number; readonly zipkin: ToolSettings };
    readonly metrics?: {
        readonly retention: string;
        readonly alerts: AlertThresholds;
        readonly prometheus: StoredToolSettings;
        /** Undefined when metrics.grafana.enabled is false: Prometheus without dashboards. */
        readonly grafana?: StoredToolSettings;
    };
    /** Alertmanager and who it notifies; only with metrics, whose alerts it routes. */
    readonly alerting?: AlertingSettings;
    readonly logging?: {
        readonly elasticsearch: StoredToolSettings & JvmToolSettings;
        readonly logstash: JvmToolSettings;
        readonly kibana: ToolSettings;
        readonly shipper: ToolSettings;
    };
}
