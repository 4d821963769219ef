/**
 * The observability tools read what they are given: every file a container is pointed at is
 * in a volume it mounts, Grafana finds its provisioning where Grafana looks, each tool's
 * account may do what the tool needs, Filebeat joins stack traces and probes answer on the
 * tools' documented endpoints. Checked by following references through the declared
 * objects, as the kubelet and the tools would, rather than by reading the code's constants.
 */
import { strict as assert } from "assert";
import { parse } from "yaml";
import { LOG_FIELDS, TOOLS } from "../catalog/observability";
import { filebeatDockerConfig } from "../components/observability/log-pipeline";
import { parsePrometheusDuration } from "../lib/durations";
import { OBSERVABILITY_DEFAULTS } from "../stacks/defaults";
import type { KubeObject } from "../offline/manifests";
import { configMapFile } from "./observability-files";
import { declare, dependenciesOf, envOf, find, LONG_RUNNING, objectName, ofKind, podTemplate, stackFile, type ContainerView, type Declared } from "./support";

interface Mount {
    name: string;
    mountPath: string;
    readOnly?: boolean;
}
interface Volume {
    name: string;
    configMap?: { name: string; items?: { key: string; path: string }[] };
    secret?: { secretName: string; items?: { key: string; path: string }[] };
    hostPath?: { path: string; type?: string };
    persistentVolumeClaim?: { claimName: string };
    emptyDir?: object;
}
interface Pod {
    namespace: string;
    owner: KubeObject;
    volumes: Volume[];
    claims: string[];
    serviceAccountName?: string;
    automountServiceAccountToken?: boolean;
    tolerations?: { key?: string; operator?: string }[];
    containers: (ContainerView & { args?: string[]; volumeMounts?: Mount[] })[];
}

function podsOf(d: Declared): Pod[] {
    return d.objects.flatMap((o) => {
        const template = podTemplate(o);
        if (!template) return [];
        const spec = template.spec as unknown as Omit<Pod, "namespace" | "owner" | "claims" | "volumes"> & { volumes?: Volume[] };
        const claims = ((o.spec as { volumeClaimTemplates?: { metadata: { name: string } }[] }).volumeClaimTemplates ?? []).map((c) => c.metadata.name);
        return [{ ...spec, volumes: spec.volumes ?? [], claims, namespace: o.metadata.namespace!, owner: o }];
    });
}

function podOf(d: Declared, kind: string, name: string): Pod {
    const pod = podsOf(d).find((p) => p.owner.kind === kind && p.owner.metadata.name === name);
    assert.ok(pod, `${kind} ${name}`);
    return pod;
}

/** What a container sees at `path` through its mounts: the files there (path → content; "" for a Secret's value) or the kind of storage. */
type Seen = { files: Map<string, string> } | { storage: "claim" | "emptyDir" | "hostPath" | "persistentVolumeClaim" } | undefined;

