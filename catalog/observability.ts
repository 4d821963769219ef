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

/** Every tool, for rules that look one up by workload name. */
export const TOOLS: readonly Tool[] = [ZIPKIN, PROMETHEUS, GRAFANA, KIBANA, ELASTICSEARCH, LOGSTASH];

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

/** Manual 10.2: what each alert severity means and how fast someone must answer. */
export const SLA = {
    P0: { meaning: "System down", response: "15 min" },
    P1: { meaning: "Critical functionality affected", response: "1 hour" },
    P2: { meaning: "Partial degradation", response: "4 hours" },
    P3: { meaning: "Minor issue", response: "1 business day" },
} as const;

export type Severity = keyof typeof SLA;

/** The label every scraped series carries, naming the catalog service it came from. */
export const SERVICE_LABEL = "service";
