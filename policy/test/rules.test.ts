/** Each rule: a compliant input passes, and each way of breaking it yields exactly its message. */
import { strict as assert } from "assert";
import { hpaForScalableServices } from "../rules/autoscaling";
import { containerResources } from "../rules/container-resources";
import { pdbForReplicated } from "../rules/disruption-budgets";
import { imagePinned, imageRegistryAllowed } from "../rules/images";
import { livenessIndependent } from "../rules/liveness";
import { networkPolicyCoverage } from "../rules/network-coverage";
import { postgresBackup } from "../rules/postgres-backup";
import { noPrivilegedPods } from "../rules/privileges";
import { probesRequired } from "../rules/probes";
import { restrictedPodSecurity } from "../rules/restricted";
import { noDefaultSecrets } from "../rules/secrets";
import { serviceTypeRestricted } from "../rules/service-types";
import { spreadReplicated } from "../rules/spreading";
import { asDeployed, asFirstPreview, runPolicy, runResourcePolicy, runStackPolicy, type ResourceInput } from "./harness";

const T = {
    deployment: "kubernetes:apps/v1:Deployment",
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    daemonSet: "kubernetes:apps/v1:DaemonSet",
    cronJob: "kubernetes:batch/v1:CronJob",
    hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
    service: "kubernetes:core/v1:Service",
    secret: "kubernetes:core/v1:Secret",
    netpol: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
};

type Container = Record<string, unknown>;

/** The values these tests write as generated passwords, which a first preview does not know yet. */
const GENERATED = (value: string) => value.includes("mock-password-");

const goodContainer = (over: Container = {}): Container => ({
    name: "app",
    image: "docker.io/selimhorri/order-service-ecommerce-boot:0.1.0",
    resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "1000m", memory: "1Gi" } },
    readinessProbe: { httpGet: { path: "/r", port: "http" } },
    livenessProbe: { httpGet: { path: "/l", port: "http" } },
    securityContext: { allowPrivilegeEscalation: false, privileged: false },
    ...over,
});

function workload(type: string, name: string, containers: Container[], spec: Record<string, unknown> = {}, pod: Record<string, unknown> = {}): ResourceInput {
    const template = { metadata: { labels: { "app.kubernetes.io/name": name } }, spec: { containers, ...pod } };
    const body = type === T.cronJob ? { jobTemplate: { spec: { template } } } : { template, selector: { matchLabels: { "app.kubernetes.io/name": name } } };
    return { type, name, props: { metadata: { name, namespace: "prod" }, spec: { ...body, ...spec } } };
}

describe("policy rule container-resources", () => {
    it("passes requests and a memory limit within the manual's bounds", async () => {
        assert.deepEqual(await runResourcePolicy(containerResources, workload(T.deployment, "order-service", [goodContainer()])), []);
    });

    it("names each missing field", async () => {
        const bare = goodContainer({ resources: { limits: { cpu: "1" } } });
        assert.deepEqual(await runResourcePolicy(containerResources, workload(T.deployment, "order-service", [bare])), [
            'Deployment prod/order-service: container "app" declares no requests.cpu, requests.memory, limits.memory.',
        ]);
    });

    it("refuses more than the bounds, unless the workload is an exception", async () => {
        const big = goodContainer({ resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "2", memory: "2Gi" } } });
        assert.deepEqual(await runResourcePolicy(containerResources, workload(T.statefulSet, "elasticsearch", [big])), [
            'StatefulSet prod/elasticsearch: container "app" limits.cpu 2 exceeds the allowed 1000m.',
            'StatefulSet prod/elasticsearch: container "app" limits.memory 2Gi exceeds the allowed 1Gi.',
        ]);
        const config = { exceptions: { elasticsearch: { maxCpu: "2000m", maxMemory: "2Gi" } } };
        assert.deepEqual(await runResourcePolicy(containerResources, workload(T.statefulSet, "elasticsearch", [big]), config), []);
    });

    it("checks init containers too", async () => {
        const r = workload(T.deployment, "x", [goodContainer()], {}, { initContainers: [{ name: "wait", image: "busybox:1.36.1" }] });
        assert.deepEqual(await runResourcePolicy(containerResources, r), ['Deployment prod/x: container "wait" declares no requests.cpu, requests.memory, limits.memory.']);
    });
});

describe("policy rule probes-required", () => {
    it("passes readiness plus liveness, or readiness plus startup", async () => {
        assert.deepEqual(await runResourcePolicy(probesRequired, workload(T.deployment, "a", [goodContainer()])), []);
        const startup = goodContainer({ livenessProbe: undefined, startupProbe: { exec: { command: ["true"] } } });
        assert.deepEqual(await runResourcePolicy(probesRequired, workload(T.statefulSet, "a", [startup])), []);
    });

    it("names the missing probes", async () => {
        const none = goodContainer({ readinessProbe: undefined, livenessProbe: undefined });
        assert.deepEqual(await runResourcePolicy(probesRequired, workload(T.deployment, "a", [none])), [
            'Deployment prod/a: container "app" has no readinessProbe.',
            'Deployment prod/a: container "app" has neither a livenessProbe nor a startupProbe.',
        ]);
    });

    it("leaves Jobs and CronJobs alone", async () => {
        const none = goodContainer({ readinessProbe: undefined, livenessProbe: undefined });
        assert.deepEqual(await runResourcePolicy(probesRequired, workload(T.cronJob, "backup", [none])), []);
    });
});

