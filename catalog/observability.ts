/**
 * The manual's observability facts (sections 2.2, 4.2, 4.3 and 10.2): the tools, their
 * ports, the PromQL queries operators run, the fields their Kibana queries use, and the SLA
 * levels alerts map to.
 */

export interface Tool {
    /** Kubernetes name of the Service (and workload). */
    readonly name: string;
    readonly title: string;
    readonly port: number;
    /** Its own health endpoint, when it has one on its port. */
    readonly healthPath?: string;
    /**
     * Tools whose outage that endpoint reports as its own: fine for readiness, wrong for
     * liveness, where it would restart a healthy process whenever the other one is down.
     */
    readonly healthReports?: readonly string[];
}

export const ZIPKIN: Tool = { name: "zipkin", title: "Zipkin", port: 9411, healthPath: "/health", healthReports: ["elasticsearch"] };
export const PROMETHEUS: Tool = { name: "prometheus", title: "Prometheus", port: 9090 };
export const GRAFANA: Tool = { name: "grafana", title: "Grafana", port: 3000 };
export const KIBANA: Tool = { name: "kibana", title: "Kibana", port: 5601, healthPath: "/api/status", healthReports: ["elasticsearch"] };
/** Not in the manual's list of URLs, but what Kibana, Logstash and Grafana read. */
export const ELASTICSEARCH: Tool = { name: "elasticsearch", title: "Elasticsearch", port: 9200 };
/** Where the log shipper delivers (the Beats protocol). */
export const LOGSTASH: Tool = { name: "logstash", title: "Logstash", port: 5044 };
/** Not in the manual either: what turns Prometheus' alerts into notifications (9.3, "Detección"). */
export const ALERTMANAGER: Tool = { name: "alertmanager", title: "Alertmanager", port: 9093 };

/** Every tool, for rules that look one up by workload name. */
export const TOOLS: readonly Tool[] = [ZIPKIN, PROMETHEUS, GRAFANA, KIBANA, ELASTICSEARCH, LOGSTASH, ALERTMANAGER];

/** The log shipper runs beside a stack's namespace, in `<namespace>-logging`. */
export const LOGGING_SUFFIX = "-logging";

/** Manual 4.2, "Consultas Prometheus Útiles", verbatim. */
export const MANUAL_QUERIES = [
    { id: "cpu", title: "CPU", expr: "rate(process_cpu_usage[5m])", unit: "percentunit" },
    { id: "heap", title: "Heap used", expr: 'jvm_memory_used_bytes{area="heap"}', unit: "bytes" },
    { id: "requests", title: "Request rate", expr: "rate(http_server_requests_seconds_count[5m])", unit: "reqps" },
    { id: "errors", title: "Error rate", expr: 'rate(http_server_requests_seconds_count{status=~"5.."}[5m])', unit: "reqps" },
    { id: "latency", title: "Latency P95", expr: "histogram_quantile(0.95, rate(http_server_requests_seconds_bucket[5m]))", unit: "s" },
] as const;

/** Manual 4.3: the fields the Kibana queries filter on. */
export const LOG_FIELDS = { level: "level", service: "service.name", correlation: "correlation_id", time: "@timestamp" } as const;

/**
 * Manual 10.2: what each alert severity means and how fast someone must answer; `within` is
 * that response time as a duration (one business day read as 24h: Alertmanager knows no
 * business hours).
 */
export const SLA = {
    P0: { meaning: "System down", response: "15 min", within: "15m" },
    P1: { meaning: "Critical functionality affected", response: "1 hour", within: "1h" },
    P2: { meaning: "Partial degradation", response: "4 hours", within: "4h" },
    P3: { meaning: "Minor issue", response: "1 business day", within: "24h" },
} as const;

export type Severity = keyof typeof SLA;

/** Every severity, P0 first. */
export const SEVERITIES = Object.keys(SLA) as Severity[];

/** Manual 10.1: who answers. */
export const SUPPORT_LEVELS = {
    L1: { team: "DevOps", scope: "basic operations, monitoring" },
    L2: { team: "SRE", scope: "advanced troubleshooting, performance tuning" },
    L3: { team: "Development", scope: "architectural changes, critical bugs" },
} as const;

export type SupportLevel = keyof typeof SUPPORT_LEVELS;

/** Every support level, L1 first. */
export const LEVELS = Object.keys(SUPPORT_LEVELS) as SupportLevel[];

/**
 * Which levels each severity reaches, read from 10.1's scopes: L1 monitors everything; L2
 * troubleshoots and tunes performance (outages, errors, latency); L3 fixes critical bugs
 * (outages and critical functionality).
 */
export const ESCALATION: Readonly<Record<Severity, readonly SupportLevel[]>> = {
    P0: ["L1", "L2", "L3"],
    P1: ["L1", "L2", "L3"],
    P2: ["L1", "L2"],
    P3: ["L1"],
};

/** The label every scraped series carries, naming the catalog service it came from. */
export const SERVICE_LABEL = "service";
