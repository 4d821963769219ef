/** Manual sections 3, 8 and 9 with this program: isolation, restarts, rotation, smoke tests. */
import { strict as assert } from "assert";
import { objectId, type KubeObject } from "../offline/manifests";
import { RANDOM_PASSWORD } from "../offline/mocks";
import { MANUAL_SERVICES } from "./sources";
import { canConnect, canQuery, EXTERNAL, hasAllowPolicy, KUBE_DNS, podsOf, STRANGER, type Pod } from "./network-eval";
import { declare, declareFresh, find, ofKind, podTemplate, recorded, type Declared } from "./support";

function diff(a: readonly KubeObject[], b: readonly KubeObject[]): string[] {
    const index = (objects: readonly KubeObject[]) => new Map(objects.map((o) => [objectId(o), JSON.stringify(o)]));
    const before = index(a);
    const after = index(b);
    return [...new Set([...before.keys(), ...after.keys()])].filter((id) => before.get(id) !== after.get(id)).sort();
}

const BUSINESS = MANUAL_SERVICES.map((s) => s.name).filter((n) => /^(user|product|order|payment|shipping|favourite)-service$/.test(n));

describe("network isolation", () => {
    let d: Declared;
    let pods: Map<string, Pod>;
    const port = (name: string) => (find(d.objects, "Service", name).spec as { ports: { port: number }[] }).ports[0]!.port;
    const can = (from: string, to: string, p = port(to)) => canConnect(d.objects, pods.get(from)!, pods.get(to)!, p);
    beforeEach(async () => {
        d = await declare({ stack: "prod", config: { smokeTest: true } });
        pods = new Map(podsOf(d.objects).map((p) => [p.name, p]));
    });

    it("closes every namespace by default and gives every pod an allow policy of its own", () => {
        for (const ns of ["prod", "prod-logging"]) {
            const deny = ofKind(d.objects, "NetworkPolicy").find((p) => p.metadata.namespace === ns && p.metadata.name === "default-deny");
            assert.ok(deny, `default deny in ${ns}`);
            assert.deepEqual(deny.spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
        }
        for (const pod of pods.values()) {
            assert.ok(hasAllowPolicy(d.objects, pod), `${pod.namespace}/${pod.name} has no allow policy`);
        }
    });

    it("allows exactly the catalog's edges between services", () => {
        const edges: [string, string][] = [
            ["api-gateway", "order-service"],
            ["api-gateway", "proxy-client"],
            ["proxy-client", "user-service"],
            ["proxy-client", "api-gateway"],
            ["shipping-service", "order-service"],
            ["shipping-service", "product-service"],
            ["payment-service", "order-service"],
            ["favourite-service", "user-service"],
            ["order-service", "cloud-config"],
            ["order-service", "service-discovery"],
            ["service-discovery", "cloud-config"],
        ];
        for (const [from, to] of edges) {
            assert.ok(can(from, to), `${from} -> ${to} must be allowed`);
        }
        const forbidden: [string, string][] = [
            ["user-service", "order-service"],
            ["product-service", "user-service"],
            ["order-service", "payment-service"],
            ["order-service", "api-gateway"],
            ["cloud-config", "order-service"],
            ["kibana", "order-service"],
        ];
        for (const [from, to] of forbidden) {
            assert.ok(!can(from, to), `${from} -> ${to} must be denied`);
        }
        // The right peer on the wrong port is still denied.
        assert.ok(!can("api-gateway", "order-service", 5432));
    });

    it("opens PostgreSQL only to the services that own a database and to its jobs", () => {
        for (const name of [...BUSINESS, "postgres-backup", "postgres-provision"]) {
            assert.ok(can(name, "postgres", 5432), `${name} -> postgres`);
        }
        for (const name of ["api-gateway", "proxy-client", "cloud-config", "service-discovery", "grafana", "kibana", "zipkin", "prometheus", "smoke-test"]) {
            assert.ok(!can(name, "postgres", 5432), `${name} must not reach postgres`);
        }
    });

    it("lets Prometheus scrape every service and Grafana read the tools, and nothing in", () => {
        for (const name of MANUAL_SERVICES.map((s) => s.name).filter((n) => n !== "proxy-client")) {
            assert.ok(can("prometheus", name), `prometheus -> ${name}`);
        }
        assert.ok(can("grafana", "prometheus") && can("grafana", "elasticsearch") && can("grafana", "zipkin"));
        assert.ok(can("order-service", "zipkin"));
        assert.ok(!can("order-service", "prometheus"));
        assert.ok(!can("order-service", "elasticsearch"));
        assert.ok(canConnect(d.objects, pods.get("prometheus")!, EXTERNAL, 443), "prometheus -> API server");
        assert.ok(!canConnect(d.objects, pods.get("order-service")!, EXTERNAL, 443), "services have no way out");
    });

    it("lets the log shipper reach Logstash across namespaces, and the ingress controller reach only the gateway", () => {
        assert.ok(can("log-shipper", "logstash"));
        assert.ok(!can("log-shipper", "elasticsearch"));
        const controller: Pod = { name: "controller", namespace: "ingress-nginx", labels: { "app.kubernetes.io/name": "ingress-nginx" } };
        assert.ok(canConnect(d.objects, controller, pods.get("api-gateway")!, port("api-gateway")));
        assert.ok(!canConnect(d.objects, controller, pods.get("order-service")!, port("order-service")));
        const stranger: Pod = { name: "x", namespace: "default", labels: {} };
        assert.ok(!canConnect(d.objects, stranger, pods.get("api-gateway")!, port("api-gateway")));
    });

    it("lets the smoke test reach every service", () => {
        for (const { name } of MANUAL_SERVICES) {
            assert.ok(can("smoke-test", name), name);
        }
    });

    it("lets every pod resolve names at the cluster DNS, and send port 53 nowhere else", () => {
        for (const pod of pods.values()) {
            assert.ok(canQuery(d.objects, pod, KUBE_DNS), `${pod.namespace}/${pod.name} cannot resolve names`);
            assert.ok(!canQuery(d.objects, pod, STRANGER), `${pod.namespace}/${pod.name} may send port 53 to any pod`);
            const neighbour: Pod = { name: "metrics-server", namespace: KUBE_DNS.namespace, labels: { "k8s-app": "metrics-server" } };
            assert.ok(!canQuery(d.objects, pod, neighbour), `${pod.namespace}/${pod.name} may send port 53 to any pod of the DNS namespace`);
        }
    });

    it("keeps the cluster's own ranges out of every egress to the outside but the API server's", async () => {
        const blocks = (dd: Declared) =>
            ofKind(dd.objects, "NetworkPolicy").flatMap((p) =>
                ((p.spec as { egress?: { to?: { ipBlock?: { cidr: string; except?: string[] } }[]; ports?: { port: number }[] }[] }).egress ?? []).flatMap((rule) =>
                    (rule.to ?? []).filter((peer) => peer.ipBlock).map((peer) => ({ policy: p.metadata.name, ports: (rule.ports ?? []).map((x) => x.port), block: peer.ipBlock! })),
                ),
            );
        const gitAndReceivers = blocks(d).filter((b) => b.policy === "allow-cloud-config");
        assert.ok(gitAndReceivers.length > 0);
        for (const b of gitAndReceivers) {
            assert.deepEqual(b.block, { cidr: "0.0.0.0/0", except: ["10.244.0.0/16", "10.96.0.0/12"] });
        }
        for (const b of blocks(d).filter((x) => x.policy === "allow-prometheus")) {
            assert.equal(b.block.except, undefined, "the API server may sit in the cluster's ranges");
        }
        const custom = await declare({ stack: "prod", config: { clusterNetwork: { internalCidrs: ["172.20.0.0/16"] } } });
        assert.deepEqual(blocks(custom).find((b) => b.policy === "allow-cloud-config")!.block.except, ["172.20.0.0/16"]);
    });

    it("follows clusterDns where a cluster runs its DNS elsewhere", async () => {
        const moved = await declare({ stack: "prod", config: { clusterDns: { namespace: "dns", podLabels: { app: "resolver" } } } });
        const order = podsOf(moved.objects).find((p) => p.name === "order-service")!;
        assert.ok(canQuery(moved.objects, order, { name: "resolver", namespace: "dns", labels: { app: "resolver" } }));
        assert.ok(!canQuery(moved.objects, order, KUBE_DNS));
    });

    it("declares no policies when isolation is off", async () => {
        const open = await declare({ stack: "prod", config: { networkIsolation: false } });
        assert.deepEqual(ofKind(open.objects, "NetworkPolicy"), []);
    });
});

describe("service accounts", () => {
    it("gives every pod its own ServiceAccount, with an API token only where it reads the API", async () => {
        // The smoke test on too: every Job's pods count.
        const d = await declare({ stack: "prod", config: { smokeTest: true } });
        const accounts = new Set(ofKind(d.objects, "ServiceAccount").map((a) => `${a.metadata.namespace}/${a.metadata.name}`));
        for (const o of d.objects.filter((x) => podTemplate(x))) {
            const spec = podTemplate(o)!.spec as { serviceAccountName?: string; automountServiceAccountToken?: boolean };
            assert.ok(spec.serviceAccountName && accounts.has(`${o.metadata.namespace}/${spec.serviceAccountName}`), `${objectId(o)} account`);
            const readsApi = ["prometheus", "log-shipper"].includes(o.metadata.name);
            assert.equal(spec.automountServiceAccountToken !== false, readsApi, `${objectId(o)} token`);
        }
        for (const { name } of MANUAL_SERVICES) {
            assert.equal(podTemplate(find(d.objects, "Deployment", name))!.spec.serviceAccountName, name);
        }
    });
});

describe("restarts by config (manual 3.3)", () => {
    it("restartedAt rolls every service and nothing else", async () => {
        const before = await declare({ stack: "prod" });
        const after = await declare({ stack: "prod", config: { restartedAt: "2025-01-31T10:00:00Z" } });
        assert.deepEqual(diff(before.objects, after.objects), MANUAL_SERVICES.map((s) => `Deployment/prod/${s.name}`).sort());
    });

    it("services.<name>.restartedAt rolls that service only", async () => {
        const before = await declare({ stack: "prod" });
        const after = await declare({ stack: "prod", config: { services: { "order-service": { restartedAt: "2025-01-31T10:00:00Z" } } } });
        assert.deepEqual(diff(before.objects, after.objects), ["Deployment/prod/order-service"]);
        const annotations = podTemplate(find(after.objects, "Deployment", "order-service"))!.metadata.annotations!;
        assert.equal(annotations["ecommerce.io/restartedAt"], "2025-01-31T10:00:00Z");
    });
});

describe("secret rotation (manual 8.1)", () => {
    it("regenerates the passwords and rolls exactly the pods that read them", async () => {
        const before = await declare({ stack: "prod" });
        const after = await declare({ stack: "prod", config: { secretsRotation: 1 } });
        // Secrets are compared redacted here, so only the pods that read them show up; PostgreSQL
        // takes its new superuser password while it runs (found on live pods: its restart failed requests)...
        assert.deepEqual(diff(before.objects, after.objects), ["Job/prod/postgres-provision", "StatefulSet/prod/grafana"]);
        // ...and the Secrets' own values, compared raw, all change.
        const secretData = (r: Declared, name: string) =>
            JSON.stringify(recorded(r.resources, "kubernetes:core/v1:Secret", name)!.inputs.stringData);
        for (const name of ["postgres-credentials", "grafana-admin"]) {
            assert.notEqual(secretData(before, name), secretData(after, name), name);
        }
        // Every password; Alertmanager's digest key is no password and stays.
        const rotated = after.resources.filter((r) => r.type === RANDOM_PASSWORD);
        assert.ok(rotated.length > 0);
        assert.ok(rotated.every((r) => (r.inputs.keepers as { rotation: string }).rotation === "1"));
    });

    it("also rolls the business services when they read their database password", async () => {
        const images = { imageRegistry: "registry.example.com/shop", imageTag: "1.0.0-pg", datasource: "postgres" };
        const before = await declare({ stack: "prod", config: images });
        const after = await declare({ stack: "prod", config: { ...images, secretsRotation: 2 } });
        const changed = diff(before.objects, after.objects);
        for (const name of BUSINESS) {
            assert.ok(changed.includes(`Deployment/prod/${name}`), name);
        }
        for (const name of ["api-gateway", "proxy-client", "cloud-config", "service-discovery"]) {
            assert.ok(!changed.includes(`Deployment/prod/${name}`), name);
        }
    });

    it("sets a rotated superuser password on the running server, and before a restarted one starts", async () => {
        const d = await declare({ stack: "prod" });
        const pod = podTemplate(find(d.objects, "StatefulSet", "postgres"))!.spec;
        assert.deepEqual(pod.initContainers!.map((c) => c.command), [["sh", "/scripts/set-superuser-password.sh"]]);
        const sidecar = pod.containers.find((c) => c.name === "superuser-password");
        assert.deepEqual(sidecar?.command, ["sh", "/scripts/sync-superuser-password.sh"]);
        const env = Object.fromEntries((sidecar!.env ?? []).map((e) => [e.name, e.value]));
        // The file the kubelet rewrites on a rotation, in the volume the server's own container mounts.
        assert.equal(env.POSTGRES_PASSWORD_FILE, "/run/secrets/postgres/postgres-password");
        assert.equal(env.PGHOST, "/var/run/postgresql");
        const server = pod.containers.find((c) => c.name === "postgres")!;
        for (const mount of ["/run/secrets/postgres", "/var/run/postgresql"]) {
            const of = (c: typeof server) => (c.volumeMounts ?? []).find((m) => m.mountPath === mount)?.name;
            assert.ok(of(sidecar!) !== undefined && of(sidecar!) === of(server), mount);
        }
        // A file mounted by subPath is never updated by the kubelet.
        assert.ok((sidecar!.volumeMounts ?? []).every((m) => !("subPath" in m)));
    });
});

describe("smoke test (manual 9.1)", () => {
    it("is declared only when asked for", async () => {
        const d = await declare({ stack: "prod" });
        assert.ok(!ofKind(d.objects, "Job").some((j) => j.metadata.name === "smoke-test"));
    });

    it("is not declared while scaleToZero stops the services (found on live pods: it failed the README's restore step 1)", async () => {
        const stopped = await declare({ stack: "dev", config: { smokeTest: true, scaleToZero: true } });
        assert.ok(!ofKind(stopped.objects, "Job").some((j) => j.metadata.name === "smoke-test"));
        assert.ok(!ofKind(stopped.objects, "NetworkPolicy").some((p) => p.metadata.name === "allow-smoke-test"));
        const running = await declare({ stack: "dev", config: { smokeTest: true, scaleToZero: false } });
        assert.ok(ofKind(running.objects, "Job").some((j) => j.metadata.name === "smoke-test"));
    });

    it("checks every catalog service directly and every business service through the gateway", async () => {
        const d = await declare({ stack: "prod", config: { smokeTest: true } });
        const script = podTemplate(find(d.objects, "Job", "smoke-test"))!.spec.containers[0]!.command!.join(" ");
        for (const { name } of MANUAL_SERVICES) {
            const port = (find(d.objects, "Service", name).spec as { ports: { port: number }[] }).ports[0]!.port;
            assert.match(script, new RegExp(`check "${name}" "http://${name}:${port}/`), name);
        }
        for (const name of BUSINESS) {
            assert.match(script, new RegExp(`check "${name} via api-gateway" "http://api-gateway:8080/${name}/actuator/health"`));
        }
        assert.match(script, /UNHEALTHY: \$1/);
    });

    it("runs again when a service changes, and not otherwise", async () => {
        const revision = (d: Declared) => podTemplate(find(d.objects, "Job", "smoke-test"))!.metadata.annotations!["ecommerce.io/revision"];
        // Two separate evaluations: a revision that changed between runs of one config would rerun the test every up.
        const a = await declare({ stack: "prod", config: { smokeTest: true } });
        const b = await declareFresh({ stack: "prod", config: { smokeTest: true } });
        assert.notEqual(a, b);
        const c = await declare({ stack: "prod", config: { smokeTest: true, services: { "order-service": { image: "docker.io/selimhorri/order-service-ecommerce-boot:0.1.1" } } } });
        assert.equal(revision(a), revision(b));
        assert.notEqual(revision(a), revision(c));
    });
});

describe("ready-to-paste commands", () => {
    it("exports a log tail for every service in the stack's namespace", async () => {
        const d = await declare({ stack: "dev" });
        const logs = d.outputs.logs as Record<string, string>;
        for (const { name } of MANUAL_SERVICES) {
            assert.equal(logs[name], `kubectl logs -f deployment/${name} -n dev --tail=100`);
        }
    });
});

describe("spreading replicas over failure domains", () => {
    type Spread = { topologyKey: string; whenUnsatisfiable: string; labelSelector: { matchLabels: Record<string, string> } };
    const constraints = (d: Declared, name: string) =>
        ((podTemplate(find(d.objects, "Deployment", name))!.spec as { topologySpreadConstraints?: Spread[] }).topologySpreadConstraints ?? []);

    it("spreads every autoscaled service over nodes, softly, and leaves the singletons alone", async () => {
        const prod = await declare({ stack: "prod" });
        for (const { name } of MANUAL_SERVICES) {
            const found = constraints(prod, name);
            if (["service-discovery", "cloud-config"].includes(name)) {
                assert.deepEqual(found, [], name);
                continue;
            }
            assert.deepEqual(found.map((c) => [c.topologyKey, c.whenUnsatisfiable]), [["kubernetes.io/hostname", "ScheduleAnyway"]], name);
            assert.deepEqual(found[0]!.labelSelector.matchLabels, (find(prod.objects, "Deployment", name).spec as { selector: { matchLabels: object } }).selector.matchLabels);
        }
    });

    it("adds zones when asked, and spreads nothing when switched off", async () => {
        const zones = await declare({ stack: "prod", config: { spreadAcrossZones: true } });
        assert.deepEqual(constraints(zones, "order-service").map((c) => c.topologyKey), ["kubernetes.io/hostname", "topology.kubernetes.io/zone"]);
        const off = await declare({ stack: "dev", config: { spreadAcrossNodes: false } });
        assert.deepEqual(constraints(off, "order-service"), []);
    });
});
