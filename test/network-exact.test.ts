/**
 * Issue 18: the network policies allow exactly the connections the system needs, every
 * pair checked, against a specification written here from the manual and
 * docs/sources/reference-system.md (not from the generator): a missing edge (logs never
 * indexed, a call refused) and an extra one both fail.
 */
import { strict as assert } from "assert";
import { canConnect, EXTERNAL, peersOfNoPod, podsOf, type Pod } from "./network-eval";
import { MANUAL_SERVICES } from "./sources";
import { declare, podTemplate, type Declared } from "./support";

const port = (name: string) => MANUAL_SERVICES.find((s) => s.name === name)!.port;
const SPRING = MANUAL_SERVICES.map((s) => s.name);
const BUSINESS = SPRING.filter((n) => /^(user|product|order|payment|shipping|favourite)-service$/.test(n));
const TOOLS = { zipkin: 9411, prometheus: 9090, grafana: 3000, elasticsearch: 9200, logstash: 5044, kibana: 5601, alertmanager: 9093, postgres: 5432 };
const API_SERVER = [443, 6443];

/** What a stack turns on or off that changes who talks to whom. */
interface Variant {
    readonly smokeTest: boolean;
    readonly tracing: boolean;
    readonly logging: boolean;
    readonly metrics: boolean;
    readonly alerting: boolean;
    /** The config server clones a Git repository (or serves files from the stack). */
    readonly git: boolean;
    /** Ports the configured alert receivers listen on. */
    readonly receiverPorts: readonly number[];
    /** The off-site store's port, when backups are copied off-site. */
    readonly offsitePort?: number;
}

const FULL: Variant = { smokeTest: true, tracing: true, logging: true, metrics: true, alerting: true, git: true, receiverPorts: [] };

/** `from -> to:port`, with `external` for addresses outside the cluster's pods. */
function specification(v: Variant = FULL): string[] {
    const edges: string[] = [];
    const add = (from: string, to: string, p: number) => edges.push(`${from} -> ${to}:${p}`);
    for (const s of SPRING) {
        // Every Spring service sends spans, reads the config server and registers in Eureka.
        if (v.tracing) add(s, "zipkin", TOOLS.zipkin);
        if (s !== "cloud-config") add(s, "cloud-config", port("cloud-config"));
        if (s !== "service-discovery") add(s, "service-discovery", port("service-discovery"));
        // Prometheus scrapes all but proxy-client (its actuator needs the ADMIN role); the smoke test checks all.
        if (s !== "proxy-client" && v.metrics) add("prometheus", s, port(s));
        if (v.smokeTest) add("smoke-test", s, port(s));
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
    if (v.git) add("cloud-config", "external", 443);
    // Both backup Jobs (scheduled and pre-upgrade) upload each dump to the off-site store.
    if (v.offsitePort !== undefined) for (const job of ["postgres-backup", "postgres-pre-upgrade"]) add(job, "external", v.offsitePort);
    // Observability: scraping and alerting, dashboards, trace and log storage, log shipping.
    if (v.alerting) add("prometheus", "alertmanager", TOOLS.alertmanager);
    if (v.alerting) for (const p of v.receiverPorts) add("alertmanager", "external", p);
    if (v.metrics) {
        for (const p of API_SERVER) add("prometheus", "external", p);
        add("grafana", "prometheus", TOOLS.prometheus);
        if (v.logging) add("grafana", "elasticsearch", TOOLS.elasticsearch);
        if (v.tracing) add("grafana", "zipkin", TOOLS.zipkin);
    }
    if (v.logging) {
        for (const from of [...(v.tracing ? ["zipkin"] : []), "logstash", "kibana"]) add(from, "elasticsearch", TOOLS.elasticsearch);
        add("kibana-setup", "kibana", TOOLS.kibana);
        add("log-shipper", "logstash", TOOLS.logstash);
        for (const p of API_SERVER) add("log-shipper", "external", p);
    }
    return [...new Set(edges)].sort();
}

function portsOf(d: Declared, pod: Pod): number[] {
    const o = d.objects.find((x) => x.metadata.name === pod.name && x.metadata.namespace === pod.namespace && podTemplate(x))!;
    return podTemplate(o)!.spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.containerPort));
}