describe("policy rules image-pinned and image-registry-allowed", () => {
    it("passes a tagged image from an allowed registry", async () => {
        const r = workload(T.deployment, "a", [goodContainer()]);
        assert.deepEqual(await runResourcePolicy(imagePinned, r), []);
        assert.deepEqual(await runResourcePolicy(imageRegistryAllowed, r), []);
    });

    it("refuses latest and untagged images", async () => {
        const r = workload(T.deployment, "a", [goodContainer({ image: "busybox:latest" }), goodContainer({ name: "b", image: "busybox" })]);
        assert.deepEqual(await runResourcePolicy(imagePinned, r), [
            'Deployment prod/a: container "app" image "busybox:latest" uses the tag "latest", which changes under a running Deployment.',
            'Deployment prod/a: container "b" image "busybox" has no tag (the runtime would pull :latest).',
        ]);
    });

    it("refuses other registries unless configured", async () => {
        const r = workload(T.deployment, "a", [goodContainer({ image: "ghcr.io/acme/app:1.0" })]);
        assert.deepEqual(await runResourcePolicy(imageRegistryAllowed, r), [
            'Deployment prod/a: container "app" image "ghcr.io/acme/app:1.0" comes from ghcr.io; allowed: docker.io, docker.elastic.co.',
        ]);
        assert.deepEqual(await runResourcePolicy(imageRegistryAllowed, r, { allowed: ["ghcr.io"] }), []);
    });
});

