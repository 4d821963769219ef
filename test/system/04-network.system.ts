/**
 * Network policies, both ways, on the live system: every edge of the traffic graph (the one
 * the policies are made from) connects, from a probe pod carrying the source's labels to a
 * ready pod of the target; DNS resolves; and a pod in another namespace, or in the stack's
 * namespace without an allowed identity, cannot reach PostgreSQL, a service or the tools.
 */
import { strict as assert } from "assert";
import { POSTGRES, serviceSpec } from "../../catalog";
import { PROMETHEUS } from "../../catalog/observability";
import { shipperNamespace } from "../../components/observability/logging";
import { isPod, SMOKE_TEST, trafficEdges, type PodPeer } from "../../components/network/traffic";
import { LiveSystem } from "../../e2e/live";
import { projectName, stackConfig } from "../../offline/stack-config";
import { loadSettings } from "../../stacks/settings";
import { figure, system } from "./fixture";

/** A shell script that tries each host:port and prints `open <host> <port>` or `closed <host> <port>`. */
function connectScript(targets: readonly { host: string; port: number }[], mode: "expect-open" | "expect-closed"): string {
    // A new pod's address reaches the policies' sets a moment after it starts (kube-router):
    // an allowed connection is retried for 20 s; a forbidden one is tried after that moment.
    const attempt = mode === "expect-open" ? "for i in $(seq 20); do nc -z -w 2 $h $p && break; sleep 1; done" : "nc -z -w 3 $h $p";
    return [
        ...(mode === "expect-closed" ? ["sleep 10"] : []),
        ...targets.map(({ host, port }) => `h=${host}; p=${port}; if ( ${attempt} ) >/dev/null 2>&1; then echo "open $h $p"; else echo "closed $h $p"; fi`),
    ].join("\n");
}

function parse(log: string): Map<string, "open" | "closed"> {
    const result = new Map<string, "open" | "closed">();
    for (const line of log.split("\n")) {
        const [state, host, port] = line.trim().split(" ");
        if (state === "open" || state === "closed") result.set(`${host}:${port}`, state);
    }
    return result;
}

/** The IP of a ready pod of each workload. */
function readyPodIps(live: LiveSystem): Map<string, string> {
    const list = live.json<{ items: { metadata: { labels?: Record<string, string> }; status: { podIP?: string; conditions?: { type: string; status: string }[] } }[] }>(["get", "pods"]);
    const ips = new Map<string, string>();
    for (const p of list.items) {
        const app = p.metadata.labels?.["app.kubernetes.io/name"];
        const ready = p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True");
        if (app && ready && p.status.podIP && !ips.has(app)) ips.set(app, p.status.podIP);
    }
    return ips;
}

describe("4. network policies, both ways", function () {
    it("every edge of the traffic graph connects, from a pod with the source's labels", async function () {
        const { live, ws, stack } = system(this);
        const raw = Object.fromEntries(
            Object.entries(stackConfig(stack, ws.dir))
                .filter(([k]) => k.startsWith(`${projectName()}:`))
                .map(([k, v]) => [k.slice(projectName().length + 1), v]),
        );
        const settings = loadSettings(raw, projectName(), stack);
        const ips = readyPodIps(live);
        const edges = trafficEdges(settings, shipperNamespace(live.namespace)).filter(
            (e): e is typeof e & { from: PodPeer; to: PodPeer } => isPod(e.from) && e.from.namespace === undefined && isPod(e.to),
        );
        const bySource = new Map<string, { host: string; port: number }[]>();
        const missing: string[] = [];
        for (const e of edges) {
            const ip = ips.get(e.to.pod);
            if (!ip) {
                missing.push(`${e.from.pod} -> ${e.to.pod}`);
                continue;
            }
            const list = bySource.get(e.from.pod) ?? [];
            if (!list.some((t) => t.host === ip && t.port === e.port)) list.push({ host: ip, port: e.port });
            bySource.set(e.from.pod, list);
        }
        assert.deepEqual(missing, [], "edges whose target has no ready pod");
        const closed: string[] = [];
        const started = Date.now();
        for (const [source, targets] of bySource) {
            const { log } = await live.probe(`edges-${source}`.slice(0, 63), connectScript(targets, "expect-open"), { labels: LiveSystem.as(source), seconds: 60 + targets.length * 25 });
            const states = parse(log);
            for (const t of targets) {
                if (states.get(`${t.host}:${t.port}`) !== "open") {
                    const app = [...ips.entries()].find(([, ip]) => ip === t.host)?.[0];
                    closed.push(`${source} -> ${app}:${t.port} (${states.get(`${t.host}:${t.port}`) ?? "not tried"})`);
                }
            }
        }
        figure("network", "edges of the traffic graph checked on live pods", `${edges.length} from ${bySource.size} sources, ${((Date.now() - started) / 1000).toFixed(0)} s`);
        assert.deepEqual(closed, [], "edges the policies should allow but the live system refused");
    });

    it("DNS resolves the stack's Services from a pod of the stack", async function () {
        const { live } = system(this);
        const names = [POSTGRES.serviceName, serviceSpec("api-gateway").name, PROMETHEUS.name];
        const { code, log } = await live.probe("dns", names.map((n) => `getent hosts ${n} || echo "unresolved ${n}"`).join("\n"), { labels: LiveSystem.as(SMOKE_TEST) });
        assert.equal(code, 0, log);
        assert.ok(!log.includes("unresolved"), log);
        assert.equal(log.trim().split("\n").length, names.length, log);
    });

    it("a pod in another namespace, or without an allowed identity, reaches none of PostgreSQL, a service or the tools", async function () {
        const { live } = system(this);
        const ips = readyPodIps(live);
        const targets = [
            { host: ips.get(POSTGRES.name)!, port: POSTGRES.port },
            { host: ips.get("user-service")!, port: serviceSpec("user-service").port },
            { host: ips.get("api-gateway")!, port: serviceSpec("api-gateway").port },
            { host: ips.get(PROMETHEUS.name)!, port: PROMETHEUS.port },
        ];
        assert.ok(targets.every((t) => t.host), `targets without a ready pod: ${JSON.stringify(targets)}`);
        const cases = [
            { name: "outsider", options: { namespace: "default" } },
            { name: "unlabelled", options: {} },
            // The smoke test may reach every service, never the database or Prometheus.
            { name: "smoke-identity", options: { labels: LiveSystem.as(SMOKE_TEST) }, only: [targets[0], targets[3]] },
        ];
        const reached: string[] = [];
        for (const c of cases) {
            const tried = c.only ?? targets;
            const { log } = await live.probe(`blocked-${c.name}`, connectScript(tried, "expect-closed"), { ...c.options, seconds: 90 });
            const states = parse(log);
            for (const t of tried) {
                if (states.get(`${t.host}:${t.port}`) !== "closed") reached.push(`${c.name} -> ${t.host}:${t.port} (${states.get(`${t.host}:${t.port}`) ?? "not tried"})`);
            }
        }
        assert.deepEqual(reached, [], "connections the policies should refuse");
    });
});