function allowed(d: Declared): string[] {
    const pods = podsOf(d.objects);
    // The pre-upgrade backup's Job is named after the image set it precedes.
    const nameOf = (pod: Pod) => pod.name.replace(/^postgres-pre-upgrade-[0-9a-f]+$/, "postgres-pre-upgrade");
    const out: string[] = [];
    for (const from of pods) {
        for (const to of [...pods, EXTERNAL]) {
            const ports = to === EXTERNAL ? [25, 80, 443, 587, 6443, 8443] : portsOf(d, to);
            for (const p of ports) {
                if (from !== to && canConnect(d.objects, from, to, p)) out.push(`${nameOf(from)} -> ${nameOf(to)}:${p}`);
            }
        }
    }
    return out.sort();
}

function assertExactly(d: Declared, expected: string[]): void {
    // The restore Job's rule stays while no restore is asked for, so a restore is never refused by a policy still being applied.
    const dangling = peersOfNoPod(d.objects).filter((p) => !p.includes('"app.kubernetes.io/name":"postgres-restore"'));
    assert.deepEqual(dangling, [], "rules for pods the stack does not run");
    // A pod elsewhere wearing a stack pod's labels reaches nothing: every peer is pinned to its namespace.
    const pods = podsOf(d.objects);
    const impostors = pods.map((p) => ({ ...p, name: `${p.name}@elsewhere`, namespace: "elsewhere" }));
    const reached = impostors.flatMap((from) => pods.filter((to) => portsOf(d, to).some((p) => canConnect(d.objects, from, to, p))).map((to) => `${from.name} -> ${to.name}`));
    assert.deepEqual(reached, [], "pods of another namespace with the stack's labels");
    const actual = allowed(d);
    assert.deepEqual(
        { missing: expected.filter((e) => !actual.includes(e)), extra: actual.filter((a) => !expected.includes(a)) },
        { missing: [], extra: [] },
    );
}

const OFFSITE = { endpoint: "https://s3.eu-west-1.amazonaws.com", bucket: "acme-backups", accessKeyId: "AKIA1", secretAccessKey: "secret-key-value" };

describe("network isolation, every pair", () => {
    it("prod (smoke test on) allows exactly the specified connections", async () => {
        assertExactly(await declare({ stack: "prod", config: { smokeTest: true } }), specification());
    });

    for (const [what, config, variant] of [
        ["no smoke test", { smokeTest: false }, { smokeTest: false }],
        ["tracing off", { smokeTest: true, observability: { tracing: { enabled: false } } }, { tracing: false }],
        ["logging off", { smokeTest: true, observability: { logging: { enabled: false } } }, { logging: false }],
        ["metrics and alerting off", { smokeTest: true, observability: { metrics: { enabled: false }, alerting: { enabled: false } } }, { metrics: false, alerting: false }],
        ["the config server's files from the stack", { smokeTest: true, configServerFolder: "config-server" }, { git: false }],
        ["backups copied off-site", { smokeTest: true, postgres: { backup: { offsite: OFFSITE } } }, { offsitePort: 443 }],
        ["mail and Slack receivers", { smokeTest: true, alertReceivers: { smtp: { smarthost: "smtp.example.com:587", from: "a@example.com" }, L1: { email: ["ops@example.com"], slack: [{ url: "https://hooks.slack.com/x", channel: "#ops" }] } } }, { receiverPorts: [443, 587] }],
    ] as const) {
        it(`prod, ${what}: exactly the specified connections`, async () => {
            const d = await declare({ stack: "prod", config, secrets: ["postgres", "alertReceivers"] });
            assertExactly(d, specification({ ...FULL, ...variant }));
        });
    }
});