describe("policy rule no-privileged-pods", () => {
    it("passes an unprivileged pod", async () => {
        assert.deepEqual(await runResourcePolicy(noPrivilegedPods, workload(T.deployment, "a", [goodContainer()])), []);
    });

    it("names each host namespace a pod shares", async () => {
        for (const field of ["hostNetwork", "hostPID", "hostIPC"]) {
            const r = workload(T.deployment, "a", [goodContainer()], {}, { [field]: true });
            assert.deepEqual(await runResourcePolicy(noPrivilegedPods, r), [`Deployment prod/a: uses ${field}.`]);
        }
        const r = workload(T.deployment, "a", [goodContainer()], {}, { volumes: [{ name: "scratch", emptyDir: {} }, { name: "logs", hostPath: { path: "/var/log" } }] });
        assert.deepEqual(await runResourcePolicy(noPrivilegedPods, r), ["Deployment prod/a: mounts hostPath volumes (logs)."]);
    });

    it("names each privilege", async () => {
        const bad = goodContainer({ securityContext: { privileged: true } });
        const r = workload(T.deployment, "a", [bad], {}, { hostNetwork: true, volumes: [{ name: "logs", hostPath: { path: "/var/log" } }] });
        assert.deepEqual(await runResourcePolicy(noPrivilegedPods, r), [
            "Deployment prod/a: uses hostNetwork.",
            "Deployment prod/a: mounts hostPath volumes (logs).",
            'Deployment prod/a: container "app" is privileged.',
            'Deployment prod/a: container "app" does not set allowPrivilegeEscalation: false.',
        ]);
    });

    it("names a capability any container adds, even of a workload allowed the host's files, unless config allows it", async () => {
        const shipper = (add: string[]) =>
            workload(T.daemonSet, "log-shipper", [goodContainer({ securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"], add } } })], {}, { volumes: [{ name: "logs", hostPath: { path: "/var/log" } }] });
        const config = { allowHostPath: ["log-shipper"] };
        assert.deepEqual(await runResourcePolicy(noPrivilegedPods, shipper(["DAC_READ_SEARCH"]), config), [
            'DaemonSet prod/log-shipper: container "app" adds capabilities DAC_READ_SEARCH; allowed: none.',
        ]);
        assert.deepEqual(await runResourcePolicy(noPrivilegedPods, shipper([]), config), []);
        assert.deepEqual(await runResourcePolicy(noPrivilegedPods, shipper(["NET_BIND_SERVICE"]), { ...config, allowedCapabilities: ["NET_BIND_SERVICE"] }), []);
        assert.deepEqual(await runResourcePolicy(noPrivilegedPods, shipper(["NET_BIND_SERVICE", "SYS_ADMIN"]), { ...config, allowedCapabilities: ["NET_BIND_SERVICE"] }), [
            'DaemonSet prod/log-shipper: container "app" adds capabilities SYS_ADMIN; allowed: NET_BIND_SERVICE.',
        ]);
    });

    it("allows hostPath to the workloads named in config", async () => {
        const r = workload(T.deployment, "log-shipper", [goodContainer()], {}, { volumes: [{ name: "logs", hostPath: { path: "/var/log" } }] });
        assert.deepEqual(await runResourcePolicy(noPrivilegedPods, r, { allowHostPath: ["log-shipper"] }), []);
    });
});

describe("policy rule liveness-independent", () => {
    const probe = (path: string) => ({ httpGet: { path, port: "http" } });
    const tool = (name: string, liveness: object, startup: object = liveness) =>
        workload(T.deployment, name, [goodContainer({ name, readinessProbe: probe("/health"), livenessProbe: liveness, startupProbe: startup })]);

    const config = { dependentHealth: { zipkin: { path: "/health", reports: ["elasticsearch"] }, kibana: { path: "/api/status", reports: ["elasticsearch"] } } };

    it("passes Spring's liveness group and a TCP liveness for tools whose health reports Elasticsearch", async () => {
        const service = workload(T.deployment, "order-service", [
            goodContainer({ name: "order-service", livenessProbe: probe("/order-service/actuator/health/liveness"), readinessProbe: probe("/order-service/actuator/health/readiness") }),
        ]);
        assert.deepEqual(await runResourcePolicy(livenessIndependent, service, config), []);
        assert.deepEqual(await runResourcePolicy(livenessIndependent, tool("zipkin", { tcpSocket: { port: "http" } }), config), []);
        // Prometheus's own health reports nothing else: HTTP liveness is fine there.
        assert.deepEqual(await runResourcePolicy(livenessIndependent, tool("prometheus", probe("/-/healthy")), config), []);
    });

    it("reports liveness or startup on a health endpoint that reports other services", async () => {
        assert.deepEqual(await runResourcePolicy(livenessIndependent, tool("zipkin", probe("/health"), { tcpSocket: { port: "http" } }), config), [
            'Deployment prod/zipkin: container "zipkin" livenessProbe calls /health, which reports other services\' outages; use a tcpSocket probe (its health reports elasticsearch).',
        ]);
        assert.deepEqual(await runResourcePolicy(livenessIndependent, tool("kibana", { tcpSocket: { port: "http" } }, probe("/api/status")), config), [
            'Deployment prod/kibana: container "kibana" startupProbe calls /api/status, which reports other services\' outages; use a tcpSocket probe (its health reports elasticsearch).',
        ]);
        const service = workload(T.deployment, "user-service", [goodContainer({ name: "user-service", livenessProbe: probe("/user-service/actuator/health") })]);
        assert.deepEqual(await runResourcePolicy(livenessIndependent, service, config), [
            'Deployment prod/user-service: container "user-service" livenessProbe calls /user-service/actuator/health, which reports other services\' outages; use Spring\'s liveness group, /user-service/actuator/health/liveness.',
        ]);
    });

    it("judges a tool's path only for the container config names, and Spring's path where config moves it", async () => {
        // Without config, /health is no tool's dependent health; another container's /health is not Zipkin's.
        assert.deepEqual(await runResourcePolicy(livenessIndependent, tool("zipkin", probe("/health"))), []);
        assert.deepEqual(await runResourcePolicy(livenessIndependent, tool("grafana", probe("/health")), config), []);
        // A named tool on another path of its own is fine.
        assert.deepEqual(await runResourcePolicy(livenessIndependent, tool("zipkin", probe("/ping")), config), []);
        const moved = workload(T.deployment, "a", [goodContainer({ livenessProbe: probe("/manage/health") })]);
        assert.deepEqual(await runResourcePolicy(livenessIndependent, moved), []);
        assert.deepEqual(await runResourcePolicy(livenessIndependent, moved, { springHealthPath: "/manage/health" }), [
            'Deployment prod/a: container "app" livenessProbe calls /manage/health, which reports other services\' outages; use Spring\'s liveness group, /manage/health/liveness.',
        ]);
    });
});

describe("policy rule no-default-secrets", () => {
    it("passes generated values", async () => {
        const secret = {
            type: T.secret,
            name: "s",
            props: { metadata: { name: "grafana-admin", namespace: "prod" }, stringData: { "admin-password": "k3Jd92LmQ0", "admin-user": "admin" } },
        };
        // A user name is not a secret: "admin" is fine there.
        assert.deepEqual(await runResourcePolicy(noDefaultSecrets, secret), []);
    });

    it("refuses admin, password and empty values, in stringData, data and container env", async () => {
        const secret = {
            type: T.secret,
            name: "s",
            props: {
                metadata: { name: "grafana-admin", namespace: "prod" },
                stringData: { "admin-password": "admin", empty: "" },
                data: { pw: Buffer.from("password").toString("base64") },
            },
        };
        assert.deepEqual(await runResourcePolicy(noDefaultSecrets, secret), [
            'Secret prod/grafana-admin: key "admin-password" holds a known default value.',
            'Secret prod/grafana-admin: key "empty" holds a known default value.',
            'Secret prod/grafana-admin: key "pw" holds a known default value.',
        ]);
        const r = workload(T.deployment, "grafana", [goodContainer({ env: [{ name: "GF_SECURITY_ADMIN_PASSWORD", value: "admin" }] })]);
        assert.deepEqual(await runResourcePolicy(noDefaultSecrets, r), ['Deployment prod/grafana: container "app" sets GF_SECURITY_ADMIN_PASSWORD to a known default value.']);
    });
});

describe("policy rule no-default-secrets at preview", () => {
    const secret = (stringData: Record<string, string>): ResourceInput => ({
        type: T.secret,
        name: "s",
        props: { metadata: { name: "postgres-superuser", namespace: "prod" }, stringData },
    });

    it("knows the usual defaults, in a key that holds a secret, whatever the key's case", async () => {
        for (const value of ["admin", "password", "changeme", "postgres", "root", "secret", "123456", ""]) {
            assert.deepEqual(await runResourcePolicy(noDefaultSecrets, secret({ password: value })), ['Secret prod/postgres-superuser: key "password" holds a known default value.'], value);
        }
        // A key naming a user, host, port or database holds no secret; one that only starts so does.
        assert.deepEqual(await runResourcePolicy(noDefaultSecrets, secret({ POSTGRES_USER: "postgres", "db.host": "postgres", port: "123456" })), []);
        assert.deepEqual(await runResourcePolicy(noDefaultSecrets, secret({ "user-password": "admin" })), ['Secret prod/postgres-superuser: key "user-password" holds a known default value.']);
        const env = (name: string) => workload(T.deployment, "a", [goodContainer({ env: [{ name, value: "postgres" }] })]);
        assert.deepEqual(await runResourcePolicy(noDefaultSecrets, env("POSTGRES_USER")), [], "not a secret's name");
        for (const name of ["DB_PASSWORD", "client_secret", "API_TOKEN"]) {
            assert.equal((await runResourcePolicy(noDefaultSecrets, env(name))).length, 1, name);
        }
    });

    it("knows a default whatever its case or surrounding spaces", async () => {
        for (const value of ["Admin", "ADMIN", " password ", "ChangeMe"]) {
            assert.deepEqual(await runResourcePolicy(noDefaultSecrets, secret({ password: value })), ['Secret prod/postgres-superuser: key "password" holds a known default value.'], value);
        }
    });

    it("judges the known keys of a Secret whose generated value is not known yet", async () => {
        const previewed = asFirstPreview(secret({ password: "mock-password-postgres-1", legacy: "changeme", username: "postgres" }), GENERATED);
        assert.deepEqual(await runResourcePolicy(noDefaultSecrets, previewed), ['Secret prod/postgres-superuser: key "legacy" holds a known default value.']);
        assert.deepEqual(await runResourcePolicy(noDefaultSecrets, asFirstPreview(secret({ password: "mock-password-postgres-1" }), GENERATED)), []);
    });

    it("the harness really hides the generated value, as the engine's proxy does", () => {
        const previewed = asFirstPreview(secret({ password: "mock-password-postgres-1" }), GENERATED);
        assert.throws(() => (previewed.props.stringData as Record<string, string>).password, /can't be known during preview/);
    });
});

describe("policy rule service-type-restricted", () => {
    const svc = (type: string) => ({ type: T.service, name: "api-gateway", props: { metadata: { name: "api-gateway", namespace: "prod" }, spec: { type } } });

    it("passes ClusterIP", async () => {
        assert.deepEqual(await runResourcePolicy(serviceTypeRestricted, svc("ClusterIP")), []);
    });

    it("refuses LoadBalancer and NodePort unless allowed", async () => {
        assert.deepEqual(await runResourcePolicy(serviceTypeRestricted, svc("LoadBalancer")), [
            "Service prod/api-gateway: type LoadBalancer exposes it outside the cluster.",
        ]);
        assert.deepEqual(await runResourcePolicy(serviceTypeRestricted, svc("NodePort")), ["Service prod/api-gateway: type NodePort exposes it outside the cluster."]);
        assert.deepEqual(await runResourcePolicy(serviceTypeRestricted, svc("LoadBalancer"), { allowed: ["api-gateway"] }), []);
    });
});

const hpa = (target: string, min: number, max: number): ResourceInput => ({
    type: T.hpa,
    name: target,
    props: { metadata: { name: target, namespace: "prod" }, spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: target }, minReplicas: min, maxReplicas: max } },
});

/** The same object in another namespace. */
const inNamespace = (r: ResourceInput, namespace: string): ResourceInput => ({ ...r, props: { ...r.props, metadata: { ...(r.props.metadata as object), namespace } } });
/** An HPA whose scaleTargetRef is changed. */
const retargeted = (r: ResourceInput, ref: Record<string, string>): ResourceInput => {
    const spec = r.props.spec as { scaleTargetRef: Record<string, string> };
    return { ...r, props: { ...r.props, spec: { ...spec, scaleTargetRef: { ...spec.scaleTargetRef, ...ref } } } };
};

describe("policy rule hpa-for-scalable-services", () => {
    it("passes a scalable service with an HPA and no replicas, and exempts only the Deployments config names", async () => {
        const resources = [workload(T.deployment, "order-service", [goodContainer()]), hpa("order-service", 2, 10), workload(T.deployment, "service-discovery", [goodContainer()], { replicas: 1 })];
        assert.deepEqual(await runPolicy(hpaForScalableServices, { inputs: resources }, { minReplicas: 2, exempt: ["service-discovery"] }), []);
        // Nothing is exempt unless named: a singleton the pack is not told about is reported.
        assert.deepEqual(await runPolicy(hpaForScalableServices, { inputs: resources }, { minReplicas: 2 }), [
            "Deployment prod/service-discovery sets spec.replicas (1); its HorizontalPodAutoscaler owns the count, remove it.",
            "Deployment prod/service-discovery has no HorizontalPodAutoscaler.",
        ]);
    });

    it("reports a missing HPA, replicas set by the program, and a range outside the config", async () => {
        assert.deepEqual(await runPolicy(hpaForScalableServices, { inputs: [workload(T.deployment, "order-service", [goodContainer()], { replicas: 3 })] }), [
            "Deployment prod/order-service sets spec.replicas (3); its HorizontalPodAutoscaler owns the count, remove it.",
            "Deployment prod/order-service has no HorizontalPodAutoscaler.",
        ]);
        const resources = [workload(T.deployment, "user-service", [goodContainer()], { replicas: 2 }), hpa("user-service", 1, 20)];
        assert.deepEqual(await runPolicy(hpaForScalableServices, { inputs: resources }, { minReplicas: 2, maxReplicasCeiling: 10 }), [
            "Deployment prod/user-service sets spec.replicas (2); its HorizontalPodAutoscaler owns the count, remove it.",
            "HorizontalPodAutoscaler prod/user-service: minReplicas 1 is below 2.",
            "HorizontalPodAutoscaler prod/user-service: maxReplicas 20 is above the ceiling 10.",
        ]);
    });

    it("holds the ceiling exactly: maxReplicas at it passes, one above it does not", async () => {
        const at = (max: number) => runPolicy(hpaForScalableServices, { inputs: [workload(T.deployment, "order-service", [goodContainer()]), hpa("order-service", 2, max)] }, { minReplicas: 2, maxReplicasCeiling: 10 });
        assert.deepEqual(await at(10), []);
        assert.deepEqual(await at(11), ["HorizontalPodAutoscaler prod/order-service: maxReplicas 11 is above the ceiling 10."]);
    });

    it("judges replicas on what the program sets, not on the count the API server stored", async () => {
        const inputs = [workload(T.deployment, "order-service", [goodContainer()]), hpa("order-service", 2, 10)];
        assert.deepEqual(await runPolicy(hpaForScalableServices, { inputs, outputs: inputs.map(asDeployed) }), []);
        // The server's default really is there for a stack rule to trip over.
        assert.equal((asDeployed(inputs[0]!).props.spec as { replicas: number }).replicas, 1);
    });

    it("counts only an HPA of the Deployment's namespace that targets that Deployment by kind and name", async () => {
        const service = workload(T.deployment, "order-service", [goodContainer()]);
        const missing = ["Deployment prod/order-service has no HorizontalPodAutoscaler."];
        assert.deepEqual(await runPolicy(hpaForScalableServices, { inputs: [service, inNamespace(hpa("order-service", 2, 10), "dev")] }), missing);
        assert.deepEqual(await runPolicy(hpaForScalableServices, { inputs: [service, retargeted(hpa("order-service", 2, 10), { kind: "StatefulSet" })] }), missing);
        assert.deepEqual(await runPolicy(hpaForScalableServices, { inputs: [service, retargeted(hpa("order-service", 2, 10), { name: "user-service" })] }), missing);
        // An HPA's range is judged when it is within the defaults too.
        assert.deepEqual(await runPolicy(hpaForScalableServices, { inputs: [service, hpa("order-service", 1, 10)] }), []);
    });

    it("leaves a service stopped at zero replicas alone", async () => {
        assert.deepEqual(await runPolicy(hpaForScalableServices, { inputs: [workload(T.deployment, "order-service", [goodContainer()], { replicas: 0 })] }), []);
    });
});

describe("policy rule pdb-for-replicated-deployments", () => {
    const pdb: ResourceInput = {
        type: T.pdb,
        name: "order-service",
        props: { metadata: { name: "order-service", namespace: "prod" }, spec: { maxUnavailable: 1, selector: { matchLabels: { "app.kubernetes.io/name": "order-service" } } } },
    };

    it("passes a replicated Deployment with a budget, and a single pod without one", async () => {
        const resources = [workload(T.deployment, "order-service", [goodContainer()]), hpa("order-service", 2, 10), pdb, workload(T.deployment, "zipkin", [goodContainer()], { replicas: 1 })];
        assert.deepEqual(await runStackPolicy(pdbForReplicated, resources), []);
    });

    it("reports a replicated Deployment without one", async () => {
        assert.deepEqual(await runStackPolicy(pdbForReplicated, [workload(T.deployment, "order-service", [goodContainer()]), hpa("order-service", 2, 10)]), [
            "Deployment prod/order-service runs 2 pods and no PodDisruptionBudget covers them.",
        ]);
    });

    it("reports a budget that allows no eviction, which blocks every node drain", async () => {
        const base = [workload(T.deployment, "order-service", [goodContainer()]), hpa("order-service", 2, 10)];
        const spec = pdb.props.spec as Record<string, unknown>;
        for (const budget of [{ maxUnavailable: 0 }, { maxUnavailable: "0%" }, { minAvailable: 2 }, { minAvailable: "100%" }]) {
            const { maxUnavailable: _, ...selector } = spec;
            const strict = { ...pdb, props: { ...pdb.props, spec: { ...selector, ...budget } } };
            assert.deepEqual(await runStackPolicy(pdbForReplicated, [...base, strict]), [
                "PodDisruptionBudget prod/order-service allows no pod of order-service to be evicted: every node drain would block on it.",
            ], JSON.stringify(budget));
        }
        const fine = { ...pdb, props: { ...pdb.props, spec: { selector: spec.selector, minAvailable: 1 } } };
        assert.deepEqual(await runStackPolicy(pdbForReplicated, [...base, fine]), []);
    });

    it("counts only a budget of the Deployment's namespace that selects its pods, for a Deployment its HPA scales", async () => {
        const base = [workload(T.deployment, "order-service", [goodContainer()]), hpa("order-service", 2, 10)];
        const uncovered = ["Deployment prod/order-service runs 2 pods and no PodDisruptionBudget covers them."];
        assert.deepEqual(await runStackPolicy(pdbForReplicated, [...base, inNamespace(pdb, "dev")]), uncovered);
        const other = { ...pdb, props: { ...pdb.props, spec: { maxUnavailable: 1, selector: { matchLabels: { "app.kubernetes.io/name": "user-service" } } } } };
        assert.deepEqual(await runStackPolicy(pdbForReplicated, [...base, other]), uncovered);
        // An HPA elsewhere, or for another Deployment, does not make this one replicated.
        const single = workload(T.deployment, "order-service", [goodContainer()]);
        assert.deepEqual(await runStackPolicy(pdbForReplicated, [single, inNamespace(hpa("order-service", 2, 10), "dev")]), []);
        assert.deepEqual(await runStackPolicy(pdbForReplicated, [single, hpa("user-service", 2, 10)]), []);
        const spec = pdb.props.spec as Record<string, unknown>;
        const zero = { ...pdb, props: { ...pdb.props, spec: { selector: spec.selector, maxUnavailable: "0" } } };
        assert.equal((await runStackPolicy(pdbForReplicated, [...base, zero])).length, 1, "maxUnavailable \"0\" allows no eviction either");
        const most = { ...pdb, props: { ...pdb.props, spec: { selector: spec.selector, minAvailable: "50%" } } };
        assert.deepEqual(await runStackPolicy(pdbForReplicated, [...base, most]), []);
    });
});

describe("policy rule spread-replicated-workloads", () => {
    const spread = { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway" }] };

    it("passes replicas spread by a topology constraint or anti-affinity, and single pods without either", async () => {
        const antiAffinity = {
            affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: "kubernetes.io/hostname" } }] } },
        };
        const resources = [
            workload(T.deployment, "order-service", [goodContainer()], {}, spread),
            hpa("order-service", 2, 10),
            workload(T.deployment, "user-service", [goodContainer()], { replicas: 3 }, antiAffinity),
            workload(T.deployment, "zipkin", [goodContainer()], { replicas: 1 }),
        ];
        assert.deepEqual(await runStackPolicy(spreadReplicated, resources), []);
    });

    it("reports a workload whose HPA may grow it, or whose replicas, share nodes freely", async () => {
        assert.deepEqual(await runStackPolicy(spreadReplicated, [workload(T.deployment, "order-service", [goodContainer()]), hpa("order-service", 1, 3)]), [
            "Deployment prod/order-service may run 3 pods and does not spread them over nodes; one node's failure can take them all.",
        ]);
        const zoneOnly = { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone" }] };
        assert.deepEqual(await runStackPolicy(spreadReplicated, [workload(T.statefulSet, "elasticsearch", [goodContainer()], { replicas: 3 }, zoneOnly)]), [
            "StatefulSet prod/elasticsearch may run 3 pods and does not spread them over nodes; one node's failure can take them all.",
        ]);
    });

    it("takes required anti-affinity by hostname, not by zone, and only the workload's own HPA", async () => {
        const required = (key: string) => ({ affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: key }] } } });
        const set = (pod: Record<string, unknown>) => workload(T.deployment, "user-service", [goodContainer()], { replicas: 3 }, pod);
        assert.deepEqual(await runStackPolicy(spreadReplicated, [set(required("kubernetes.io/hostname"))]), []);
        assert.equal((await runStackPolicy(spreadReplicated, [set(required("topology.kubernetes.io/zone"))])).length, 1);
        const preferredByZone = { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: { topologyKey: "topology.kubernetes.io/zone" } }] } } };
        assert.equal((await runStackPolicy(spreadReplicated, [set(preferredByZone)])).length, 1);
        // Another namespace's HPA, or another Deployment's, does not let this one grow.
        const single = workload(T.deployment, "order-service", [goodContainer()]);
        assert.deepEqual(await runStackPolicy(spreadReplicated, [single, inNamespace(hpa("order-service", 1, 3), "dev")]), []);
        assert.deepEqual(await runStackPolicy(spreadReplicated, [single, hpa("user-service", 1, 3)]), []);
        // Other kinds are not judged.
        assert.deepEqual(await runStackPolicy(spreadReplicated, [workload(T.cronJob, "backup", [goodContainer()], { replicas: 3 })]), []);
    });
});

