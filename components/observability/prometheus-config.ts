/**
 * Prometheus configuration generated from the catalog: one scrape job per service that
 * exposes metrics, on its real metrics path, and the SLA alert rules of manual 10.2.
 * Adding a service to the catalog adds its job and its alerts.
 */
import { SERVICES, actuatorPath, type ServiceSpec } from "../../catalog";
import { ALERTMANAGER, PROMETHEUS, SERVICE_LABEL, SLA, type Severity } from "../../catalog/observability";
import type { AlertThresholds } from "../../settings";

export const CONFIG_DIR = "/etc/prometheus";
export const RULES_FILE = "alerts.yml";

/** Services Prometheus scrapes; proxy-client's actuator needs the ADMIN role and is left out on purpose. */
export function scrapedServices(): readonly ServiceSpec[] {
    return SERVICES.filter((s) => s.metricsScrapeable);
}

/** How Prometheus finds a service's instances: the Kubernetes API, or one container on a Docker network. */
export type Discovery = { readonly kind: "kubernetes"; readonly namespace: string } | { readonly kind: "static" };

export function scrapeJob(spec: ServiceSpec, discovery: Discovery): Record<string, unknown> {
    const common = { job_name: spec.name, metrics_path: actuatorPath(spec, "metrics") };
    if (discovery.kind === "static") {
        return { ...common, static_configs: [{ targets: [`${spec.name}:${spec.port}`], labels: { [SERVICE_LABEL]: spec.name } }] };
    }
    return {
        ...common,
        kubernetes_sd_configs: [{ role: "pod", namespaces: { names: [discovery.namespace] } }],
        relabel_configs: [
            // Every pod of the service, found through the API, not one pod behind the Service.
            { source_labels: ["__meta_kubernetes_pod_label_app_kubernetes_io_name"], regex: spec.name, action: "keep" },
            { source_labels: ["__meta_kubernetes_pod_container_port_name"], regex: "http", action: "keep" },
            { source_labels: ["__meta_kubernetes_pod_phase"], regex: "Running", action: "keep" },
            { target_label: SERVICE_LABEL, replacement: spec.name },
            { source_labels: ["__meta_kubernetes_pod_name"], target_label: "pod" },
            { source_labels: ["__meta_kubernetes_namespace"], target_label: "namespace" },
        ],
    };
}

/** `alerting`: whether Alertmanager runs beside Prometheus (under its catalog name, on either target). */
export function prometheusConfig(discovery: Discovery, instance: string, alerting: boolean): Record<string, unknown> {
    return {
        global: { scrape_interval: "30s", evaluation_interval: "30s", external_labels: { namespace: instance } },
        rule_files: [`${CONFIG_DIR}/${RULES_FILE}`],
        ...(alerting ? { alerting: { alertmanagers: [{ static_configs: [{ targets: [`${ALERTMANAGER.name}:${ALERTMANAGER.port}`] }] }] } } : {}),
        scrape_configs: [
            { job_name: PROMETHEUS.name, static_configs: [{ targets: [`localhost:${PROMETHEUS.port}`] }] },
            ...scrapedServices().map((s) => scrapeJob(s, discovery)),
        ],
    };
}

/** The runbook, as the repository holds it: each alert links to the procedure that answers it. */
export const RUNBOOK = "docs/operations.md";

/** The runbook sections alerts point at, by the manual's section number (GitHub-style anchors). */
export const RUNBOOK_SECTIONS = {
    "5.1": "#51-common-problems",
    "9.3": "#93-incident-response",
} as const;

function alert(
    name: string,
    severity: Severity,
    expr: string,
    forDuration: string,
    summary: string,
    procedure: keyof typeof RUNBOOK_SECTIONS,
    extraLabels: Record<string, string> = {},
) {
    return {
        alert: name,
        expr,
        for: forDuration,
        labels: { severity, ...extraLabels },
        annotations: {
            summary,
            description: `${SLA[severity].meaning}: respond within ${SLA[severity].response} (manual 10.2); procedure: manual ${procedure}, then incident response (9.3).`,
            runbook_url: `${RUNBOOK}${RUNBOOK_SECTIONS[procedure]}`,
        },
    };
}

/** The alerts, by what they watch: one outage and the symptoms it would also cause. */
export const ALERT_NAMES = {
    down: "ServiceDown",
    errors: "HighErrorRate",
    latency: "HighLatencyP95",
    heap: "HeapPressure",
} as const;

/** A service that is down also errs, slows and may hold its heap: those alerts add nothing while it is. */
export const OUTAGE = { alert: ALERT_NAMES.down, symptoms: [ALERT_NAMES.errors, ALERT_NAMES.latency, ALERT_NAMES.heap] } as const;

/** Manual 10.2's levels: P0 a service down, P1 errors, P2 latency, P3 heap pressure. */
export function alertRules(thresholds: AlertThresholds): Record<string, unknown> {
    const services = scrapedServices().map((s) => s.name);
    const all = `${SERVICE_LABEL}=~"${services.join("|")}"`;
    const requests = "http_server_requests_seconds";
    return {
        groups: [
            {
                name: "ecommerce-p0-service-down",
                rules: services.map((name) =>
                    alert(
                        ALERT_NAMES.down,
                        "P0",
                        `max(up{${SERVICE_LABEL}="${name}"}) == 0 or absent(up{${SERVICE_LABEL}="${name}"})`,
                        "2m",
                        `${name} has no instance answering on its metrics endpoint`,
                        "5.1",
                        { [SERVICE_LABEL]: name },
                    ),
                ),
            },
            {
                name: "ecommerce-sla",
                rules: [
                    alert(
                        ALERT_NAMES.errors,
                        "P1",
                        `sum by (${SERVICE_LABEL}) (rate(${requests}_count{status=~"5..",${all}}[5m])) / sum by (${SERVICE_LABEL}) (rate(${requests}_count{${all}}[5m])) > ${thresholds.errorRate}`,
                        "5m",
                        `{{ $labels.${SERVICE_LABEL} }} answers more than ${thresholds.errorRate * 100}% of requests with 5xx`,
                        "5.1",
                    ),
                    alert(
                        ALERT_NAMES.latency,
                        "P2",
                        `histogram_quantile(0.95, sum by (${SERVICE_LABEL}, le) (rate(${requests}_bucket{${all}}[5m]))) > ${thresholds.latencyP95Seconds}`,
                        "10m",
                        `{{ $labels.${SERVICE_LABEL} }} P95 latency above ${thresholds.latencyP95Seconds}s`,
                        "5.1",
                    ),
                    alert(
                        ALERT_NAMES.heap,
                        "P3",
                        `sum by (${SERVICE_LABEL}) (jvm_memory_used_bytes{area="heap",${all}}) / sum by (${SERVICE_LABEL}) (jvm_memory_max_bytes{area="heap",${all}} > 0) > ${thresholds.heapUsedRatio}`,
                        "15m",
                        `{{ $labels.${SERVICE_LABEL} }} uses more than ${thresholds.heapUsedRatio * 100}% of its maximum heap`,
                        "5.1",
                    ),
                ],
            },
        ],
    };
}
