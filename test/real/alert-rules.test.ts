/**
 * The alert rules tested as Prometheus tests them: `promtool test rules` with input series
 * (as kube-prometheus keeps beside its rules), generated from the catalog like the rules.
 * Each alert fires in its situation with the manual's severity (10.2) and its labels, only
 * after its `for:`, and stays silent when the service is healthy. The service-down rule also
 * fires for a service with no series at all (deleted, crash-looping before its first scrape,
 * scaled to zero) and does not fire with one of two pods down.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { SERVICE_LABEL } from "../../catalog/observability";
import { ALERT_NAMES, alertRules, scrapedServices } from "../../components/observability/prometheus-config";
import { requireInstalled } from "./installed";
import { MANUAL_ALERT_SEVERITY } from "../sources";

const PROMTOOL = process.env.PROMTOOL ?? "promtool";
const available = spawnSync(PROMTOOL, ["--version"]).status === 0;

/** The defaults' thresholds: 5% errors, P95 of 1 s, 90% of the heap. */
const THRESHOLDS = { errorRate: 0.05, latencyP95Seconds: 1, heapUsedRatio: 0.9 };

interface Rule {
    alert: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
}
const RULES = alertRules(THRESHOLDS) as { groups: { rules: Rule[] }[] };
const SERVICES = scrapedServices().map((s) => s.name);

/** What promtool must see firing: the manual's severity, the service, and the rule's annotations for that service. */
function firing(alert: string, service: string) {
    const rule = RULES.groups.flatMap((g) => g.rules).find((r) => r.alert === alert && (r.labels[SERVICE_LABEL] ?? service) === service)!;
    const annotations = Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, v.replaceAll(`{{ $labels.${SERVICE_LABEL} }}`, service)]));
    return { exp_labels: { severity: MANUAL_ALERT_SEVERITY[alert]!, [SERVICE_LABEL]: service }, exp_annotations: annotations };
}

const series = (name: string, labels: Record<string, string>, values: string) => ({
    series: `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(",")}}`,
    values,
});
/** Every service but `except` answering its scrapes, on two pods. */
const upExcept = (except: string) => SERVICES.filter((s) => s !== except).flatMap((s) => ["a", "b"].map((pod) => series("up", { [SERVICE_LABEL]: s, instance: `${s}-${pod}` }, "1x40")));

function serviceDownTests(service: string) {
    const at = (minutes: number, alerts: ReturnType<typeof firing>[]) => ({ eval_time: `${minutes}m`, alertname: ALERT_NAMES.down, exp_alerts: alerts });
    const pods = (a: string, b: string) => ["a", "b"].map((pod, i) => series("up", { [SERVICE_LABEL]: service, instance: `${service}-${pod}` }, [a, b][i]!));
    return [
        // Both pods fail their scrapes: pending for 2 minutes, then firing.
        { interval: "1m", input_series: [...upExcept(service), ...pods("0x40", "0x40")], alert_rule_test: [at(1, []), at(3, [firing(ALERT_NAMES.down, service)])] },
        // Not a single series: every pod deleted, or never scraped.
        { interval: "1m", input_series: upExcept(service), alert_rule_test: [at(1, []), at(3, [firing(ALERT_NAMES.down, service)])] },
        // One of two pods down: the service still answers.
        { interval: "1m", input_series: [...upExcept(service), ...pods("1x40", "0x40")], alert_rule_test: [at(3, []), at(10, [])] },
        // Healthy.
        { interval: "1m", input_series: [...upExcept(service), ...pods("1x40", "1x40")], alert_rule_test: [at(10, [])] },
    ];
}

