/**
 * What Kibana needs before the manual's queries (4.3) work: a data view over the indices
 * Logstash writes, with its time field, made the default, and a saved search for each of
 * the manual's queries (Lucene, as the manual writes them: its time range is Lucene
 * syntax), one per service for the per-service one. Each is a request to Kibana's HTTP API
 * that creates or overwrites, so running them again changes nothing.
 */
import { SERVICES } from "../../catalog";
import { KIBANA, LOG_FIELDS } from "../../catalog/observability";
import { LOG_INDEX } from "./log-pipeline";

export interface KibanaRequest {
    /** Where the body goes in the setup ConfigMap (and on the container). */
    readonly file: string;
    /** POSTed to this path of Kibana's API. */
    readonly path: string;
    readonly body: Record<string, unknown>;
}

export const DATA_VIEW_ID = LOG_INDEX;

/** Manual 4.3's queries, with the service it names as a parameter. */
export const MANUAL_QUERIES = {
    errors: `${LOG_FIELDS.level}:ERROR AND ${LOG_FIELDS.time}:[now-24h TO now]`,
    serviceErrors: (service: string) => `${LOG_FIELDS.service}:"${service}" AND ${LOG_FIELDS.level}:ERROR`,
    correlation: (traceId: string) => `${LOG_FIELDS.correlation}:"${traceId}"`,
} as const;

function savedSearch(id: string, title: string, query: string, description: string): KibanaRequest {
    return {
        file: `search-${id}.json`,
        path: `/api/saved_objects/search/${id}?overwrite=true`,
        body: {
            attributes: {
                title,
                description,
                columns: [LOG_FIELDS.service, LOG_FIELDS.level, LOG_FIELDS.correlation, "message"],
                sort: [[LOG_FIELDS.time, "desc"]],
                kibanaSavedObjectMeta: {
                    searchSourceJSON: JSON.stringify({
                        query: { query, language: "lucene" },
                        filter: [],
                        indexRefName: "kibanaSavedObjectMeta.searchSourceJSON.index",
                    }),
                },
            },
            references: [{ name: "kibanaSavedObjectMeta.searchSourceJSON.index", type: "index-pattern", id: DATA_VIEW_ID }],
        },
    };
}

export function kibanaRequests(): KibanaRequest[] {
    return [
        {
            file: "data-view.json",
            path: "/api/data_views/data_view",
            body: {
                override: true,
                data_view: { id: DATA_VIEW_ID, title: `${LOG_INDEX}-*`, name: "E-commerce logs (manual 4.3)", timeFieldName: LOG_FIELDS.time },
            },
        },
        { file: "default-data-view.json", path: "/api/data_views/default", body: { data_view_id: DATA_VIEW_ID, force: true } },
        savedSearch("ecommerce-errors-24h", "Errors in the last 24h (manual 4.3)", MANUAL_QUERIES.errors, "Every service's ERROR lines of the last 24 hours."),
        ...SERVICES.map((s) =>
            savedSearch(`ecommerce-errors-${s.name}`, `${s.name}: errors (manual 4.3)`, MANUAL_QUERIES.serviceErrors(s.name), `ERROR lines of ${s.name}.`),
        ),
        savedSearch(
            "ecommerce-correlation",
            "One request across services, by correlation ID (manual 4.3)",
            MANUAL_QUERIES.correlation("<trace-id>"),
            "Replace <trace-id> in the query with the trace id from a log line or Zipkin.",
        ),
    ];
}

/** Where both targets put the request bodies for the setup script. */
export const KIBANA_SETUP_DIR = "/setup";

/** The setup on either target: its files (by name, under KIBANA_SETUP_DIR) and its script. */
export function kibanaSetup(): { files: Record<string, string>; script: string } {
    const requests = kibanaRequests();
    return {
        files: Object.fromEntries(requests.map((r) => [r.file, JSON.stringify(r.body, null, 2)])),
        script: kibanaSetupScript(`http://${KIBANA.name}:${KIBANA.port}`, KIBANA_SETUP_DIR, requests),
    };
}

/**
 * The setup script (POSIX sh, busybox wget and timeout): waits for Kibana to answer its
 * status API, then sends each request; the first refused one fails the run with its path.
 * `timeout`, not wget's -T: busybox builds without FEATURE_WGET_TIMEOUT crash on -T.
 */
export function kibanaSetupScript(kibanaUrl: string, dir: string, requests: readonly KibanaRequest[]): string {
    return [
        "set -eu",
        `KIBANA="${kibanaUrl}"`,
        'until timeout 10 wget -q -O /dev/null "$KIBANA/api/status"; do echo "waiting for Kibana at $KIBANA"; sleep 5; done',
        "post() {",
        `  if timeout 60 wget -q -O /dev/null --header "kbn-xsrf: true" --header "Content-Type: application/json" --post-file "${dir}/$2" "$KIBANA$1"; then`,
        '    echo "ok: POST $1"',
        "  else",
        '    echo "FAILED: POST $1 ($2)" | tee /dev/termination-log >&2',
        "    exit 1",
        "  fi",
        "}",
        ...requests.map((r) => `post '${r.path}' '${r.file}'`),
        `echo "Kibana ready: data view ${DATA_VIEW_ID} and ${requests.length - 2} saved searches"`,
    ].join("\n");
}
