/** Resolves the `observability` key: which tools run, with what images, sizes and alert thresholds. */
import { parseJvmSize } from "../lib/durations";
import { parseMemory } from "../lib/quantity";
import { OBSERVABILITY_DEFAULTS } from "./defaults";
import type { ObservabilitySettings, StoredToolSettings, ToolSettings } from "../settings/observability";
import type { Resources } from "../settings/resources";
import { checkResources, mergeResources } from "./resources";
import type { AlertingSettings } from "../settings/observability";
import type { ObservabilityOverride, ResourcesOverride } from "./schema";

type Key = (...path: string[]) => string;

interface ToolOverride {
    readonly image?: string;
    readonly resources?: ResourcesOverride;
    readonly storageSize?: string;
    readonly storageClass?: string;
    readonly heapSize?: string;
}

interface ToolDefaults {
    readonly image: string;
    readonly resources: Resources;
    readonly storageSize?: string;
    readonly storageClass?: string;
    readonly heapSize?: string;
}

/** `receivers`: the resolved `alertReceivers` key, which Alertmanager gets when it runs. */
export function resolveObservability(
    override: ObservabilityOverride,
    key: Key,
    problems: string[],
    receivers: Pick<AlertingSettings, "receivers" | "smtp">,
): ObservabilitySettings {
    const d = OBSERVABILITY_DEFAULTS;
    const tool = (defaults: ToolDefaults, given: ToolOverride | undefined, path: string[]): ToolSettings => {
        const resources = mergeResources(defaults.resources, given?.resources);
        checkResources(resources, given?.resources, [...path, "resources"], key, problems);
        return { image: given?.image ?? defaults.image, resources };
    };
    const stored = (defaults: ToolDefaults, given: ToolOverride | undefined, path: string[]): StoredToolSettings => ({
        ...tool(defaults, given, path),
        storageSize: given?.storageSize ?? defaults.storageSize ?? "",
        storageClass: (given?.storageClass ?? defaults.storageClass) || undefined,
    });
    const heap = (defaults: ToolDefaults, given: ToolOverride | undefined, resources: Resources, path: string[]): string => {
        const size = given?.heapSize ?? defaults.heapSize ?? "";
        checkHeap(size, resources.limits.memory, key(...path, "heapSize"), problems);
        return size;
    };

    const tracing = { ...d.tracing, ...override.tracing };
    const metrics = { ...d.metrics, ...override.metrics };
    const logging = { ...d.logging, ...override.logging };
    const alerting = { ...d.alerting, ...override.alerting };
    const at = (...path: string[]) => ["observability", ...path];
    if (override.alerting?.enabled === true && !metrics.enabled) {
        problems.push(`${key("observability", "alerting", "enabled")}: Alertmanager routes Prometheus' alerts, so it needs ${key("observability", "metrics", "enabled")}: true; turn metrics on or alerting off`);
    }
    if (!logging.enabled) {
        return { tracing: resolveTracing(), metrics: resolveMetrics(), alerting: resolveAlerting() };
    }
    const es = stored(d.logging.elasticsearch, override.logging?.elasticsearch, at("logging", "elasticsearch"));
    const ls = tool(d.logging.logstash, override.logging?.logstash, at("logging", "logstash"));
    return {
        tracing: resolveTracing(),
        metrics: resolveMetrics(),
        alerting: resolveAlerting(),
        logging: {
            elasticsearch: { ...es, heapSize: heap(d.logging.elasticsearch, override.logging?.elasticsearch, es.resources, at("logging", "elasticsearch")) },
            logstash: { ...ls, heapSize: heap(d.logging.logstash, override.logging?.logstash, ls.resources, at("logging", "logstash")) },
            kibana: tool(d.logging.kibana, override.logging?.kibana, at("logging", "kibana")),
            shipper: tool(d.logging.shipper, override.logging?.shipper, at("logging", "shipper")),
        },
    };

    function resolveTracing(): ObservabilitySettings["tracing"] {
        return tracing.enabled
            ? { sampleProbability: tracing.sampleProbability, zipkin: tool(d.tracing.zipkin, override.tracing?.zipkin, at("tracing", "zipkin")) }
            : undefined;
    }

    function resolveMetrics(): ObservabilitySettings["metrics"] {
        return metrics.enabled
            ? {
                  retention: metrics.retention,
                  alerts: { ...d.metrics.alerts, ...override.metrics?.alerts },
                  prometheus: stored(d.metrics.prometheus, override.metrics?.prometheus, at("metrics", "prometheus")),
                  ...(override.metrics?.grafana?.enabled === false ? {} : { grafana: stored(d.metrics.grafana, override.metrics?.grafana, at("metrics", "grafana")) }),
              }
            : undefined;
    }

    function resolveAlerting(): ObservabilitySettings["alerting"] {
        return alerting.enabled && metrics.enabled
            ? { alertmanager: stored(d.alerting.alertmanager, override.alerting?.alertmanager, at("alerting", "alertmanager")), ...receivers }
            : undefined;
    }
}

/** A JVM heap must leave room for the rest of the process inside the container's limit. */
function checkHeap(heap: string, limit: string, at: string, problems: string[]): void {
    const bytes = parseJvmSize(heap) ?? 0;
    const max = (parseMemory(limit) ?? 0) * 0.75;
    if (bytes > max) {
        problems.push(`${at}: heap ${heap} leaves too little of the ${limit} memory limit for the rest of the JVM; use at most 75% of it`);
    }
}
