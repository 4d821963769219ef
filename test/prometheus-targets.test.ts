/**
 * What Prometheus actually scrapes: its relabelling rules applied, as Prometheus applies
 * them, to the pods the stacks declare; the static targets of the Docker host resolved
 * against the catalog; and the alert rules read for the metrics and labels the services
 * really expose (the manual's own PromQL, 4.2).
 */
import { strict as assert } from "assert";
import { SERVICES } from "../catalog";
import { ALERTMANAGER, PROMETHEUS } from "../catalog/observability";
import { alertRules, prometheusConfig } from "../components/observability/prometheus-config";
import { prometheusFiles } from "./observability-files";
import { MANUAL_PROMQL } from "./sources";
import { declare, ofKind, podTemplate, type Declared } from "./support";

interface Relabel {
    source_labels?: string[];
    regex?: string;
    action?: string;
    target_label?: string;
    replacement?: string;
}

/** Prometheus' relabelling (keep, drop, replace), from its configuration reference: regexes anchored, sources joined by ";". */
function relabel(labels: Record<string, string>, rules: Relabel[]): Record<string, string> | undefined {
    const out = { ...labels };
    for (const rule of rules) {
        const value = (rule.source_labels ?? []).map((l) => out[l] ?? "").join(";");
        const match = new RegExp(`^(?:${rule.regex ?? "(.*)"})$`).exec(value);
        const action = rule.action ?? "replace";
        if (action === "keep" && !match) return undefined;
        if (action === "drop" && match) return undefined;
        if (action === "replace" && match) {
            const replaced = (rule.replacement ?? "$1").replace(/\$(\d)/g, (_, i: string) => match[Number(i)] ?? "");
            if (rule.target_label) out[rule.target_label] = replaced;
        }
    }
    return out;
}

/** The labels Kubernetes service discovery (role: pod) gives one container port of a pod. */
function discovered(pod: { name: string; namespace: string; labels: Record<string, string>; phase: string }, port: { name?: string; containerPort: number }): Record<string, string> {
    const meta: Record<string, string> = {
        __address__: `10.0.0.1:${port.containerPort}`,
        __meta_kubernetes_namespace: pod.namespace,
        __meta_kubernetes_pod_name: pod.name,
        __meta_kubernetes_pod_phase: pod.phase,
        __meta_kubernetes_pod_container_port_name: port.name ?? "",
    };
    for (const [k, v] of Object.entries(pod.labels)) meta[`__meta_kubernetes_pod_label_${k.replace(/[^a-zA-Z0-9_]/g, "_")}`] = v;
    return meta;
}

const scraped = SERVICES.filter((s) => s.metricsScrapeable);

for (const stack of ["dev", "prod"]) {
    describe(`${stack} stack: what Prometheus scrapes`, () => {
        let d: Declared;
        beforeEach(async () => {
            d = await declare({ stack });
        });

        it("keeps each running service pod's http port in its service's job, labelled with service, pod and namespace, and nothing else", () => {
            const { config } = prometheusFiles(d);
            const jobs = config.scrape_configs.filter((j) => j.kubernetes_sd_configs);
            let kept = 0;
            for (const deployment of ofKind(d.objects, "Deployment")) {
                const template = podTemplate(deployment)!;
                const namespace = deployment.metadata.namespace!;
                for (const port of template.spec.containers.flatMap((c) => c.ports ?? [])) {
                    for (const phase of ["Running", "Pending"]) {
                        const pod = { name: `${deployment.metadata.name}-abc12`, namespace, labels: template.metadata.labels, phase };
                        const hits = jobs.flatMap((job) => {
                            if (!job.kubernetes_sd_configs!.some((sd) => sd.role === "pod" && sd.namespaces.names.includes(namespace))) return [];
                            const labels = relabel(discovered(pod, port), job.relabel_configs ?? []);
                            return labels ? [{ job: job.job_name, labels }] : [];
                        });
                        const service = scraped.find((s) => s.name === deployment.metadata.name);
                        if (!service || phase !== "Running" || port.name !== "http") {
                            assert.deepEqual(hits, [], `${deployment.metadata.name} ${port.name} ${phase}`);
                            continue;
                        }
                        assert.equal(hits.length, 1, `${service.name} is scraped by one job`);
                        assert.equal(hits[0]!.job, service.name);
                        assert.equal(hits[0]!.labels.service, service.name);
                        assert.equal(hits[0]!.labels.pod, pod.name);
                        assert.equal(hits[0]!.labels.namespace, namespace);
                        kept++;
                    }
                }
            }
            assert.equal(kept, scraped.length);
        });

        it("scrapes Prometheus itself on the port its container listens on", () => {
            const { config } = prometheusFiles(d);
            const self = config.scrape_configs.find((j) => j.job_name === PROMETHEUS.name) as { static_configs: { targets: string[] }[] } | undefined;
            assert.deepEqual(self?.static_configs.flatMap((s) => s.targets), [`localhost:${PROMETHEUS.port}`]);
        });
    });
}