describe("policy rule postgres-backup-cronjob", () => {
    const server = workload(T.statefulSet, "postgres", [goodContainer({ image: "docker.io/library/postgres:15.10-alpine" })]);
    const service: ResourceInput = {
        type: T.service,
        name: "postgres-service",
        props: { metadata: { name: "postgres-service", namespace: "prod" }, spec: { selector: { "app.kubernetes.io/name": "postgres" } } },
    };
    const cron = (spec: Record<string, unknown>, host = "postgres-service", deadline: number | null = 3600) => {
        const c = workload(T.cronJob, "postgres-backup", [goodContainer({ env: [{ name: "PGHOST", value: host }] })], {
            schedule: "0 2 * * *",
            concurrencyPolicy: "Forbid",
            successfulJobsHistoryLimit: 3,
            failedJobsHistoryLimit: 3,
            ...spec,
        });
        const job = ((c.props.spec as { jobTemplate: { spec: Record<string, unknown> } }).jobTemplate.spec);
        if (deadline !== null) job.activeDeadlineSeconds = deadline;
        return c;
    };

    it("passes a server with a well-formed backup CronJob that targets it", async () => {
        assert.deepEqual(await runStackPolicy(postgresBackup, [server, service, cron({})]), []);
    });

    it("reports a server nothing backs up, or a CronJob aimed elsewhere", async () => {
        const message = "StatefulSet prod/postgres has no backup CronJob targeting it (through postgres-service).";
        assert.deepEqual(await runStackPolicy(postgresBackup, [server, service]), [message]);
        assert.deepEqual(await runStackPolicy(postgresBackup, [server, service, cron({}, "other-db")]), [message]);
    });

    it("reports a CronJob without Forbid, schedule or history limits", async () => {
        assert.deepEqual(
            await runStackPolicy(postgresBackup, [server, service, cron({ schedule: undefined, concurrencyPolicy: "Allow", failedJobsHistoryLimit: undefined })]),
            ["CronJob prod/postgres-backup backs up StatefulSet prod/postgres with no schedule, concurrencyPolicy Allow (must be Forbid), no history limits."],
        );
    });

    it("finds the target in pg_dumpall's -h or --host, and through the Service's fully qualified name", async () => {
        const byCommand = (command: string[], args?: string[]) =>
            workload(T.cronJob, "postgres-backup", [goodContainer({ command, ...(args ? { args } : {}) })], {
                schedule: "0 2 * * *",
                concurrencyPolicy: "Forbid",
                successfulJobsHistoryLimit: 3,
                failedJobsHistoryLimit: 3,
                jobTemplate: { spec: { activeDeadlineSeconds: 60, template: { metadata: { labels: {} }, spec: { containers: [goodContainer({ command, ...(args ? { args } : {}) })] } } } },
            });
        const missing = ["StatefulSet prod/postgres has no backup CronJob targeting it (through postgres-service)."];
        assert.deepEqual(await runStackPolicy(postgresBackup, [server, service, byCommand(["sh", "-c", "pg_dumpall -U postgres -h postgres-service | gzip"])]), []);
        assert.deepEqual(await runStackPolicy(postgresBackup, [server, service, byCommand(["sh", "-c"], ["pg_dumpall --host=postgres-service.prod.svc -U postgres"])]), []);
        assert.deepEqual(await runStackPolicy(postgresBackup, [server, service, byCommand(["sh", "-c", "pg_dumpall -U postgres; psql -h postgres-service"])]), missing, "-h of another command");
        assert.deepEqual(await runStackPolicy(postgresBackup, [server, service, cron({}, "postgres-service.prod.svc.cluster.local")]), []);
    });

    it("counts only Services and CronJobs of the server's namespace, and a Service only when it selects the server", async () => {
        const moved = <T extends ResourceInput>(r: T): T => ({ ...r, props: { ...r.props, metadata: { ...(r.props.metadata as object), namespace: "other" } } });
        const message = "StatefulSet prod/postgres has no backup CronJob targeting it (through a Service).";
        assert.deepEqual(await runStackPolicy(postgresBackup, [server, moved(service), cron({})]), [message]);
        const elsewhere = { ...service, props: { ...service.props, spec: { selector: { "app.kubernetes.io/name": "mysql" } } } };
        assert.deepEqual(await runStackPolicy(postgresBackup, [server, elsewhere, cron({})]), [message]);
        assert.deepEqual(await runStackPolicy(postgresBackup, [server, service, moved(cron({}))]), ["StatefulSet prod/postgres has no backup CronJob targeting it (through postgres-service)."]);
        assert.deepEqual(await runStackPolicy(postgresBackup, [server, service, cron({ concurrencyPolicy: undefined })]), [
            "CronJob prod/postgres-backup backs up StatefulSet prod/postgres with concurrencyPolicy Allow (must be Forbid).",
        ]);
        assert.deepEqual(await runStackPolicy(postgresBackup, [server, service, cron({ successfulJobsHistoryLimit: undefined })]), [
            "CronJob prod/postgres-backup backs up StatefulSet prod/postgres with no history limits.",
        ]);
    });

    it("reports a CronJob whose Jobs have no deadline: one hung dump would block every later backup", async () => {
        assert.deepEqual(await runStackPolicy(postgresBackup, [server, service, cron({}, "postgres-service", null)]), [
            "CronJob prod/postgres-backup backs up StatefulSet prod/postgres with no activeDeadlineSeconds on its Jobs.",
        ]);
    });
});

