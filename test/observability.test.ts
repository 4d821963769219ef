/** Manual section 4 against what the stacks declare: Zipkin, Prometheus, Grafana and ELK. */
import { strict as assert } from "assert";
import { parsePrometheusDuration } from "../lib/durations";
import { SLA } from "../catalog/observability";
import * as path from "path";
import * as fs from "fs";
import { parse } from "yaml";
import { EVENT_START, SPRING_LOG_LINE } from "../components/observability/log-pipeline";
import { withMatcher } from "../components/observability/promql";
import { ProgramFailure, runProgram } from "../offline/run";
import { MANUAL_KIBANA_FIELDS, MANUAL_PROMQL, MANUAL_SERVICES, MANUAL_TOOLS, REFERENCE_SERVICES, REFERENCE_UNSCRAPEABLE } from "./sources";
import { configMapFile, dashboardQueries, prometheusFiles } from "./observability-files";
import { declare, envOf, find, ofKind, podTemplate, type Declared, secretFileOf } from "./support";

const serviceLine = (d: Declared, tool: string) => {
    const svc = find(d.objects, "Service", tool).spec as { ports: { port: number }[] };
    return svc.ports[0]!.port;
};

for (const stack of ["dev", "prod"]) {
    describe(`${stack} stack: observability`, () => {
        let declared: Declared;
        beforeEach(async () => {
            declared = await declare({ stack });
        });

        it("runs each tool of manual 4.2 (and Alertmanager) behind a Service on its port, and says how to reach it", () => {
            const tools = declared.outputs.tools as Record<string, string>;
            // Beyond the manual's list: Alertmanager, on its upstream port (issue 15).
            const expected = { ...MANUAL_TOOLS, Alertmanager: 9093 };
            assert.deepEqual(Object.keys(tools).sort(), Object.keys(expected).sort());
            for (const [title, port] of Object.entries(expected)) {
                const name = title.toLowerCase().replace(/\s+/g, "-");
                assert.equal(serviceLine(declared, name), port, title);
                assert.equal(tools[title], `kubectl port-forward -n ${stack} svc/${name} ${port}:${port}  # then http://localhost:${port}`);
            }
        });

        it("sends every service's traces to Zipkin, at the configured sampling rate", () => {
            const expected = stack === "dev" ? "1" : "0.1";
            for (const { name } of MANUAL_SERVICES) {
                const env = envOf(podTemplate(find(declared.objects, "Deployment", name))!.spec.containers[0]!);
                assert.equal(env.SPRING_ZIPKIN_BASE_URL, `http://zipkin:${serviceLine(declared, "zipkin")}/`);
                assert.equal(env.SPRING_SLEUTH_SAMPLER_PROBABILITY, expected, name);
                // Found on live pods: PERCENTILES_HISTOGRAM bound into the `percentiles` map
                // (numbers), "true" failed to convert, and no service started.
                assert.equal(env.MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_HTTP_SERVER_REQUESTS, "true");
                assert.deepEqual(
                    Object.keys(env).filter((k) => k.startsWith("MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILES_")),
                    [],
                    "a variable Spring binds into management.metrics.distribution.percentiles (a map of numbers)",
                );
            }
        });

        it("scrapes every catalog service on its real metrics path, every pod, in this namespace only", () => {
            const jobs = prometheusFiles(declared).config.scrape_configs;
            const scrapeable = REFERENCE_SERVICES.filter((s) => !REFERENCE_UNSCRAPEABLE.includes(s.name));
            assert.equal(scrapeable.length, 9);
            for (const service of scrapeable) {
                const job = jobs.find((j) => j.job_name === service.name);
                assert.ok(job, `no scrape job for ${service.name}`);
                assert.equal(job.metrics_path, `${service.contextPath}/actuator/prometheus`);
                assert.deepEqual(job.kubernetes_sd_configs, [{ role: "pod", namespaces: { names: [stack] } }]);
                const keep = job.relabel_configs!.find((r) => r.action === "keep" && r.source_labels?.[0] === "__meta_kubernetes_pod_label_app_kubernetes_io_name");
                assert.equal(keep?.regex, service.name);
                // The pods it keeps are the Deployment's: same label, same port name.
                const pod = podTemplate(find(declared.objects, "Deployment", service.name))!;
                assert.equal(pod.metadata.labels["app.kubernetes.io/name"], service.name);
                const portName = job.relabel_configs!.find((r) => r.source_labels?.[0] === "__meta_kubernetes_pod_container_port_name")!.regex;
                assert.ok(pod.spec.containers[0]!.ports!.some((p) => p.name === portName));
                assert.ok(job.relabel_configs!.some((r) => r.target_label === "service" && r.replacement === service.name));
            }
            for (const name of REFERENCE_UNSCRAPEABLE) {
                assert.ok(!jobs.some((j) => j.job_name === name), `${name} needs credentials and must not be scraped anonymously`);
            }
        });

        it("lets Prometheus discover pods with read-only rights in its own namespace", () => {
            const role = find(declared.objects, "Role", "prometheus") as unknown as { rules: { resources: string[]; verbs: string[] }[] };
            assert.ok(role.rules.every((r) => r.verbs.every((v) => ["get", "list", "watch"].includes(v))));
            assert.ok(role.rules.some((r) => r.resources.includes("pods")));
            const binding = find(declared.objects, "RoleBinding", "prometheus") as unknown as { subjects: { name: string; namespace: string }[]; roleRef: { name: string } };
            assert.equal(binding.roleRef.name, "prometheus");
            const account = podTemplate(find(declared.objects, "StatefulSet", "prometheus"))!.spec as { serviceAccountName?: string; automountServiceAccountToken?: boolean };
            assert.deepEqual(binding.subjects.map((s) => [s.name, s.namespace]), [[account.serviceAccountName, stack]]);
            assert.equal(account.automountServiceAccountToken, true);
        });

        it("alerts at the manual's SLA levels: P0 for every service, P1-P3 over all of them", () => {
            const rules = prometheusFiles(declared).rules.groups.flatMap((g) => g.rules);
            const bySeverity = (s: string) => rules.filter((r) => r.labels.severity === s);
            const scrapeable = REFERENCE_SERVICES.filter((s) => !REFERENCE_UNSCRAPEABLE.includes(s.name)).map((s) => s.name);
            assert.deepEqual(bySeverity("P0").map((r) => r.labels.service).sort(), [...scrapeable].sort());
            assert.match(bySeverity("P1")[0]!.expr, /status=~"5\.\."/);
            assert.match(bySeverity("P1")[0]!.expr, /> 0\.05$/);
            assert.match(bySeverity("P2")[0]!.expr, /histogram_quantile\(0\.95,.*> 1$/);
            assert.match(bySeverity("P3")[0]!.expr, /jvm_memory_used_bytes\{area="heap".*> 0\.9$/);
            for (const rule of [...bySeverity("P1"), ...bySeverity("P2"), ...bySeverity("P3")]) {
                for (const name of scrapeable) {
                    assert.ok(rule.expr.includes(name), `${rule.alert} covers ${name}`);
                }
            }
        });

        it("fires soon enough to answer within the SLA: each alert's for: at most a fifth of its response time", () => {
            for (const rule of prometheusFiles(declared).rules.groups.flatMap((g) => g.rules)) {
                const pending = parsePrometheusDuration(rule.for)!;
                assert.ok(pending > 0, `${rule.alert} waits before firing`);
                assert.ok(pending <= parsePrometheusDuration(SLA[rule.labels.severity as keyof typeof SLA].within)! / 5, `${rule.alert} (${rule.labels.severity}) waits ${rule.for}`);
            }
        });

        it("links every alert to a runbook section that exists, as GitHub renders docs/operations.md", () => {
            const rules = prometheusFiles(declared).rules.groups.flatMap((g) => g.rules);
            const runbook = fs.readFileSync(path.join(__dirname, "..", "docs", "operations.md"), "utf8");
            // GitHub's heading anchors: lower-cased, punctuation other than '-' dropped, spaces as '-'.
            const anchors = new Set([...runbook.matchAll(/^#+ (.+)$/gm)].map((m) => `#${m[1]!.trim().toLowerCase().replace(/[^\w\- ]/g, "").replace(/ /g, "-")}`));
            assert.ok(rules.length > 10);
            for (const rule of rules) {
                const [file, anchor] = (rule.annotations.runbook_url ?? "").split("#");
                assert.equal(file, "docs/operations.md", rule.alert);
                assert.ok(anchors.has(`#${anchor}`), `${rule.alert}: #${anchor} is not a heading of the runbook`);
                assert.match(rule.annotations.description!, /procedure: manual \d\.\d/);
            }
        });

        it("puts the manual's five queries on the dashboard for every scraped service", () => {
            const queries = dashboardQueries(declared);
            const scrapeable = REFERENCE_SERVICES.filter((s) => !REFERENCE_UNSCRAPEABLE.includes(s.name)).map((s) => s.name);
            for (const name of scrapeable) {
                const mine = queries.filter((q) => q.expr.includes(`service="${name}"`));
                // Remove the service matcher and what is left is the manual's query, verbatim.
                const stripped = mine.map((q) => q.expr.replace(new RegExp(`,?service="${name}"`, "g"), "").replace(/\{\}/g, "").replace(/\{,/g, "{"));
                assert.deepEqual(stripped, [...MANUAL_PROMQL], name);
            }
            assert.equal(queries.length, scrapeable.length * MANUAL_PROMQL.length);
        });

        it("gives Grafana a generated admin password, kept secret, and its three datasources", () => {
            assert.ok(declared.secretOutputs.includes("grafanaAdminPassword"));
            const password = declared.outputs.grafanaAdminPassword as string;
            assert.ok(password.length >= 16 && password !== "admin");
            const pod = podTemplate(find(declared.objects, "StatefulSet", "grafana"))!.spec;
            // From a file on the Secret volume (Grafana's __FILE), in the server and in the init container that resets it.
            for (const container of [pod.containers[0]!, pod.initContainers![0]!]) {
                const ref = secretFileOf(pod, container, "GF_SECURITY_ADMIN_PASSWORD__FILE");
                assert.ok(ref && ref.key in (find(declared.objects, "Secret", ref.secretName).stringData as object), container.name);
                assert.ok(!container.env?.some((e) => e.name === "GF_SECURITY_ADMIN_PASSWORD"), container.name);
            }
            const datasources = (parse(configMapFile(declared, "grafana-provisioning", "datasources.yaml")) as { datasources: { type: string; url: string }[] }).datasources;
            assert.deepEqual(datasources.map((d) => d.type).sort(), ["elasticsearch", "prometheus", "zipkin"]);
            for (const ds of datasources) {
                const [, host, port] = /^http:\/\/([a-z-]+):(\d+)$/.exec(ds.url)!;
                assert.equal(serviceLine(declared, host!), Number(port), ds.type);
            }
        });

        it("runs Elasticsearch as a single node with no privileged init container", () => {
            const es = find(declared.objects, "StatefulSet", "elasticsearch");
            const pod = podTemplate(es)!.spec;
            assert.equal(pod.initContainers, undefined);
            const env = envOf(pod.containers[0]!);
            assert.equal(env["discovery.type"], "single-node");
            assert.equal(env["node.store.allow_mmap"], "false");
            assert.equal(pod.containers[0]!.securityContext?.privileged, false);
        });

        it("ships this namespace's container logs, and only those, to Logstash", () => {
            const shipper = find(declared.objects, "DaemonSet", "log-shipper");
            assert.equal(shipper.metadata.namespace, `${stack}-logging`);
            const ns = find(declared.objects, "Namespace", `${stack}-logging`);
            assert.equal((ns.metadata.labels as Record<string, string>)["pod-security.kubernetes.io/enforce"], "privileged");
            const config = parse(configMapFile(declared, "log-shipper", "filebeat.yml")) as {
                "filebeat.inputs": { paths: string[] }[];
                "output.logstash": { hosts: string[] };
            };
            assert.deepEqual(config["filebeat.inputs"][0]!.paths, [`/var/log/containers/*_${stack}_*.log`]);
            assert.deepEqual(config["output.logstash"].hosts, [`logstash.${stack}.svc:${serviceLine(declared, "logstash")}`]);
            const role = find(declared.objects, "ClusterRole", `${stack}-log-shipper`) as unknown as { rules: { verbs: string[] }[] };
            assert.ok(role.rules.every((r) => r.verbs.every((v) => ["get", "list", "watch"].includes(v))));
        });

        it("parses logs in Logstash with the pattern the tests check, into the manual's Kibana fields", () => {
            const pipeline = configMapFile(declared, "logstash-pipeline", "logstash.conf");
            assert.ok(pipeline.includes(`"message" => "${SPRING_LOG_LINE}"`));
            assert.ok(pipeline.includes("[service][name]") && pipeline.includes("[level]") && pipeline.includes("[correlation_id]"));
            assert.ok(pipeline.includes('target => "@timestamp"'));
            assert.ok(pipeline.includes(`http://elasticsearch:${serviceLine(declared, "elasticsearch")}`));
            assert.deepEqual([...MANUAL_KIBANA_FIELDS].sort(), ["@timestamp", "correlation_id", "level", "service.name"]);
        });

        it("points Kibana at Elasticsearch", () => {
            const env = envOf(podTemplate(find(declared.objects, "Deployment", "kibana"))!.spec.containers[0]!);
            assert.deepEqual(JSON.parse(env.ELASTICSEARCH_HOSTS!), [`http://elasticsearch:${serviceLine(declared, "elasticsearch")}`]);
        });

        it("keeps the data of Prometheus, Grafana and Elasticsearch on volumes", () => {
            for (const name of ["prometheus", "grafana", "elasticsearch"]) {
                const sts = find(declared.objects, "StatefulSet", name).spec as { volumeClaimTemplates: unknown[] };
                assert.equal(sts.volumeClaimTemplates.length, 1, name);
            }
        });
    });
}

describe("Spring Boot log lines", () => {
    const pattern = new RegExp(SPRING_LOG_LINE);
    const traced =
        "2024-03-05 10:15:30.123 ERROR [ORDER-SERVICE,5f1c2b3a4d5e6f70,8a9b0c1d2e3f4a5b] 1 --- [nio-8083-exec-1] c.s.app.resource.OrderResource           : *** OrderDto, resource; fetch order by id *";

    it("yields level, trace id and timestamp from a traced line", () => {
        const m = pattern.exec(traced)!.groups!;
        assert.equal(m.log_level, "ERROR");
        assert.equal(m.trace_id, "5f1c2b3a4d5e6f70");
        assert.equal(m.log_time, "2024-03-05 10:15:30.123");
        assert.equal(m.log_message, "*** OrderDto, resource; fetch order by id *");
    });

    it("accepts a line outside any trace, and Sleuth's older four-part form", () => {
        const untraced = "2024-03-05 10:15:31.001  INFO [USER-SERVICE,,] 1 --- [           main] c.s.app.UserServiceApplication           : Started UserServiceApplication in 64.2 seconds";
        assert.equal(pattern.exec(untraced)!.groups!.trace_id, "");
        assert.equal(pattern.exec(untraced)!.groups!.log_level, "INFO");
        const older = "2024-03-05 10:15:31.001  WARN [user-service,abc123,def456,true] 7 --- [main] o.h.e.j.e.i.JdbcEnvironmentInitiator : HHH000342";
        assert.equal(pattern.exec(older)!.groups!.trace_id, "abc123");
    });

    it("keeps a joined stack trace in the message, and starts events only at dated lines", () => {
        const event = `${traced}\njava.lang.IllegalStateException: boom\n\tat com.selimhorri.app.Foo.bar(Foo.java:42)`;
        assert.match(pattern.exec(event)!.groups!.log_message!, /IllegalStateException[\s\S]*Foo\.java:42/);
        const start = new RegExp(EVENT_START);
        assert.ok(start.test(traced));
        assert.ok(!start.test("\tat com.selimhorri.app.Foo.bar(Foo.java:42)"));
    });

    it("does not match what is not a Spring Boot line", () => {
        assert.equal(pattern.exec("Picked up JAVA_TOOL_OPTIONS: -XX:MaxRAMPercentage=75"), null);
    });
});

describe("PromQL matcher injection", () => {
    it("narrows every selector and leaves functions, grouping labels and durations alone", () => {
        assert.equal(withMatcher("rate(x[5m])", 'service="a"'), 'rate(x{service="a"}[5m])');
        assert.equal(withMatcher('x{area="heap"}', 'service="a"'), 'x{area="heap",service="a"}');
        assert.equal(
            withMatcher("histogram_quantile(0.95, sum by (le) (rate(h_bucket[5m])))", 'service="a"'),
            'histogram_quantile(0.95, sum by (le) (rate(h_bucket{service="a"}[5m])))',
        );
        assert.equal(withMatcher("a / b > 0.5", 's="x"'), 'a{s="x"} / b{s="x"} > 0.5');
    });
});

describe("observability config", () => {
    it("turns logging off: no ELK, no shipper, Zipkin keeps traces in memory, Grafana loses the Elasticsearch datasource", async () => {
        const d = await declare({ stack: "prod", config: { observability: { logging: { enabled: false } } } });
        for (const name of ["elasticsearch", "logstash", "kibana", "log-shipper"]) {
            assert.ok(!d.objects.some((o) => o.metadata.name === name && o.kind !== "ConfigMap"), name);
        }
        assert.ok(!ofKind(d.objects, "Namespace").some((n) => n.metadata.name === "prod-logging"));
        assert.equal(envOf(podTemplate(find(d.objects, "Deployment", "zipkin"))!.spec.containers[0]!).STORAGE_TYPE, "mem");
        const ds = parse(configMapFile(d, "grafana-provisioning", "datasources.yaml")) as { datasources: { type: string }[] };
        assert.deepEqual(ds.datasources.map((x) => x.type).sort(), ["prometheus", "zipkin"]);
        assert.ok(!("Kibana" in (d.outputs.tools as object)));
    });

    it("turns tracing off: no Zipkin, and services stop sending spans", async () => {
        const d = await declare({ stack: "prod", config: { observability: { tracing: { enabled: false } } } });
        assert.ok(!ofKind(d.objects, "Deployment").some((x) => x.metadata.name === "zipkin"));
        const env = envOf(podTemplate(find(d.objects, "Deployment", "order-service"))!.spec.containers[0]!);
        assert.equal(env.SPRING_ZIPKIN_ENABLED, "false");
        assert.equal(env.SPRING_ZIPKIN_BASE_URL, undefined);
    });

    it("writes configured alert thresholds into the rules", async () => {
        const d = await declare({ stack: "prod", config: { observability: { metrics: { alerts: { errorRate: 0.02, latencyP95Seconds: 0.5 } } } } });
        const rules = prometheusFiles(d).rules.groups.flatMap((g) => g.rules);
        assert.match(rules.find((r) => r.labels.severity === "P1")!.expr, /> 0\.02$/);
        assert.match(rules.find((r) => r.labels.severity === "P2")!.expr, /> 0\.5$/);
    });

    it("rolls Prometheus when its configuration changes, and only then", async () => {
        const digest = (d: Declared) => ({ annotations: podTemplate(find(d.objects, "StatefulSet", "prometheus"))!.metadata.annotations ?? {} });
        const a = await declare({ stack: "prod" });
        const b = await declare({ stack: "prod", config: { observability: { metrics: { alerts: { errorRate: 0.02 } } } } });
        const c = await declare({ stack: "prod" });
        assert.notEqual(digest(a).annotations["ecommerce.io/config-digest"], digest(b).annotations["ecommerce.io/config-digest"]);
        assert.equal(digest(a).annotations["ecommerce.io/config-digest"], digest(c).annotations["ecommerce.io/config-digest"]);
    });

    for (const [config, message] of [
        [{ tracing: { sampleProbability: 1.5 } }, /ecommerce:observability\.tracing\.sampleProbability: must be between 0 and 1/],
        [{ metrics: { retention: "two weeks" } }, /ecommerce:observability\.metrics\.retention: "two weeks" must be a Prometheus duration such as "15d", "12h" or "1h30m"/],
        [{ logging: { elasticsearch: { heapSize: "2g" } } }, /ecommerce:observability\.logging\.elasticsearch\.heapSize: heap 2g leaves too little of the 2Gi memory limit/],
        [{ logging: { logstash: { heapSize: "1GB" } } }, /ecommerce:observability\.logging\.logstash\.heapSize: "1GB" must be a JVM heap size such as "512m"/],
        [{ metrics: { grafana: { image: "grafana/grafana:latest" } } }, /ecommerce:observability\.metrics\.grafana\.image: .*latest/],
        [{ metrics: { prometheus: { storageSize: "lots" } } }, /ecommerce:observability\.metrics\.prometheus\.storageSize: "lots" is not a positive Kubernetes memory quantity/],
        [{ logs: {} }, /ecommerce:observability\.logs: unknown key; allowed keys here: tracing, metrics, alerting, logging/],
    ] as const) {
        it(`rejects ${JSON.stringify(config)}`, async () => {
            await assert.rejects(runProgram({ stack: "prod", config: { observability: config } }), (error: unknown) => {
                assert.ok(error instanceof ProgramFailure);
                assert.equal(error.declared.length, 0);
                assert.match(error.message, message);
                return true;
            });
        });
    }
});