describe("Prometheus on one Docker host", () => {
    it("scrapes each scraped service at its name and port on the network, labelled with its service", () => {
        const config = prometheusConfig({ kind: "static" }, "local", true) as {
            global: { external_labels: Record<string, string> };
            alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
            scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[]; labels?: Record<string, string> }[] }[];
        };
        assert.deepEqual(config.global.external_labels, { namespace: "local" });
        assert.deepEqual(config.alerting.alertmanagers.flatMap((a) => a.static_configs.flatMap((s) => s.targets)), [`${ALERTMANAGER.name}:${ALERTMANAGER.port}`]);
        for (const service of scraped) {
            const job = config.scrape_configs.find((j) => j.job_name === service.name);
            assert.ok(job, service.name);
            assert.deepEqual(job.static_configs, [{ targets: [`${service.name}:${service.port}`], labels: { service: service.name } }]);
            assert.match(job.metrics_path!, /\/actuator\/prometheus$/);
        }
        assert.equal(config.scrape_configs.length, scraped.length + 1);
        assert.equal(prometheusConfig({ kind: "static" }, "local", false).alerting, undefined);
    });
});

describe("alert rules", () => {
    const thresholds = { errorRate: 0.02, latencyP95Seconds: 0.5, heapUsedRatio: 0.85 };
    const groups = (alertRules(thresholds) as { groups: { name: string; rules: { alert: string; expr: string; labels: Record<string, string>; annotations: Record<string, string> }[] }[] }).groups;
    const rules = groups.flatMap((g) => g.rules);

    it("watch the metrics the manual's queries read, and up, over exactly the scraped services", () => {
        assert.equal(new Set(groups.map((g) => g.name)).size, groups.length);
        assert.ok(groups.every((g) => g.name.length > 0));
        // The manual's metrics, and Micrometer's heap ceiling beside its jvm_memory_used_bytes.
        const metrics = new Set([...MANUAL_PROMQL.flatMap((q) => q.match(/[a-z_]+(?=[{[])/g) ?? []), "jvm_memory_max_bytes"]);
        for (const rule of rules) {
            for (const metric of rule.expr.match(/[a-z_]+(?=\{)/g) ?? []) {
                assert.ok(metric === "up" || metrics.has(metric), `${rule.alert}: ${metric} is not among the manual's metrics ${[...metrics].join(", ")}`);
            }
            const selector = /service=~"([^"]+)"/.exec(rule.expr);
            const named = selector ? scraped.filter((s) => new RegExp(`^(?:${selector[1]})$`).test(s.name)) : scraped.filter((s) => rule.expr.includes(`service="${s.name}"`));
            if (selector) assert.deepEqual(named, scraped, rule.alert);
            else assert.equal(named.length, 1, rule.alert);
        }
        const down = rules.filter((r) => r.labels.severity === "P0");
        assert.deepEqual(down.map((r) => r.labels.service).sort(), scraped.map((s) => s.name).sort());
    });

    it("say the configured thresholds in the units an operator reads", () => {
        const text = (severity: string) => Object.values(rules.find((r) => r.labels.severity === severity)!.annotations).join(" ");
        assert.match(text("P1"), /more than 2% /);
        assert.match(text("P2"), /above 0\.5s/);
        assert.match(text("P3"), /more than 85% /);
        for (const rule of rules.filter((r) => r.labels.severity === "P0")) {
            assert.match(Object.values(rule.annotations).join(" "), new RegExp(`^${rule.labels.service} `));
        }
    });
});
