/** The generated Prometheus, Grafana and Alertmanager files, read back from the ConfigMaps and Secret a stack declares. */
import { strict as assert } from "assert";
import { parse } from "yaml";
import { revealSecrets } from "../offline/manifests";
import { find, recorded, type Declared } from "./support";

interface ScrapeJob {
    job_name: string;
    metrics_path?: string;
    kubernetes_sd_configs?: { role: string; namespaces: { names: string[] } }[];
    relabel_configs?: { source_labels?: string[]; regex?: string; action?: string; target_label?: string; replacement?: string }[];
}

interface AlertRule {
    alert: string;
    expr: string;
    for: string;
    labels: { severity: string; service?: string };
    annotations: Record<string, string>;
}

export function configMapFile(d: Declared, name: string, file: string): string {
    const data = find(d.objects, "ConfigMap", name).data as Record<string, string>;
    assert.ok(data[file] !== undefined, `${name} has ${file}`);
    return data[file]!;
}

export function prometheusFiles(d: Declared) {
    return {
        config: parse(configMapFile(d, "prometheus-config", "prometheus.yml")) as { scrape_configs: ScrapeJob[]; rule_files: string[] },
        rules: parse(configMapFile(d, "prometheus-config", "alerts.yml")) as { groups: { name: string; rules: AlertRule[] }[] },
    };
}

export function dashboardQueries(d: Declared): { title: string; expr: string }[] {
    const dashboard = JSON.parse(configMapFile(d, "grafana-dashboards", "ecommerce-services.json")) as {
        panels: { type: string; title: string; targets?: { expr: string }[] }[];
    };
    return dashboard.panels.filter((p) => p.targets).flatMap((p) => p.targets!.map((t) => ({ title: p.title, expr: t.expr })));
}

export interface Route {
    receiver?: string;
    matchers?: string[];
    group_by?: string[];
    group_wait?: string;
    group_interval?: string;
    repeat_interval?: string;
    continue?: boolean;
    routes?: Route[];
}

export interface AlertmanagerFile {
    global: Record<string, unknown>;
    route: Route;
    inhibit_rules: { source_matchers: string[]; target_matchers: string[]; equal: string[] }[];
    receivers: ({ name: string } & Record<string, unknown>)[];
}

/** The configuration as the pod reads it: the Secret's file, secrets revealed. */
export function alertmanagerFile(d: Declared): AlertmanagerFile {
    const secret = recorded(d.resources, "kubernetes:core/v1:Secret", "alertmanager-config");
    assert.ok(secret, "a Secret alertmanager-config");
    const data = revealSecrets(secret.inputs.stringData) as Record<string, string>;
    return parse(data["alertmanager.yml"]!) as AlertmanagerFile;
}
