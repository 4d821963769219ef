/**
 * The Grafana dashboard: for every scraped catalog service, a row with the manual's five
 * PromQL queries (4.2), each narrowed to that service.
 */
import { MANUAL_QUERIES, SERVICE_LABEL } from "../../catalog/observability";
import { scrapedServices } from "./prometheus-config";
import { withMatcher } from "./promql";

export const PROMETHEUS_DATASOURCE_UID = "prometheus";
export const DASHBOARD_UID = "ecommerce-services";

export interface Panel {
    readonly id: number;
    readonly type: string;
    readonly title: string;
    readonly gridPos: { h: number; w: number; x: number; y: number };
    readonly targets?: { refId: string; expr: string; datasource: { type: string; uid: string } }[];
    readonly fieldConfig?: unknown;
    readonly datasource?: { type: string; uid: string };
}

export function serviceDashboard(): Record<string, unknown> {
    const panels: Panel[] = [];
    let id = 1;
    let y = 0;
    const width = 24 / MANUAL_QUERIES.length;
    for (const spec of scrapedServices()) {
        panels.push({ id: id++, type: "row", title: spec.name, gridPos: { h: 1, w: 24, x: 0, y: y++ } });
        MANUAL_QUERIES.forEach((query, column) => {
            panels.push({
                id: id++,
                type: "timeseries",
                title: `${spec.name}: ${query.title}`,
                gridPos: { h: 7, w: Math.floor(width), x: Math.floor(column * width), y },
                datasource: { type: "prometheus", uid: PROMETHEUS_DATASOURCE_UID },
                fieldConfig: { defaults: { unit: query.unit }, overrides: [] },
                targets: [
                    {
                        refId: "A",
                        expr: withMatcher(query.expr, `${SERVICE_LABEL}="${spec.name}"`),
                        datasource: { type: "prometheus", uid: PROMETHEUS_DATASOURCE_UID },
                    },
                ],
            });
        });
        y += 7;
    }
    return {
        uid: DASHBOARD_UID,
        title: "E-commerce services (manual 4.2)",
        description: "The operations manual's PromQL queries, per service. proxy-client is not scraped: its actuator needs the ADMIN role.",
        tags: ["ecommerce"],
        timezone: "utc",
        schemaVersion: 39,
        refresh: "30s",
        time: { from: "now-1h", to: "now" },
        panels,
    };
}