/** For each SLA alert: the series of a service in trouble and of a healthy one, and when it must fire (after its `for:`). */
const SLA_CASES: { alert: string; before: number; after: number; bad: (s: string) => object[]; good: (s: string) => object[] }[] = [
    {
        alert: ALERT_NAMES.errors, // for 5m, over a 5m rate
        before: 4,
        after: 10,
        bad: (s) => [series("http_server_requests_seconds_count", { [SERVICE_LABEL]: s, status: "500", uri: "/api" }, "0+10x40"), series("http_server_requests_seconds_count", { [SERVICE_LABEL]: s, status: "200", uri: "/api" }, "0+90x40")],
        good: (s) => [series("http_server_requests_seconds_count", { [SERVICE_LABEL]: s, status: "500", uri: "/api" }, "0+1x40"), series("http_server_requests_seconds_count", { [SERVICE_LABEL]: s, status: "200", uri: "/api" }, "0+99x40")],
    },
    {
        alert: ALERT_NAMES.latency, // for 10m
        before: 8,
        after: 15,
        bad: (s) => [["0.5", "0+0x40"], ["1.0", "0+2x40"], ["2.0", "0+100x40"], ["+Inf", "0+100x40"]].map(([le, v]) => series("http_server_requests_seconds_bucket", { [SERVICE_LABEL]: s, uri: "/api", le: le! }, v!)),
        good: (s) => [["0.5", "0+100x40"], ["1.0", "0+100x40"], ["2.0", "0+100x40"], ["+Inf", "0+100x40"]].map(([le, v]) => series("http_server_requests_seconds_bucket", { [SERVICE_LABEL]: s, uri: "/api", le: le! }, v!)),
    },
    {
        alert: ALERT_NAMES.heap, // for 15m; a pool without a maximum (-1) does not count
        before: 12,
        after: 20,
        bad: (s) => [
            series("jvm_memory_used_bytes", { [SERVICE_LABEL]: s, area: "heap", id: "G1 Old Gen" }, "950x40"),
            series("jvm_memory_max_bytes", { [SERVICE_LABEL]: s, area: "heap", id: "G1 Old Gen" }, "1000x40"),
            series("jvm_memory_max_bytes", { [SERVICE_LABEL]: s, area: "heap", id: "G1 Eden Space" }, "-1x40"),
        ],
        good: (s) => [
            series("jvm_memory_used_bytes", { [SERVICE_LABEL]: s, area: "heap", id: "G1 Old Gen" }, "500x40"),
            series("jvm_memory_max_bytes", { [SERVICE_LABEL]: s, area: "heap", id: "G1 Old Gen" }, "1000x40"),
        ],
    },
];

/** Half the services in trouble, half healthy: each alert names exactly the troubled ones. */
function slaTests() {
    const troubled = SERVICES.filter((_, i) => i % 2 === 0);
    return SLA_CASES.map((c) => ({
        interval: "1m",
        input_series: SERVICES.flatMap((s) => (troubled.includes(s) ? c.bad(s) : c.good(s))),
        alert_rule_test: [
            { eval_time: `${c.before}m`, alertname: c.alert, exp_alerts: [] },
            { eval_time: `${c.after}m`, alertname: c.alert, exp_alerts: troubled.map((s) => firing(c.alert, s)) },
        ],
    }));
}

describe("alert rules under promtool test rules (input series from the catalog)", function () {
    this.timeout(60_000);
    let dir: string;
    beforeEach(function () {
        requireInstalled(this, available, "promtool", "prometheus");
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "rule-tests-"));
        fs.writeFileSync(path.join(dir, "alerts.yml"), stringify(RULES));
    });
    afterEach(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

    const promtoolTest = (tests: object[]) => {
        fs.writeFileSync(path.join(dir, "tests.yml"), stringify({ rule_files: ["alerts.yml"], evaluation_interval: "1m", tests }));
        return spawnSync(PROMTOOL, ["test", "rules", path.join(dir, "tests.yml")], { encoding: "utf8", cwd: dir });
    };

    it(`ServiceDown (P0) fires for each of the ${SERVICES.length} services when all its pods are down or it has no series, after 2 minutes, and not with one pod of two down`, () => {
        assert.ok(SERVICES.length >= 9, SERVICES.join(", "));
        const result = promtoolTest(SERVICES.flatMap(serviceDownTests));
        assert.equal(result.status, 0, result.stdout + result.stderr);
        assert.match(result.stdout, /SUCCESS/);
    });

    it("the SLA alerts (P1 errors, P2 latency, P3 heap) fire for each troubled service after their for:, and not for healthy ones", () => {
        const result = promtoolTest(slaTests());
        assert.equal(result.status, 0, result.stdout + result.stderr);
    });

    it("fails a wrong expectation, so the tests above can fail", () => {
        const service = SERVICES[0]!;
        const result = promtoolTest([{ interval: "1m", input_series: upExcept(""), alert_rule_test: [{ eval_time: "5m", alertname: ALERT_NAMES.down, exp_alerts: [firing(ALERT_NAMES.down, service)] }] }]);
        assert.notEqual(result.status, 0);
        assert.match(result.stdout + result.stderr, /FAILED/);
    });
});