function seenAt(d: Declared, pod: Pod, container: Pod["containers"][number], path: string): Seen {
    const mount = (container.volumeMounts ?? [])
        .filter((m) => path === m.mountPath || path.startsWith(`${m.mountPath.replace(/\/$/, "")}/`))
        .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
    if (!mount) return undefined;
    const rel = path.slice(mount.mountPath.length).replace(/^\//, "");
    const volume = pod.volumes.find((v) => v.name === mount.name);
    if (!volume) return pod.claims.includes(mount.name) ? { storage: "claim" } : undefined;
    const source = volume.configMap ?? volume.secret;
    if (!source) {
        const storage = (["emptyDir", "hostPath", "persistentVolumeClaim"] as const).find((k) => volume[k] !== undefined);
        return storage ? { storage } : undefined;
    }
    const object = volume.configMap ? find(d.objects, "ConfigMap", volume.configMap.name) : find(d.objects, "Secret", volume.secret!.secretName);
    const data = { ...((object.data as Record<string, string> | undefined) ?? {}), ...((object.stringData as Record<string, string> | undefined) ?? {}) };
    const entries: [string, string][] = source.items ? source.items.map((i) => [i.path, data[i.key] ?? ""]) : Object.entries(data);
    const present = entries.filter(([file]) => (source.items ? source.items.some((i) => i.path === file && data[i.key] !== undefined) : true));
    const files = new Map(present.filter(([file]) => rel === "" || file === rel || file.startsWith(`${rel}/`)).map(([file, content]) => [`${mount.mountPath}/${file}`, typeof content === "string" ? content : ""]));
    return { files };
}

function fileAt(d: Declared, pod: Pod, container: Pod["containers"][number], path: string): string {
    const seen = seenAt(d, pod, container, path);
    assert.ok(seen && "files" in seen && seen.files.has(path), `${pod.owner.metadata.name}/${container.name} reads ${path}, which none of its mounts holds`);
    return seen.files.get(path)!;
}

/** Absolute paths a container is told about: in its arguments (also after `=`) and in *_FILE variables. */
function referencedPaths(container: Pod["containers"][number]): string[] {
    const fromArgs = (container.args ?? []).map((a) => a.slice(a.indexOf("=") + 1)).filter((a) => a.startsWith("/"));
    const fromEnv = (container.env ?? []).filter((e) => /_FILE$/.test(e.name) && e.value?.startsWith("/")).map((e) => e.value!);
    return [...fromArgs, ...fromEnv];
}

interface Rule {
    apiGroups: string[];
    resources: string[];
    verbs: string[];
}

/** Whether Kubernetes RBAC lets a ServiceAccount do `verb` on `resource` in `namespace` (cluster-wide when undefined). */
function allowed(d: Declared, sa: { namespace: string; name: string }, apiGroup: string, resource: string, verb: string, namespace?: string): boolean {
    const subjectIs = (b: KubeObject) =>
        ((b.subjects as { kind: string; name: string; namespace?: string }[] | undefined) ?? []).some((s) => s.kind === "ServiceAccount" && s.name === sa.name && s.namespace === sa.namespace);
    const grants = (role: KubeObject | undefined) =>
        ((role?.rules as Rule[] | undefined) ?? []).some((r) => r.apiGroups.includes(apiGroup) && r.resources.includes(resource) && r.verbs.includes(verb));
    const roleOf = (b: KubeObject, ns?: string) => {
        const ref = b.roleRef as { apiGroup: string; kind: string; name: string };
        if (ref.apiGroup !== "rbac.authorization.k8s.io") return undefined;
        return d.objects.find((o) => o.kind === ref.kind && o.metadata.name === ref.name && (ref.kind === "ClusterRole" || o.metadata.namespace === ns));
    };
    const cluster = ofKind(d.objects, "ClusterRoleBinding").some((b) => subjectIs(b) && grants(roleOf(b)));
    const local = namespace !== undefined && ofKind(d.objects, "RoleBinding").some((b) => b.metadata.namespace === namespace && subjectIs(b) && grants(roleOf(b, namespace)));
    return cluster || local;
}

const READ = ["get", "list", "watch"];

/** Filebeat's multiline rule (pattern, negate, match: after), applied as its reference describes. */
function joinLines(lines: string[], rule: { type: string; pattern: string; negate: boolean; match: string }): string[] {
    assert.equal(rule.type, "pattern");
    assert.equal(rule.match, "after", "continuation lines are appended to the line before them");
    const events: string[] = [];
    for (const line of lines) {
        const matches = new RegExp(rule.pattern).test(line);
        const continues = rule.negate ? !matches : matches;
        if (continues && events.length > 0) events[events.length - 1] += `\n${line}`;
        else events.push(line);
    }
    return events;
}

const TRACED_ERROR = [
    "2024-03-05 10:15:30.123 ERROR [ORDER-SERVICE,5f1c2b3a4d5e6f70,5f1c2b3a4d5e6f70] 1 --- [nio-8083-exec-1] c.s.a.r.OrderResource : failed",
    "java.lang.IllegalStateException: no stock",
    "\tat com.selimhorri.app.OrderService.place(OrderService.java:42)",
    "\t... 12 common frames omitted",
    "2024-03-05 10:15:31.000  INFO [ORDER-SERVICE,,] 1 --- [nio-8083-exec-2] c.s.a.r.OrderResource : next",
];

interface FilebeatInput {
    type: string;
    id: string;
    paths: string[];
    "prospector.scanner.symlinks"?: boolean;
    parsers: ({ container?: unknown } & { multiline?: { type: string; pattern: string; negate: boolean; match: string } })[];
    processors: Record<string, Record<string, unknown>>[];
}

function checkInputs(inputs: FilebeatInput[]): void {
    assert.ok(inputs.length > 0);
    // Filebeat 8 requires each filestream input to carry its own id.
    const ids = inputs.map((i) => i.id);
    assert.ok(ids.every((id) => id.length > 0) && new Set(ids).size === ids.length, JSON.stringify(ids));
    for (const input of inputs) {
        assert.equal(input.type, "filestream");
        // Container runtimes write JSON/CRI-framed lines; the container parser unwraps them before lines are joined.
        const kinds = input.parsers.map((p) => Object.keys(p)[0]);
        assert.deepEqual(kinds, ["container", "multiline"]);
        const multiline = input.parsers[1]!.multiline!;
        assert.deepEqual(joinLines(TRACED_ERROR, multiline), [TRACED_ERROR.slice(0, 4).join("\n"), TRACED_ERROR[4]]);
    }
}

for (const stack of ["dev", "prod"]) {
    describe(`${stack} stack: the observability tools read what they are given`, () => {
        let d: Declared;
        beforeEach(async () => {
            d = await declare({ stack });
        });

        it("finds every file a container is pointed at in a volume it mounts", () => {
            let checked = 0;
            for (const pod of podsOf(d)) {
                for (const container of pod.containers) {
                    for (const path of referencedPaths(container)) {
                        const seen = seenAt(d, pod, container, path);
                        assert.ok(seen, `${pod.owner.metadata.name}/${container.name}: nothing is mounted at ${path}`);
                        if ("files" in seen) {
                            assert.ok(seen.files.has(path) || [...seen.files.keys()].some((f) => f.startsWith(`${path}/`)), `${pod.owner.metadata.name}/${container.name}: ${path} is in no key of its volume`);
                        }
                        checked++;
                    }
                }
            }
            assert.ok(checked >= 6, `${checked} paths`);
        });

        it("runs Prometheus on its mounted configuration and rules, its data on the claim, for the configured retention", () => {
            const pod = podOf(d, "StatefulSet", "prometheus");
            const container = pod.containers[0]!;
            const flag = (name: string) => (container.args ?? []).find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
            const config = parse(fileAt(d, pod, container, flag("config.file")!)) as { rule_files: string[]; global: { scrape_interval: string; evaluation_interval: string } };
            assert.ok(config.rule_files.length > 0);
            for (const file of config.rule_files) {
                const rules = parse(fileAt(d, pod, container, file)) as { groups: { rules: unknown[] }[] };
                assert.ok(rules.groups.some((g) => g.rules.length > 0), file);
            }
            assert.deepEqual(seenAt(d, pod, container, flag("storage.tsdb.path")!), { storage: "claim" });
            const configured = ((stackFile(stack)["ecommerce:observability"] as { metrics?: { retention?: string } } | undefined)?.metrics?.retention) ?? OBSERVABILITY_DEFAULTS.metrics.retention;
            assert.equal(flag("storage.tsdb.retention.time"), configured);
            assert.match(config.global.scrape_interval, /^\d+[smh]$/);
            assert.match(config.global.evaluation_interval, /^\d+[smh]$/);
        });

        it("gives Grafana its datasources and dashboards where Grafana looks for them, each panel on a datasource it has", () => {
            const pod = podOf(d, "StatefulSet", "grafana");
            const container = pod.containers[0]!;
            // Grafana's default paths.provisioning is /etc/grafana/provisioning, one folder per kind.
            const under = (dir: string) => {
                const seen = seenAt(d, pod, container, dir);
                assert.ok(seen && "files" in seen && seen.files.size > 0, `nothing in ${dir}`);
                return [...seen.files.values()].map((f) => parse(f) as Record<string, unknown>);
            };
            type Datasource = { name: string; uid: string; type: string; access: string; url: string; isDefault?: boolean; jsonData?: { index: string; timeField: string } };
            const datasources = under("/etc/grafana/provisioning/datasources").flatMap((f) => f.datasources as Datasource[]);
            assert.ok(datasources.length >= 2);
            assert.deepEqual(datasources.filter((s) => s.isDefault).map((s) => s.type), ["prometheus"]);
            for (const source of datasources) {
                assert.ok(source.name && source.uid, JSON.stringify(source));
                // The URLs are Service names only the Grafana server can resolve, not the browser.
                assert.equal(source.access, "proxy", source.name);
                const [, host, port] = /^http:\/\/([a-z0-9-]+):(\d+)$/.exec(source.url) ?? [];
                const service = d.objects.find((o) => o.kind === "Service" && o.metadata.name === host && o.metadata.namespace === pod.namespace);
                assert.ok(service, `${source.name}: no Service ${host}`);
                assert.ok((service.spec as { ports: { port: number }[] }).ports.some((p) => p.port === Number(port)), `${source.name}: ${host} has no port ${port}`);
            }
            const logs = datasources.find((s) => s.type === "elasticsearch");
            if (logs) {
                const pipeline = configMapFile(d, "logstash-pipeline", "logstash.conf");
                const index = /index => "([^"%]+)%\{\+YYYY\.MM\.dd\}"/.exec(pipeline)![1]!;
                assert.ok(new RegExp(`^${logs.jsonData!.index.replace(/[.]/g, "\\.").replace(/\*/g, ".*")}$`).test(`${index}2026.11.26`), `${logs.jsonData!.index} covers ${index}<date>`);
                assert.match(pipeline, new RegExp(`target => "${logs.jsonData!.timeField}"`));
                assert.equal(logs.jsonData!.timeField, LOG_FIELDS.time);
            }
            const providers = under("/etc/grafana/provisioning/dashboards").flatMap((f) => f.providers as { name: string; type: string; options: { path: string } }[]);
            assert.ok(providers.length > 0);
            const uids = new Map(datasources.map((s) => [s.uid, s.type]));
            for (const provider of providers) {
                assert.equal(provider.type, "file");
                assert.ok(provider.name);
                const seen = seenAt(d, pod, container, provider.options.path);
                assert.ok(seen && "files" in seen && seen.files.size > 0, `no dashboard in ${provider.options.path}`);
                for (const file of seen.files.values()) {
                    const dashboard = JSON.parse(file) as { panels: { type: string; datasource?: { type: string; uid: string }; targets?: { refId: string; datasource: { type: string; uid: string } }[] }[] };
                    for (const panel of dashboard.panels.filter((p) => p.type !== "row")) {
                        for (const ref of [panel.datasource!, ...panel.targets!.map((t) => t.datasource)]) {
                            assert.equal(uids.get(ref.uid), ref.type, `panel datasource ${JSON.stringify(ref)}`);
                        }
                    }
                }
            }
        });

        it("reads Grafana's admin user and password from files of its Secret, and logs to the console only (its root is read-only)", () => {
            const pod = podOf(d, "StatefulSet", "grafana");
            const container = pod.containers[0]!;
            const secret = find(d.objects, "Secret", "grafana-admin");
            const keys = Object.keys({ ...(secret.stringData as object), ...(secret.data as object) });
            assert.deepEqual(keys.sort(), ["admin-password", "admin-user"]);
            for (const key of keys) {
                // Grafana reads GF_<SECTION>_<KEY>__FILE: [security] admin_user, admin_password.
                const variable = `GF_SECURITY_${key.toUpperCase().replace(/-/g, "_")}__FILE`;
                const path = envOf(container)[variable];
                assert.ok(path, variable);
                const seen = seenAt(d, pod, container, path);
                assert.ok(seen && "files" in seen && seen.files.has(path), `${variable}=${path}`);
            }
            assert.equal((container.securityContext as { readOnlyRootFilesystem?: boolean }).readOnlyRootFilesystem, true);
            assert.equal(envOf(container).GF_LOG_MODE, "console");
        });

        it("lets each account do what its tool needs, reading only, and mounts a token only where one is bound", () => {
            const prometheus = podOf(d, "StatefulSet", "prometheus");
            const sa = { namespace: prometheus.namespace, name: prometheus.serviceAccountName! };
            const config = parse(configMapFile(d, "prometheus-config", "prometheus.yml")) as { scrape_configs: { kubernetes_sd_configs?: { role: string; namespaces: { names: string[] } }[] }[] };
            // What each discovery role lists and watches (Prometheus' kubernetes_sd_config reference).
            const needs: Record<string, string[]> = { pod: ["pods"], endpoints: ["endpoints", "services", "pods"], service: ["services"] };
            const discoveries = config.scrape_configs.flatMap((j) => j.kubernetes_sd_configs ?? []);
            assert.ok(discoveries.length > 0);
            for (const sd of discoveries) {
                for (const ns of sd.namespaces.names) {
                    for (const resource of needs[sd.role]!) {
                        for (const verb of ["list", "watch"]) {
                            assert.ok(allowed(d, sa, "", resource, verb, ns), `prometheus may ${verb} ${resource} in ${ns}`);
                        }
                    }
                }
            }
            assert.ok(!allowed(d, sa, "", "secrets", "get", prometheus.namespace));
            assert.ok(!allowed(d, sa, "", "pods", "list"), "not cluster-wide");

            const shipper = podsOf(d).find((p) => p.owner.kind === "DaemonSet");
            if (shipper) {
                const account = { namespace: shipper.namespace, name: shipper.serviceAccountName! };
                // add_kubernetes_metadata watches pods, and reads their namespaces and nodes, on every node.
                for (const resource of ["pods", "namespaces", "nodes"]) {
                    for (const verb of READ) assert.ok(allowed(d, account, "", resource, verb), `log shipper may ${verb} ${resource}`);
                }
                assert.ok(!allowed(d, account, "", "secrets", "get"));
            }

            for (const role of [...ofKind(d.objects, "Role"), ...ofKind(d.objects, "ClusterRole")]) {
                for (const rule of role.rules as Rule[]) {
                    assert.deepEqual(rule.verbs.filter((v) => !READ.includes(v)), [], `${role.kind} ${role.metadata.name} only reads`);
                    assert.ok(!rule.resources.includes("secrets") && !rule.resources.includes("*"), `${role.metadata.name}`);
                }
            }
            const bound = new Set(
                [...ofKind(d.objects, "RoleBinding"), ...ofKind(d.objects, "ClusterRoleBinding")].flatMap((b) => {
                    const ref = b.roleRef as { kind: string; name: string };
                    assert.ok(d.objects.some((o) => o.kind === ref.kind && o.metadata.name === ref.name), `${b.metadata.name} binds a ${ref.kind} that exists`);
                    return (b.subjects as { kind: string; name: string; namespace: string }[]).map((s) => {
                        assert.ok(d.objects.some((o) => o.kind === "ServiceAccount" && o.metadata.name === s.name && o.metadata.namespace === s.namespace), `${b.metadata.name}: ${s.namespace}/${s.name}`);
                        return `${s.namespace}/${s.name}`;
                    });
                }),
            );
            assert.ok(bound.size >= 1);
            for (const account of ofKind(d.objects, "ServiceAccount")) {
                // An account opts in nothing; a pod that needs the API asks for its token itself.
                assert.equal(account.automountServiceAccountToken, false, `ServiceAccount ${account.metadata.namespace}/${account.metadata.name}`);
            }
            for (const pod of podsOf(d)) {
                const key = `${pod.namespace}/${pod.serviceAccountName}`;
                assert.equal(pod.automountServiceAccountToken === true, bound.has(key), `${pod.owner.kind} ${pod.owner.metadata.name}: token mounted iff ${key} is bound`);
            }
        });

        it("ships logs from every node: host logs read-only, its registry its own, stack traces joined, metadata from its own node", () => {
            const shipper = podsOf(d).find((p) => p.owner.kind === "DaemonSet");
            assert.ok(shipper);
            const container = shipper.containers[0]!;
            // Every taint tolerated: logs of pods on tainted nodes too.
            assert.ok(shipper.tolerations?.some((t) => t.operator === "Exists" && t.key === undefined), JSON.stringify(shipper.tolerations));
            const configPath = (container.args ?? [])[(container.args ?? []).indexOf("-c") + 1]!;
            const config = parse(fileAt(d, shipper, container, configPath)) as Record<string, unknown>;
            const inputs = config["filebeat.inputs"] as FilebeatInput[];
            checkInputs(inputs);
            for (const input of inputs) {
                for (const glob of input.paths) {
                    const dir = glob.slice(0, glob.lastIndexOf("/"));
                    assert.deepEqual(seenAt(d, shipper, container, dir), { storage: "hostPath" }, glob);
                }
                // The kubelet's /var/log/containers/*.log are symlinks into /var/log/pods.
                assert.equal(input["prospector.scanner.symlinks"], true);
                const metadata = input.processors.find((p) => p.add_kubernetes_metadata)!.add_kubernetes_metadata as { host: string; matchers: { logs_path: { logs_path: string } }[] };
                const hostVar = /^\$\{(\w+)\}$/.exec(metadata.host)![1]!;
                const fromPod = container.env?.find((e) => e.name === hostVar) as { valueFrom?: { fieldRef?: { fieldPath: string } } } | undefined;
                assert.equal(fromPod?.valueFrom?.fieldRef?.fieldPath, "spec.nodeName", `${hostVar} is the node's name`);
                for (const matcher of metadata.matchers) {
                    assert.ok(input.paths.every((p) => p.startsWith(matcher.logs_path.logs_path)), matcher.logs_path.logs_path);
                }
            }
            const logstash = d.objects.find((o) => o.kind === "Service" && o.metadata.name === "logstash")!;
            const port = (logstash.spec as { ports: { port: number }[] }).ports[0]!.port;
            assert.deepEqual((config["output.logstash"] as { hosts: string[] }).hosts.map((h) => h.split(":")[1]), [String(port)]);
            // Its HTTP endpoint listens beyond localhost (its default), on the port the probes use.
            assert.equal(config["http.enabled"], true);
            assert.equal(config["http.host"], "0.0.0.0");
            const probePort = container.ports?.find((p) => p.name === container.readinessProbe?.httpGet?.port)?.containerPort;
            assert.equal(config["http.port"], probePort);
            assert.equal(container.livenessProbe?.httpGet?.port, container.readinessProbe?.httpGet?.port);
            for (const mount of container.volumeMounts ?? []) {
                const volume = shipper.volumes.find((v) => v.name === mount.name);
                if (volume?.hostPath && mount.mountPath !== "/usr/share/filebeat/data") {
                    assert.equal(mount.readOnly, true, `${mount.mountPath} is the node's, read-only`);
                }
            }
            const registry = container.volumeMounts!.find((m) => m.mountPath === "/usr/share/filebeat/data")!;
            const registryPath = shipper.volumes.find((v) => v.name === registry.name)?.hostPath?.path;
            assert.ok(registryPath?.includes(stack), `the registry ${registryPath} is this stack's, so another stack's shipper on the node keeps its own place`);
            const security = container.securityContext as { readOnlyRootFilesystem: boolean; capabilities: { drop: string[]; add?: string[] } };
            assert.equal(security.readOnlyRootFilesystem, true);
            assert.deepEqual(security.capabilities.drop, ["ALL"]);
            // Container logs are root's, mode 0640: root reads them with no capability (test/real/log-files.test.ts).
            assert.equal(security.capabilities.add, undefined);
        });

        it("runs Elasticsearch without TLS or users only where every client speaks plain HTTP to it, with a fixed heap under half its memory", () => {
            const es = podOf(d, "StatefulSet", "elasticsearch");
            const env = envOf(es.containers[0]!);
            assert.equal(env["discovery.type"], "single-node");
            assert.equal(env["xpack.security.enabled"], "false");
            const clients = podsOf(d).flatMap((p) => p.containers.flatMap((c) => Object.values(envOf(c)).filter((v) => v.includes("elasticsearch:"))));
            assert.ok(clients.length >= 2);
            for (const value of clients) assert.match(value, /http:\/\/elasticsearch:9200/, value);
            assert.equal(env["cluster.name"]?.includes(stack), true, env["cluster.name"]);
            for (const [name, variable] of [["elasticsearch", "ES_JAVA_OPTS"], ["logstash", "LS_JAVA_OPTS"]] as const) {
                const pod = podsOf(d).find((p) => p.owner.metadata.name === name)!;
                const container = pod.containers[0]!;
                const opts = envOf(container)[variable]!;
                const min = /-Xms(\d+)([mg])/.exec(opts);
                const max = /-Xmx(\d+)([mg])/.exec(opts);
                assert.ok(min && max, `${name}: ${opts}`);
                assert.equal(min[0].slice(4), max[0].slice(4), `${name}: heap fixed`);
                const heapMi = Number(max[1]) * (max[2] === "g" ? 1024 : 1);
                const limit = container.resources!.limits!.memory!;
                const limitMi = Number(/^(\d+)/.exec(limit)![1]) * (limit.endsWith("Gi") ? 1024 : 1);
                assert.ok(heapMi * 2 <= limitMi, `${name}: heap ${heapMi}Mi within half of ${limit}`);
            }
            const zipkin = envOf(podOf(d, "Deployment", "zipkin").containers[0]!);
            assert.equal(zipkin.STORAGE_TYPE, "elasticsearch");
            assert.equal(zipkin.ES_HOSTS, "http://elasticsearch:9200");
            const percent = Number(/MaxRAMPercentage=(\d+)/.exec(zipkin.JAVA_OPTS ?? "")?.[1]);
            assert.ok(percent > 0 && percent <= 75, zipkin.JAVA_OPTS);
            assert.ok(envOf(podOf(d, "Deployment", "kibana").containers[0]!).SERVER_NAME?.includes(stack));
        });

        it("creates the ConfigMaps and Secrets each tool mounts before the tool, so its pods never wait on a missing volume", () => {
            const tools = new Set([...TOOLS.map((t) => t.name), "log-shipper"]);
            let checked = 0;
            for (const r of d.resources) {
                const object = d.objects.find((o) => o.metadata.name === objectName(r) && r.type.endsWith(`:${o.kind}`));
                if (!object || !tools.has(object.metadata.name) || !podTemplate(object)) continue;
                const pod = podsOf(d).find((p) => p.owner === object)!;
                const mounted = pod.volumes.flatMap((v) => (v.configMap ? [v.configMap.name] : v.secret ? [v.secret.secretName] : []));
                const deps = dependenciesOf(d.resources, r);
                for (const name of mounted) {
                    assert.ok(deps.includes(name), `${object.kind} ${object.metadata.name} is created after ${name} (depends on ${deps.join(", ")})`);
                    checked++;
                }
            }
            assert.ok(checked >= 5, `${checked}`);
        });

        it("keeps the tools' volumes when a StatefulSet is deleted or scaled down", () => {
            for (const set of ofKind(d.objects, "StatefulSet")) {
                assert.deepEqual((set.spec as { persistentVolumeClaimRetentionPolicy?: object }).persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" }, set.metadata.name);
            }
        });

        it("probes each tool on the health endpoint its documentation gives", () => {
            // Upstream: Prometheus and Alertmanager /-/ready and /-/healthy, Grafana /api/health,
            // Kibana /api/status, Zipkin /health, Elasticsearch _cluster/health, Logstash's API and Filebeat's at /.
            const documented: Record<string, { ready: string; live?: string }> = {
                prometheus: { ready: "/-/ready", live: "/-/healthy" },
                alertmanager: { ready: "/-/ready", live: "/-/healthy" },
                grafana: { ready: "/api/health", live: "/api/health" },
                kibana: { ready: "/api/status" },
                zipkin: { ready: "/health" },
                elasticsearch: { ready: "/_cluster/health?local=true" },
                logstash: { ready: "/" },
                "log-shipper": { ready: "/", live: "/" },
            };
            for (const [name, paths] of Object.entries(documented)) {
                const pod = podsOf(d).find((p) => p.owner.metadata.name === name && LONG_RUNNING.includes(p.owner.kind));
                assert.ok(pod, name);
                const container = pod.containers[0]!;
                assert.equal(container.readinessProbe?.httpGet?.path, paths.ready, `${name} readiness`);
                if (paths.live) assert.equal(container.livenessProbe?.httpGet?.path, paths.live, `${name} liveness`);
            }
        });
    });
}

