/**
 * Who may talk to whom, derived from the catalog and the stack's settings: the one source of
 * the network policies. Every edge says why it exists.
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
    readonly why: string;
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
    const add = (from: Edge["from"], to: Edge["to"], port: number, why: string) => edges.push({ from, to, port, why });
    const pod = (name: string): PodPeer => ({ pod: name });
    const { observability } = settings;

    if (settings.ingress) {
        const gateway = serviceSpec("api-gateway");
        add({ namespace: settings.ingress.controllerNamespace }, pod(gateway.name), gateway.port, "the ingress controller forwards outside traffic");
    }
    for (const spec of SERVICES) {
        for (const target of new Set([...spec.calls, ...spec.startsAfter])) {
            const why = spec.calls.includes(target) ? "calls it" : "waits for it to be ready";
            add(pod(spec.name), pod(target), serviceSpec(target).port, why);
        }
        if (spec.database) {
            add(pod(spec.name), pod(POSTGRES.name), POSTGRES.port, "owns a database");
        }
        if (observability.tracing) {
            add(pod(spec.name), pod(ZIPKIN.name), ZIPKIN.port, "sends spans");
        }
        if (settings.smokeTest) {
            add(pod(SMOKE_TEST), pod(spec.name), spec.port, "checks its health");
        }
    }
    // cloud-config clones its configuration from a Git host over HTTPS, unless it serves files.
    if (settings.configServer.kind === "git") {
        add(pod("cloud-config"), { external: "git" }, 443, "clones its configuration repository");
    }
    for (const job of POSTGRES_CLIENT_JOBS) {
        add(pod(job), pod(POSTGRES.name), POSTGRES.port, "dumps, restores or provisions databases");
    }
    const offsite = settings.postgres.backup.offsite;
    if (offsite) {
        const port = portOf(offsite.endpoint);
        // The scheduled and the pre-upgrade backups (both postgres-backup pods) upload each dump.
        add(pod("postgres-backup"), { external: BACKUP_STORE }, port, "copies each backup off-site");
        if (settings.postgres.restoreFrom?.from === "offsite") {
            add(pod("postgres-restore"), { external: BACKUP_STORE }, port, "fetches the backup it restores");
        }
    }
    if (observability.metrics) {
        for (const spec of scrapedServices()) {
            add(pod(PROMETHEUS.name), pod(spec.name), spec.port, "scrapes its metrics");
        }
        for (const port of API_SERVER_PORTS) {
            add(pod(PROMETHEUS.name), { external: API_SERVER }, port, "discovers pods");
        }
        add(pod(GRAFANA.name), pod(PROMETHEUS.name), PROMETHEUS.port, "reads metrics");
        if (observability.logging) {
            add(pod(GRAFANA.name), pod(ELASTICSEARCH.name), ELASTICSEARCH.port, "reads logs");
        }
        if (observability.tracing) {
            add(pod(GRAFANA.name), pod(ZIPKIN.name), ZIPKIN.port, "reads traces");
        }
    }
    if (observability.alerting) {
        add(pod(PROMETHEUS.name), pod(ALERTMANAGER.name), ALERTMANAGER.port, "sends firing alerts");
        for (const port of receiverPorts(observability.alerting)) {
            add(pod(ALERTMANAGER.name), { external: "alert-receivers" }, port, "notifies the support levels");
        }
    }
    if (observability.logging) {
        if (observability.tracing) {
            add(pod(ZIPKIN.name), pod(ELASTICSEARCH.name), ELASTICSEARCH.port, "stores traces");
        }
        add(pod(LOGSTASH.name), pod(ELASTICSEARCH.name), ELASTICSEARCH.port, "indexes logs");
        add(pod(KIBANA.name), pod(ELASTICSEARCH.name), ELASTICSEARCH.port, "queries logs");
        add(pod(KIBANA_SETUP), pod(KIBANA.name), KIBANA.port, "creates the data view and saved searches");
        const shipper = { pod: LOG_SHIPPER, namespace: shipperNamespace };
        add(shipper, pod(LOGSTASH.name), LOGSTASH.port, "ships container logs");
        for (const port of API_SERVER_PORTS) {
            add(shipper, { external: API_SERVER }, port, "reads pod metadata");
        }
    }
    return edges;
}
