/** Which observability tools run, with what images, sizes and alert thresholds; a section is undefined when off. */
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

/** A section is undefined when the stack turns it off. */
export interface ObservabilitySettings {
    readonly tracing?: { readonly sampleProbability: number; readonly zipkin: ToolSettings };
    readonly metrics?: {
        readonly retention: string;
        readonly alerts: AlertThresholds;
        readonly prometheus: StoredToolSettings;
        readonly grafana: StoredToolSettings;
    };
    readonly logging?: {
        readonly elasticsearch: StoredToolSettings & JvmToolSettings;
        readonly logstash: JvmToolSettings;
        readonly kibana: ToolSettings;
        readonly shipper: ToolSettings;
    };
}