describe("the Grafana dashboard's layout", () => {
    let panels: { id: number; type: string; title: string; gridPos: { h: number; w: number; x: number; y: number }; targets?: { refId: string; expr: string }[] }[];
    let dashboard: { uid: string; title: string; tags: string[]; refresh: string; time: { from: string; to: string } };
    let scrapeInterval: string;
    beforeEach(async () => {
        const d = await declare({ stack: "dev" });
        dashboard = JSON.parse(configMapFile(d, "grafana-dashboards", "ecommerce-services.json"));
        panels = (dashboard as unknown as { panels: typeof panels }).panels;
        scrapeInterval = (parse(configMapFile(d, "prometheus-config", "prometheus.yml")) as { global: { scrape_interval: string } }).global.scrape_interval;
    });

    const seconds = (duration: string) => (parsePrometheusDuration(duration) ?? NaN) / 1000;

    it("puts every panel on the 24-column grid, none overlapping, each below its service's row", () => {
        assert.equal(new Set(panels.map((p) => p.id)).size, panels.length);
        assert.ok(panels.every((p) => p.id > 0));
        const cells = new Set<string>();
        let row: (typeof panels)[number] | undefined;
        for (const panel of panels) {
            const { h, w, x, y } = panel.gridPos;
            assert.ok(w >= 1 && h >= 1 && x >= 0 && y >= 0 && x + w <= 24, `${panel.title}: ${JSON.stringify(panel.gridPos)}`);
            for (let cx = x; cx < x + w; cx++) {
                for (let cy = y; cy < y + h; cy++) {
                    assert.ok(!cells.has(`${cx},${cy}`), `${panel.title} overlaps another panel at ${cx},${cy}`);
                    cells.add(`${cx},${cy}`);
                }
            }
            if (panel.type === "row") {
                assert.equal(w, 24);
                row = panel;
            } else {
                assert.ok(row && y > row.gridPos.y && panel.title.startsWith(`${row.title}: `), panel.title);
                assert.ok(panel.targets!.length > 0 && panel.targets!.every((t) => t.refId.length > 0 && t.expr.includes(`"${row!.title}"`)), panel.title);
            }
        }
        assert.ok(panels.filter((p) => p.type === "row").length >= 8);
    });

    it("shows the last hours up to now, refreshed no faster than Prometheus scrapes", () => {
        assert.ok(dashboard.uid && dashboard.title && dashboard.tags.length > 0);
        assert.equal(dashboard.time.to, "now");
        assert.match(dashboard.time.from, /^now-\d+[mhd]$/);
        assert.ok(seconds(dashboard.refresh) >= seconds(scrapeInterval), `${dashboard.refresh} vs ${scrapeInterval}`);
    });
});

