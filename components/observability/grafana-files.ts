/** Grafana's provisioning files: datasources for the tools that run, the dashboard provider, the dashboard. */
import { stringify } from "yaml";
import { PROMETHEUS, ZIPKIN } from "../../catalog/observability";
import { ELASTICSEARCH_URL } from "./tool-env";
import { DASHBOARD_UID, PROMETHEUS_DATASOURCE_UID, serviceDashboard } from "./dashboard";
import { LOG_INDEX } from "./log-pipeline";

export const DASHBOARDS_DIR = "/etc/grafana/dashboards";

export function grafanaProvisioning(running: { readonly tracing: boolean; readonly logging: boolean }): Record<string, string> {
    const datasources = [
        {
            name: "Prometheus",
            uid: PROMETHEUS_DATASOURCE_UID,
            type: "prometheus",
            access: "proxy",
            url: `http://${PROMETHEUS.name}:${PROMETHEUS.port}`,
            isDefault: true,
        },
        ...(running.logging
            ? [
                  {
                      name: "Elasticsearch",
                      uid: "elasticsearch",
                      type: "elasticsearch",
                      access: "proxy",
                      url: ELASTICSEARCH_URL,
                      jsonData: { index: `${LOG_INDEX}-*`, timeField: "@timestamp" },
                  },
              ]
            : []),
        ...(running.tracing
            ? [{ name: "Zipkin", uid: "zipkin", type: "zipkin", access: "proxy", url: `http://${ZIPKIN.name}:${ZIPKIN.port}` }]
            : []),
    ];
    return {
        "datasources.yaml": stringify({ apiVersion: 1, datasources }),
        "dashboards.yaml": stringify({
            apiVersion: 1,
            providers: [{ name: "ecommerce", type: "file", disableDeletion: true, options: { path: DASHBOARDS_DIR } }],
        }),
    };
}

export function grafanaDashboards(): Record<string, string> {
    return { [`${DASHBOARD_UID}.json`]: JSON.stringify(serviceDashboard(), null, 2) };
}