describe("policy rule network-policy-coverage", () => {
    const policy = (name: string, selector: Record<string, string>): ResourceInput => ({
        type: T.netpol,
        name,
        props: { metadata: { name, namespace: "prod" }, spec: { podSelector: { matchLabels: selector }, policyTypes: ["Ingress", "Egress"] } },
    });

    it("passes default deny plus an allow policy per workload", async () => {
        const resources = [workload(T.deployment, "a", [goodContainer()]), policy("default-deny", {}), policy("allow-a", { "app.kubernetes.io/name": "a" })];
        assert.deepEqual(await runStackPolicy(networkPolicyCoverage, resources), []);
    });

    it("counts only policies in the workload's own namespace", async () => {
        const elsewhere = (p: ResourceInput): ResourceInput => ({ ...p, props: { ...p.props, metadata: { ...(p.props.metadata as object), namespace: "other" } } });
        const resources = [workload(T.deployment, "a", [goodContainer()]), elsewhere(policy("default-deny", {})), elsewhere(policy("allow-a", { "app.kubernetes.io/name": "a" }))];
        assert.deepEqual(await runStackPolicy(networkPolicyCoverage, resources), [
            "Namespace prod has no default-deny NetworkPolicy (an empty podSelector).",
            "Deployment prod/a: no NetworkPolicy allows its pods' traffic.",
        ]);
    });

    it("reports a namespace without default deny and a workload without its own policy", async () => {
        assert.deepEqual(await runStackPolicy(networkPolicyCoverage, [workload(T.deployment, "a", [goodContainer()])]), [
            "Namespace prod has no default-deny NetworkPolicy (an empty podSelector).",
            "Deployment prod/a: no NetworkPolicy allows its pods' traffic.",
        ]);
    });

    it("covers Jobs and CronJobs too, and takes only an empty selector for default deny and a full match for an allow", async () => {
        const deny = policy("default-deny", {});
        for (const type of [T.cronJob, "kubernetes:batch/v1:Job"]) {
            const kind = type.split(":").at(-1);
            assert.deepEqual(await runStackPolicy(networkPolicyCoverage, [workload(type, "backup", [goodContainer()]), deny]), [`${kind} prod/backup: no NetworkPolicy allows its pods' traffic.`]);
        }
        const a = workload(T.deployment, "a", [goodContainer()]);
        // A policy selecting some pods is no default deny.
        assert.deepEqual(await runStackPolicy(networkPolicyCoverage, [a, policy("allow-a", { "app.kubernetes.io/name": "a" })]), ["Namespace prod has no default-deny NetworkPolicy (an empty podSelector)."]);
        // An allow policy must match every label it selects on; default deny alone allows nothing.
        const partly = policy("allow-a", { "app.kubernetes.io/name": "a", tier: "web" });
        assert.deepEqual(await runStackPolicy(networkPolicyCoverage, [a, deny, partly]), ["Deployment prod/a: no NetworkPolicy allows its pods' traffic."]);
    });
});

