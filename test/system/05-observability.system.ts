/**
 * Manual 4 and 10 on the live system: Prometheus scrapes every service, the dashboard's
 * queries return data, a request through the gateway leaves a trace in Zipkin, and a
 * stopped service fires its P0 alert, which Alertmanager delivers to a webhook receiver and
 * resolves when the service is back.
 */
import { strict as assert } from "assert";
import * as http from "http";
import type { AddressInfo } from "net";
import { serviceSpec } from "../../catalog";
import { PROMETHEUS, ZIPKIN } from "../../catalog/observability";
import { serviceDashboard, type Panel } from "../../components/observability/dashboard";
import { ALERT_NAMES, scrapedServices } from "../../components/observability/prometheus-config";
import { until } from "../../e2e/live";
import { ok } from "../../e2e/workspace";
import { figure, system } from "./fixture";

interface Notification {
    status: string;
    alerts: { status: string; labels: Record<string, string> }[];
}

async function getJson<T>(url: string): Promise<T> {
    const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
    assert.equal(response.status, 200, `${url}: ${response.status}`);
    return (await response.json()) as T;
}

describe("5. observability (manual 4, 10)", function () {
    it("Prometheus scrapes every service, up", async function () {
        const { live } = system(this);
        const prometheus = await live.forward(PROMETHEUS.name, PROMETHEUS.port);
        try {
            const wanted = scrapedServices().map((s) => s.name);
            let down: string[] = wanted;
            await until("every scraped service up in Prometheus", 120, async () => {
                const targets = await getJson<{ data: { activeTargets: { labels: Record<string, string>; health: string }[] } }>(`${prometheus.url}/api/v1/targets?state=active`);
                const up = new Set(targets.data.activeTargets.filter((t) => t.health === "up").map((t) => t.labels.service));
                down = wanted.filter((n) => !up.has(n));
                return down.length === 0 ? true : undefined;
            }, 5000).catch(() => undefined);
            assert.deepEqual(down, [], "scraped services with no healthy target");
        } finally {
            prometheus.close();
        }
    });

    it("every dashboard query returns data (the error rate: a valid query, empty without 5xx)", async function () {
        const { live } = system(this);
        const prometheus = await live.forward(PROMETHEUS.name, PROMETHEUS.port);
        try {
            const panels = (serviceDashboard().panels as Panel[]).filter((p) => p.targets?.length);
            const empty: string[] = [];
            for (const panel of panels) {
                for (const target of panel.targets!) {
                    const result = await getJson<{ status: string; data: { result: unknown[] } }>(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(target.expr)}`);
                    assert.equal(result.status, "success", target.expr);
                    if (result.data.result.length === 0 && !target.expr.includes('status=~"5..')) empty.push(`${panel.title}: ${target.expr}`);
                }
            }
            assert.deepEqual(empty, [], "dashboard queries without data");
            assert.ok(panels.length >= scrapedServices().length, `only ${panels.length} panels with queries`);
        } finally {
            prometheus.close();
        }
    });

    it("a request through the gateway leaves one trace in Zipkin, across the gateway and the service", async function () {
        const { live } = system(this);
        const gateway = serviceSpec("api-gateway");
        const forward = await live.forward(gateway.name, gateway.port);
        const zipkin = await live.forward(ZIPKIN.name, ZIPKIN.port);
        try {
            const response = await fetch(`${forward.url}/product-service/api/products/1`, { signal: AbortSignal.timeout(30_000) });
            assert.equal(response.status, 200);
            const traceId = response.headers.get("x-b3-traceid");
            const traces = await until("a trace with a product-service span", 60, async () => {
                const found = await getJson<{ traceId: string; localEndpoint?: { serviceName?: string }; name?: string; tags?: Record<string, string> }[][]>(
                    `${zipkin.url}/api/v2/traces?serviceName=product-service&lookback=300000&limit=100`,
                );
                const match = found.filter((t) => t.some((s) => s.localEndpoint?.serviceName === "api-gateway") && t.some((s) => s.localEndpoint?.serviceName === "product-service"));
                return match.length > 0 ? match : undefined;
            });
            assert.ok(traces.length > 0);
            if (traceId) assert.ok(traces.some((t) => t[0].traceId === traceId), `no trace ${traceId}`);
        } finally {
            forward.close();
            zipkin.close();
        }
    });

    it("a stopped service fires its P0 alert to a webhook receiver, which hears it resolve when the service is back", async function () {
        const { live, ws, stack } = system(this);
        // The receiver listens on the node's own address: the stack lets Alertmanager out
        // of the cluster only (its egress excepts clusterNetwork.internalCidrs), as a real
        // receiver is.
        const nodeIp = live.kubectl(["get", "nodes", "-o", 'jsonpath={.items[0].status.addresses[?(@.type=="InternalIP")].address}']).trim();
        const received: Notification[] = [];
        const server = http.createServer((req, res) => {
            let body = "";
            req.on("data", (d: Buffer) => (body += d.toString()));
            req.on("end", () => {
                try {
                    received.push(JSON.parse(body) as Notification);
                } catch {
                    // Not Alertmanager's: ignored.
                }
                res.writeHead(200).end();
            });
        });
        await new Promise<void>((resolve) => server.listen(0, nodeIp, resolve));
        const port = (server.address() as AddressInfo).port;
        const victim = serviceSpec("favourite-service").name;
        const seen = (status: string) => received.some((n) => n.alerts.some((a) => a.status === status && a.labels.alertname === ALERT_NAMES.down && a.labels.service === victim));
        try {
            ok(await ws.pulumi(["config", "set", "--secret", "--path", "alertReceivers.L1.webhook[0].url", `http://${nodeIp}:${port}/alerts`, "-s", stack]), "config set webhook");
            ok(await ws.pulumi(["up", "-s", stack, "--yes", "--skip-preview"], 900), "up with a webhook receiver");
            const stopped = Date.now();
            live.kubectl(["scale", `deployment/${victim}`, "-n", live.namespace, "--replicas=0"]);
            await until(`${ALERT_NAMES.down} for ${victim} delivered, firing`, 480, () => (seen("firing") ? true : undefined), 5000);
            figure("observability", `${victim} stopped to its P0 alert at the webhook`, `${((Date.now() - stopped) / 1000).toFixed(0)} s (rule: for 2m)`);
            const restarted = Date.now();
            live.kubectl(["scale", `deployment/${victim}`, "-n", live.namespace, "--replicas=1"]);
            await until(`${ALERT_NAMES.down} for ${victim} delivered, resolved`, 480, () => (seen("resolved") ? true : undefined), 5000);
            figure("observability", `${victim} started to the resolved notification`, `${((Date.now() - restarted) / 1000).toFixed(0)} s`);
        } finally {
            server.close();
            ok(await ws.pulumi(["config", "rm", "--path", "alertReceivers", "-s", stack]), "config rm alertReceivers");
            ok(await ws.pulumi(["up", "-s", stack, "--yes", "--skip-preview"], 900), "up without the receiver");
        }
    });
});
