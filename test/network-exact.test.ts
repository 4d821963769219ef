/**
 * Issue 18: the network policies allow exactly the connections the system needs, every
 * pair checked, against a specification written here from the manual and
 * docs/sources/reference-system.md (not from the generator): a missing edge (logs never
 * indexed, a call refused) and an extra one both fail.
 */
import { strict as assert } from "assert";
import { canConnect, EXTERNAL, podsOf, type Pod } from "./network-eval";
import { MANUAL_SERVICES } from "./sources";
import { declare, podTemplate, type Declared } from "./support";

const port = (name: string) => MANUAL_SERVICES.find((s) => s.name === name)!.port;
const SPRING = MANUAL_SERVICES.map((s) => s.name);
const BUSINESS = SPRING.filter((n) => /^(user|product|order|payment|shipping|favourite)-service$/.test(n));
const TOOLS = { zipkin: 9411, prometheus: 9090, grafana: 3000, elasticsearch: 9200, logstash: 5044, kibana: 5601, alertmanager: 9093, postgres: 5432 };
const API_SERVER = [443, 6443];

/** `from -> to:port`, with `external` for addresses outside the cluster's pods. */
function specification(): string[] {
    const edges: string[] = [];
    const add = (from: string, to: string, p: number) => edges.push(`${from} -> ${to}:${p}`);
    for (const s of SPRING) {
        // Every Spring service sends spans, reads the config server and registers in Eureka.
        add(s, "zipkin", TOOLS.zipkin);
        if (s !== "cloud-config") add(s, "cloud-config", port("cloud-config"));
        if (s !== "service-discovery") add(s, "service-discovery", port("service-discovery"));
        // Prometheus scrapes all but proxy-client (its actuator needs the ADMIN role); the smoke test checks all.
        if (s !== "proxy-client") add("prometheus", s, port(s));
        add("smoke-test", s, port(s));
    }
    // The gateway routes to every business service and the web client; the web client calls them all.
    for (const s of [...BUSINESS, "proxy-client"]) add("api-gateway", s, port(s));
    for (const s of [...BUSINESS, "api-gateway"]) add("proxy-client", s, port(s));
    // The business services' own calls (their Feign clients), and each one's database.
    for (const [from, to] of [["order-service", "user-service"], ["payment-service", "order-service"], ["shipping-service", "product-service"], ["shipping-service", "order-service"], ["favourite-service", "user-service"], ["favourite-service", "product-service"]]) {
        add(from!, to!, port(to!));
    }
    for (const s of BUSINESS) add(s, "postgres", TOOLS.postgres);
    for (const job of ["postgres-backup", "postgres-provision", "postgres-pre-upgrade"]) add(job, "postgres", TOOLS.postgres);
    // The config server clones its Git repository over HTTPS.
    add("cloud-config", "external", 443);
    // Observability: scraping and alerting, dashboards, trace and log storage, log shipping.
    add("prometheus", "alertmanager", TOOLS.alertmanager);
    for (const p of API_SERVER) add("prometheus", "external", p);
    for (const to of ["prometheus", "elasticsearch", "zipkin"] as const) add("grafana", to, TOOLS[to]);
    for (const from of ["zipkin", "logstash", "kibana"]) add(from, "elasticsearch", TOOLS.elasticsearch);
    add("kibana-setup", "kibana", TOOLS.kibana);
    add("log-shipper", "logstash", TOOLS.logstash);
    for (const p of API_SERVER) add("log-shipper", "external", p);
    return edges.sort();
}

function allowed(d: Declared): string[] {
    const pods = podsOf(d.objects);
    const portsOf = (pod: Pod): number[] => {
        const o = d.objects.find((x) => x.metadata.name === pod.name && x.metadata.namespace === pod.namespace && podTemplate(x))!;
        return podTemplate(o)!.spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.containerPort));
    };
    // The pre-upgrade backup's Job is named after the image set it precedes.
    const nameOf = (pod: Pod) => pod.name.replace(/^postgres-pre-upgrade-[0-9a-f]+$/, "postgres-pre-upgrade");
    const out: string[] = [];
    for (const from of pods) {
        for (const to of [...pods, EXTERNAL]) {
            const ports = to === EXTERNAL ? [25, 80, 443, 587, 6443, 8443] : portsOf(to);
            for (const p of ports) {
                if (from !== to && canConnect(d.objects, from, to, p)) out.push(`${nameOf(from)} -> ${nameOf(to)}:${p}`);
            }
        }
    }
    return out.sort();
}

describe("network isolation, every pair", () => {
    it("prod (smoke test on) allows exactly the specified connections", async () => {
        const d = await declare({ stack: "prod", config: { smokeTest: true } });
        const actual = allowed(d);
        const expected = specification();
        assert.deepEqual(
            { missing: expected.filter((e) => !actual.includes(e)), extra: actual.filter((a) => !expected.includes(a)) },
            { missing: [], extra: [] },
        );
    });
});
