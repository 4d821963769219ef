/**
 * Who may talk to whom, derived from the catalog and the stack's settings: the one source of
 * the network policies. Every edge says, in a comment, why it exists.
 */
import { POSTGRES, SERVICES, serviceSpec } from "../../catalog";
import { ALERTMANAGER, ELASTICSEARCH, GRAFANA, KIBANA, LOGSTASH, LEVELS, PROMETHEUS, ZIPKIN } from "../../catalog/observability";
import type { AlertingSettings, Settings } from "../../settings";
import { scrapedServices } from "../observability/prometheus-config";

/** A group of pods by the `app.kubernetes.io/name` they carry, in the stack's namespace unless said. */
export interface PodPeer {
    readonly pod: string;
    readonly namespace?: string;
}

/** Any pod of a namespace (the ingress controller's). */
export interface NamespacePeer {
    readonly namespace: string;
}

/** Addresses outside the cluster's pods: the API server, a Git host. */
export interface ExternalPeer {
    readonly external: string;
}

export type Peer = PodPeer | NamespacePeer | ExternalPeer;

export interface Edge {
    readonly from: PodPeer | NamespacePeer;
    readonly to: PodPeer | ExternalPeer;
    readonly port: number;
}

export const POSTGRES_CLIENT_JOBS = ["postgres-backup", "postgres-provision", "postgres-restore"] as const;
export const SMOKE_TEST = "smoke-test";
export const KIBANA_SETUP = "kibana-setup";
export const LOG_SHIPPER = "log-shipper";
/** The external peer that is the Kubernetes API server. */
export const API_SERVER = "kubernetes-api";
/** Ports the Kubernetes API server answers on (managed clusters 443, kubeadm and kind 6443). */
export const API_SERVER_PORTS = [443, 6443] as const;

/** The ports Alertmanager's configured receivers listen on: each URL's (443/80 by scheme) and the mail server's. */
export function receiverPorts(alerting: Pick<AlertingSettings, "receivers" | "smtp">): number[] {
    const ports = new Set<number>();
    for (const level of LEVELS) {
        const r = alerting.receivers[level];
        for (const { url } of [...r.slack, ...r.webhook]) {
            ports.add(portOf(url));
        }
        if (r.pagerduty.length > 0) {
            ports.add(443); // events.pagerduty.com
        }
        if (r.email.length > 0 && alerting.smtp) {
            ports.add(Number(alerting.smtp.smarthost.split(":").at(-1)));
        }
    }
    return [...ports].sort((a, b) => a - b);
}

/** The external peer that is the off-site backup store. */
export const BACKUP_STORE = "backup-store";

/** A URL's port: its own, or its scheme's. */
function portOf(url: string): number {
    const parsed = new URL(url);
    return parsed.port ? Number(parsed.port) : parsed.protocol === "https:" ? 443 : 80;
}

export function isPod(peer: Peer): peer is PodPeer {
    return "pod" in peer;
}

export function trafficEdges(settings: Settings, shipperNamespace: string): Edge[] {
    const edges: Edge[] = [];
    const add = (from: Edge["from"], to: Edge["to"], port: number) => edges.push({ from, to, port });
    const pod = (name: string): PodPeer => ({ pod: name });
    const { observability } = settings;

    if (settings.ingress) {
        const gateway = serviceSpec("api-gateway");
        // The ingress controller forwards outside traffic to the gateway.
        add({ namespace: settings.ingress.controllerNamespace }, pod(gateway.name), gateway.port);
    }
    for (const spec of SERVICES) {
        for (const target of new Set([...spec.calls, ...spec.startsAfter])) {
            // It calls the target, or waits for it to be ready before it starts.
            add(pod(spec.name), pod(target), serviceSpec(target).port);
        }
        if (spec.database) {
            // The service's own database.
            add(pod(spec.name), pod(POSTGRES.name), POSTGRES.port);
        }
        if (observability.tracing) {
            // The service sends its spans.
            add(pod(spec.name), pod(ZIPKIN.name), ZIPKIN.port);
        }
        if (settings.smokeTest) {
            // The smoke test checks its health.
            add(pod(SMOKE_TEST), pod(spec.name), spec.port);
        }
    }
    // cloud-config clones its configuration from a Git host over HTTPS, unless it serves files.
    if (settings.configServer.kind === "git") {
        add(pod("cloud-config"), { external: "git" }, 443);
    }
    for (const job of POSTGRES_CLIENT_JOBS) {
        // Jobs that dump, restore or provision the databases.
        add(pod(job), pod(POSTGRES.name), POSTGRES.port);
    }
    const offsite = settings.postgres.backup.offsite;
    if (offsite) {
        const port = portOf(offsite.endpoint);
        // The scheduled and the pre-upgrade backups (both postgres-backup pods) upload each dump.
        add(pod("postgres-backup"), { external: BACKUP_STORE }, port);
        if (settings.postgres.restoreFrom?.from === "offsite") {
            // A restore from the store fetches the backup it restores.
            add(pod("postgres-restore"), { external: BACKUP_STORE }, port);
        }
    }
    if (observability.metrics) {
        for (const spec of scrapedServices()) {
            // Prometheus scrapes the service's metrics.
            add(pod(PROMETHEUS.name), pod(spec.name), spec.port);
        }
        for (const port of API_SERVER_PORTS) {
            // Prometheus discovers pods through the API server.
            add(pod(PROMETHEUS.name), { external: API_SERVER }, port);
        }
    }
    if (observability.metrics?.grafana) {
        // Grafana reads metrics.
        add(pod(GRAFANA.name), pod(PROMETHEUS.name), PROMETHEUS.port);
        if (observability.logging) {
            // Grafana reads logs.
            add(pod(GRAFANA.name), pod(ELASTICSEARCH.name), ELASTICSEARCH.port);
        }
        if (observability.tracing) {
            // Grafana reads traces.
            add(pod(GRAFANA.name), pod(ZIPKIN.name), ZIPKIN.port);
        }
    }
    if (observability.alerting) {
        // Prometheus sends firing alerts.
        add(pod(PROMETHEUS.name), pod(ALERTMANAGER.name), ALERTMANAGER.port);
        for (const port of receiverPorts(observability.alerting)) {
            // Alertmanager notifies the support levels.
            add(pod(ALERTMANAGER.name), { external: "alert-receivers" }, port);
        }
    }
    if (observability.logging) {
        if (observability.tracing) {
            // Zipkin stores traces.
            add(pod(ZIPKIN.name), pod(ELASTICSEARCH.name), ELASTICSEARCH.port);
        }
        // Logstash indexes logs.
        add(pod(LOGSTASH.name), pod(ELASTICSEARCH.name), ELASTICSEARCH.port);
        // Kibana queries logs.
        add(pod(KIBANA.name), pod(ELASTICSEARCH.name), ELASTICSEARCH.port);
        // The setup Job creates Kibana's data view and saved searches.
        add(pod(KIBANA_SETUP), pod(KIBANA.name), KIBANA.port);
        const shipper = { pod: LOG_SHIPPER, namespace: shipperNamespace };
        // The shipper sends container logs.
        add(shipper, pod(LOGSTASH.name), LOGSTASH.port);
        for (const port of API_SERVER_PORTS) {
            // The shipper reads pod metadata.
            add(shipper, { external: API_SERVER }, port);
        }
    }
    return edges;
}