describe("policy rules with unknown or missing fields", () => {
    const partial: ResourceInput[] = [
        { type: T.deployment, props: {} },
        { type: T.deployment, props: { metadata: {}, spec: { template: {} } } },
        { type: T.deployment, props: { spec: { template: { spec: { containers: [{}] } } } } },
        { type: T.statefulSet, props: { spec: { template: { spec: { containers: "unknown" } } } } },
        { type: T.cronJob, props: { spec: { jobTemplate: {} } } },
        { type: T.service, props: { spec: {} } },
        { type: T.secret, props: { stringData: "unknown" } },
        { type: T.hpa, props: { spec: { scaleTargetRef: null } } },
    ];

    it("never throw, whatever is missing", async () => {
        for (const policy of [containerResources, probesRequired, imagePinned, imageRegistryAllowed, noPrivilegedPods, noDefaultSecrets, serviceTypeRestricted]) {
            for (const r of partial) {
                await runResourcePolicy(policy, r);
            }
        }
        for (const policy of [hpaForScalableServices, pdbForReplicated, postgresBackup, networkPolicyCoverage]) {
            await runStackPolicy(policy, partial);
        }
    });
});

describe("policy rule restricted-pod-security", () => {
    const pod = { securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } } };
    const sealed = (over: Record<string, unknown> = {}) =>
        goodContainer({ securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] }, ...over } });

    it("passes what restrictedPodSecurity and restrictedContainerSecurity declare", async () => {
        assert.deepEqual(await runResourcePolicy(restrictedPodSecurity, workload(T.deployment, "order-service", [sealed()], {}, pod)), []);
    });

    it("names each thing admission would refuse under restricted, and a writable root", async () => {
        const bare = workload(T.deployment, "order-service", [goodContainer({ securityContext: { capabilities: { add: ["NET_ADMIN"] } } })], {}, {});
        assert.deepEqual(await runResourcePolicy(restrictedPodSecurity, bare), [
            'Deployment prod/order-service: container "app" has no seccompProfile RuntimeDefault or Localhost.',
            'Deployment prod/order-service: container "app" does not drop ALL capabilities.',
            'Deployment prod/order-service: container "app" adds capabilities NET_ADMIN.',
            'Deployment prod/order-service: container "app" may run as root (runAsNonRoot is not true, or runAsUser is 0).',
            'Deployment prod/order-service: container "app" has a writable root filesystem.',
        ]);
        const root = workload(T.deployment, "order-service", [sealed({ runAsUser: 0 })], {}, pod);
        assert.deepEqual(await runResourcePolicy(restrictedPodSecurity, root), ['Deployment prod/order-service: container "app" may run as root (runAsNonRoot is not true, or runAsUser is 0).']);
    });

    it("reads the pod's context where a container has none, and a container's own where it has one", async () => {
        const plain = { name: "app", image: "docker.io/x/y:1.0" };
        assert.deepEqual(await runResourcePolicy(restrictedPodSecurity, workload(T.deployment, "order-service", [plain], {}, pod)), [
            'Deployment prod/order-service: container "app" does not drop ALL capabilities.',
            'Deployment prod/order-service: container "app" has a writable root filesystem.',
        ]);
        const unconfined = workload(T.deployment, "order-service", [sealed({ seccompProfile: { type: "Unconfined" } })], {}, pod);
        assert.deepEqual(await runResourcePolicy(restrictedPodSecurity, unconfined), ['Deployment prod/order-service: container "app" has no seccompProfile RuntimeDefault or Localhost.']);
        const localhost = workload(T.deployment, "order-service", [sealed({ seccompProfile: { type: "Localhost", localhostProfile: "p.json" } })], {}, pod);
        assert.deepEqual(await runResourcePolicy(restrictedPodSecurity, localhost), []);
        const rootByContainer = workload(T.deployment, "order-service", [sealed({ runAsNonRoot: false })], {}, pod);
        assert.equal((await runResourcePolicy(restrictedPodSecurity, rootByContainer)).length, 1);
        const nonRootByContainer = workload(T.deployment, "order-service", [sealed({ runAsNonRoot: true, runAsUser: 1000 })], {}, { securityContext: { seccompProfile: { type: "RuntimeDefault" } } });
        assert.deepEqual(await runResourcePolicy(restrictedPodSecurity, nonRootByContainer), []);
        // restricted lets a container add NET_BIND_SERVICE back, and nothing else.
        const bind = workload(T.deployment, "order-service", [sealed({ capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } })], {}, pod);
        assert.deepEqual(await runResourcePolicy(restrictedPodSecurity, bind), []);
        const more = workload(T.deployment, "order-service", [sealed({ capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE", "SYS_TIME"] } })], {}, pod);
        assert.deepEqual(await runResourcePolicy(restrictedPodSecurity, more), ['Deployment prod/order-service: container "app" adds capabilities SYS_TIME.']);
    });

    it("lets config allow a writable root or exempt a workload, by name only", async () => {
        const config = { exempt: ["log-shipper"], writableRoot: ["elasticsearch"] };
        const writable = (name: string) => workload(T.statefulSet, name, [sealed({ readOnlyRootFilesystem: false })], {}, pod);
        assert.deepEqual(await runResourcePolicy(restrictedPodSecurity, writable("elasticsearch"), config), []);
        assert.equal((await runResourcePolicy(restrictedPodSecurity, writable("zipkin"), config)).length, 1);
        assert.deepEqual(await runResourcePolicy(restrictedPodSecurity, workload(T.deployment, "log-shipper", [goodContainer()]), config), []);
    });
});