describe("Filebeat on one Docker host", () => {
    it("reads every container's log file with Docker's metadata, joining stack traces, into the given Logstash", () => {
        const config = filebeatDockerConfig("logstash:5044");
        const inputs = config["filebeat.inputs"] as FilebeatInput[];
        checkInputs(inputs);
        for (const input of inputs) {
            // Docker's json-file driver writes /var/lib/docker/containers/<id>/<id>-json.log.
            assert.ok(input.paths.some((p) => new RegExp(`^${p.replace(/\*/g, "[^/]+")}$`).test("/var/lib/docker/containers/abc/abc-json.log")), JSON.stringify(input.paths));
            const docker = input.processors.find((p) => p.add_docker_metadata)?.add_docker_metadata as { host: string } | undefined;
            assert.equal(docker?.host, "unix:///var/run/docker.sock");
        }
        assert.deepEqual(config["output.logstash"], { hosts: ["logstash:5044"] });
    });
});

describe("observability tools switched off one by one", () => {
    for (const [part, titles] of [
        ["metrics", ["Prometheus", "Grafana", "Alertmanager"]],
        ["tracing", ["Zipkin"]],
        ["alerting", ["Alertmanager"]],
    ] as const) {
        it(`${part} off: no way to reach ${titles.join(", ")} is offered, and each one offered reaches a Service`, async () => {
            const d = await declare({ stack: "prod", config: { observability: { [part]: { enabled: false }, ...(part === "metrics" ? { alerting: { enabled: false } } : {}) } } });
            const tools = d.outputs.tools as Record<string, string>;
            for (const title of titles) assert.ok(!(title in tools), `${title} is offered`);
            assert.ok(Object.keys(tools).length >= 2);
            for (const [title, command] of Object.entries(tools)) {
                const [, ns, name, port] = /^kubectl port-forward -n (\S+) svc\/(\S+) (\d+):\d+/.exec(command) ?? [];
                const service = d.objects.find((o) => o.kind === "Service" && o.metadata.name === name && o.metadata.namespace === ns);
                assert.ok(service, `${title}: ${command}`);
                assert.ok((service.spec as { ports: { port: number }[] }).ports.some((p) => p.port === Number(port)), `${title}: ${command}`);
            }
        });
    }
});

describe("every object of the observability tools", () => {
    it("carries the observability component label, so kubectl -l app.kubernetes.io/component=observability finds them all", async () => {
        const d = await declare({ stack: "prod" });
        const names = [...TOOLS.map((t) => t.name), "log-shipper", "kibana-setup", "prod-log-shipper"];
        const ours = d.objects.filter((o) => o.kind !== "Namespace" && names.some((n) => o.metadata.name === n || o.metadata.name.startsWith(`${n}-`)));
        assert.ok(ours.length >= 30, `${ours.length}`);
        for (const o of ours) {
            const labels = (o.metadata.labels ?? {}) as Record<string, string>;
            assert.equal(labels["app.kubernetes.io/component"], "observability", `${o.kind} ${o.metadata.name}`);
            assert.equal(labels["app.kubernetes.io/instance"], "prod", `${o.kind} ${o.metadata.name}`);
        }
    });
});
