/** The manual's facts, checked against what the dev and prod stacks declare with their real config. */
import { strict as assert } from "assert";
import { parseCpu, parseMemory } from "../lib/quantity";
import { MANUAL_HPA, MANUAL_RESOURCES, MANUAL_SERVICES, MANUAL_START_ORDER, REFERENCE_IMAGE, REFERENCE_SERVICES } from "./sources";
import { declare, envOf, find, objectName, ofKind, recorded, workload, type Declared, stackFile } from "./support";

/** Services that hold state they do not replicate (reference-system.md, "Single instances"). */
const SINGLETONS = ["service-discovery", "cloud-config"];


for (const stack of ["dev", "prod"]) {
    describe(`${stack} stack: application tier`, () => {
        let declared: Declared;
        beforeEach(async () => {
            declared = await declare({ stack });
        });

        it("puts everything in the stack's namespace, which it creates with Pod Security labels", () => {
            const namespace = stackFile(stack)["ecommerce:namespace"];
            assert.equal(namespace, stack);
            const ns = find(declared.objects, "Namespace", stack);
            for (const mode of ["enforce", "warn", "audit"]) {
                assert.equal((ns.metadata.labels as Record<string, string>)[`pod-security.kubernetes.io/${mode}`], "restricted", mode);
            }
            assert.equal((ns.metadata.labels as Record<string, string>)["app.kubernetes.io/managed-by"], "pulumi");
            const clusterScoped = ["Namespace", "ClusterRole", "ClusterRoleBinding"];
            // The log shipper alone lives beside it, in <namespace>-logging (see the observability tests).
            for (const o of declared.objects.filter((x) => !clusterScoped.includes(x.kind) && x.metadata.namespace !== `${namespace}-logging`)) {
                assert.equal(o.metadata.namespace, namespace, `${o.kind} ${o.metadata.name}`);
            }
            assert.equal(declared.outputs.namespace, namespace);
        });

        it("declares a Deployment and a ClusterIP Service under each of the manual's ten names, on the manual's port", () => {
            assert.equal(MANUAL_SERVICES.length, 10);
            const names = new Set(MANUAL_SERVICES.map((m) => m.name));
            assert.equal(ofKind(declared.objects, "Deployment").filter((d) => names.has(d.metadata.name)).length, MANUAL_SERVICES.length);
            for (const { name, port } of MANUAL_SERVICES) {
                const container = workload(find(declared.objects, "Deployment", name)).template.spec.containers[0]!;
                assert.equal(container.name, name);
                assert.deepEqual(container.ports?.map((p) => p.containerPort), [port], name);
                assert.equal(envOf(container).SERVER_PORT, String(port), `${name} SERVER_PORT`);
                const service = find(declared.objects, "Service", name).spec as { type: string; ports: { port: number }[] };
                assert.equal(service.type, "ClusterIP");
                assert.deepEqual(service.ports.map((p) => p.port), [port], name);
            }
        });

        it("runs the public images, pinned", () => {
            for (const { name } of MANUAL_SERVICES) {
                const container = workload(find(declared.objects, "Deployment", name)).template.spec.containers[0]!;
                assert.equal(container.image, `docker.io/${REFERENCE_IMAGE.owner}/${name}-ecommerce-boot:${REFERENCE_IMAGE.tag}`);
            }
        });

        it("probes each service on its real health path, context path included", () => {
            for (const { name, contextPath } of REFERENCE_SERVICES) {
                const c = workload(find(declared.objects, "Deployment", name)).template.spec.containers[0]!;
                assert.equal(c.startupProbe?.httpGet?.path, `${contextPath}/actuator/health/liveness`, name);
                assert.equal(c.livenessProbe?.httpGet?.path, `${contextPath}/actuator/health/liveness`, name);
                assert.equal(c.readinessProbe?.httpGet?.path, `${contextPath}/actuator/health/readiness`, name);
                // Spring Boot needs up to 240 s to start: the startup probe must allow at least that.
                const startup = c.startupProbe!;
                assert.ok(startup.failureThreshold! * startup.periodSeconds! >= 240, `${name} startup window`);
                assert.equal(c.startupProbe?.httpGet?.port, c.ports?.[0]?.name);
            }
        });

        it("notices a service that is up within 10 s at each step of the start order", () => {
            // Startup probe, then readiness, then the gates of the pods that wait for it: on the
            // node, 10 s periods and a 5 s gate cost up to 25 s at each of the four steps.
            const services = MANUAL_SERVICES.map((s) => s.name as string);
            let steps = 0;
            for (const name of services) {
                for (const gate of workload(find(declared.objects, "Deployment", name)).template.spec.initContainers ?? []) {
                    const dependency = gate.name.replace(/^wait-for-/, "");
                    if (!services.includes(dependency)) continue;
                    const c = workload(find(declared.objects, "Deployment", dependency)).template.spec.containers[0]!;
                    const poll = Number(/sleep (\d+)/.exec(gate.command!.join(" "))?.[1]);
                    const lag = c.startupProbe!.periodSeconds! + c.readinessProbe!.periodSeconds! + poll;
                    assert.ok(lag <= 10, `${name} may notice ${dependency} ${lag} s late`);
                    steps++;
                }
            }
            assert.ok(steps >= 3, "the start order has its steps");
        });

        it("gives every container the stack's requests and limits", () => {
            const expected =
                stack === "prod"
                    ? MANUAL_RESOURCES
                    : (stackFile(stack)["ecommerce:resources"] as typeof MANUAL_RESOURCES);
            for (const { name } of MANUAL_SERVICES) {
                const deployment = find(declared.objects, "Deployment", name);
                const resources = workload(deployment).template.spec.containers[0]!.resources!;
                assert.equal(parseCpu(resources.requests!.cpu!), parseCpu(expected.requests.cpu), deployment.metadata.name);
                assert.equal(parseMemory(resources.requests!.memory!), parseMemory(expected.requests.memory));
                assert.equal(parseCpu(resources.limits!.cpu!), parseCpu(expected.limits.cpu));
                assert.equal(parseMemory(resources.limits!.memory!), parseMemory(expected.limits.memory));
            }
        });

        it("autoscales every service but the singletons, and lets the HPA own the replica count", () => {
            const expected =
                stack === "prod"
                    ? { min: MANUAL_HPA.min, max: MANUAL_HPA.max, cpu: MANUAL_HPA.cpu }
                    : (() => {
                          const a = stackFile(stack)["ecommerce:autoscaling"] as { minReplicas: number; maxReplicas: number };
                          return { min: a.minReplicas, max: a.maxReplicas, cpu: MANUAL_HPA.cpu };
                      })();
            for (const { name } of MANUAL_SERVICES) {
                const deployment = workload(find(declared.objects, "Deployment", name));
                const hpa = declared.objects.find((o) => o.kind === "HorizontalPodAutoscaler" && o.metadata.name === name);
                if (SINGLETONS.includes(name)) {
                    assert.equal(hpa, undefined, `${name} must not autoscale`);
                    assert.equal(deployment.replicas, 1, `${name} runs one replica`);
                    continue;
                }
                assert.ok(hpa, `${name} has an HPA`);
                assert.equal(hpa.apiVersion, "autoscaling/v2");
                assert.equal(deployment.replicas, undefined, `${name} Deployment must not set replicas under an HPA`);
                const spec = hpa.spec as {
                    scaleTargetRef: { kind: string; name: string };
                    minReplicas: number;
                    maxReplicas: number;
                    metrics: { resource: { name: string; target: { averageUtilization: number } } }[];
                    behavior: { scaleUp: { stabilizationWindowSeconds: number }; scaleDown: { stabilizationWindowSeconds: number } };
                };
                assert.deepEqual(spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name });
                assert.deepEqual([spec.minReplicas, spec.maxReplicas], [expected.min, expected.max], name);
                assert.equal(spec.metrics[0]!.resource.name, "cpu");
                assert.equal(spec.metrics[0]!.resource.target.averageUtilization, expected.cpu);
                // README: a minute above target before adding pods (a JVM's warm-up is not load), Kubernetes' 300 s before removing them.
                assert.deepEqual(spec.behavior, { scaleUp: { stabilizationWindowSeconds: 60 }, scaleDown: { stabilizationWindowSeconds: 300 } }, name);
            }
        });

        it("protects multi-pod services with a PodDisruptionBudget, and only those", () => {
            for (const hpa of ofKind(declared.objects, "HorizontalPodAutoscaler")) {
                const min = (hpa.spec as { minReplicas: number }).minReplicas;
                const pdb = declared.objects.find((o) => o.kind === "PodDisruptionBudget" && o.metadata.name === hpa.metadata.name);
                assert.equal(pdb !== undefined, min > 1, `${hpa.metadata.name} (min ${min})`);
                if (pdb) {
                    // A drain may take one pod at a time, and never the last: a budget of 0 blocks every drain.
                    const spec = pdb.spec as { maxUnavailable?: number | string; minAvailable?: number | string };
                    assert.equal(spec.minAvailable, undefined);
                    assert.ok(typeof spec.maxUnavailable === "number" && spec.maxUnavailable >= 1 && spec.maxUnavailable < min, JSON.stringify(spec));
                }
            }
            for (const name of SINGLETONS) {
                assert.ok(!declared.objects.some((o) => o.kind === "PodDisruptionBudget" && o.metadata.name === name));
            }
        });

        it("holds each service until what it needs is healthy, in the manual's start order", () => {
            const [first, second, third] = MANUAL_START_ORDER;
            assert.deepEqual([first, second, third], ["cloud-config", "service-discovery", "api-gateway"]);
            const waitsFor = (name: string): string[] =>
                (workload(find(declared.objects, "Deployment", name)).template.spec.initContainers ?? []).map((c) => {
                    const url = /http:\/\/([a-z-]+):(\d+)([^\s;]*)/.exec(c.command!.join(" "))!;
                    const target = REFERENCE_SERVICES.find((s) => s.name === url[1])!;
                    // The gate polls the dependency's own Service port and readiness path.
                    assert.equal(Number(url[2]), target.port);
                    assert.equal(url[3], `${target.contextPath}/actuator/health/readiness`);
                    return url[1]!;
                });
            assert.deepEqual(waitsFor(first!), []);
            assert.deepEqual(waitsFor(second!), [first]);
            assert.deepEqual(waitsFor(third!).sort(), [first, second].sort());
            for (const { name } of MANUAL_SERVICES.filter((s) => !MANUAL_START_ORDER.includes(s.name))) {
                const gates = waitsFor(name);
                assert.ok(gates.includes(first!) && gates.includes(second!), `${name} waits for config and discovery`);
            }
        });

        it("wires config server, Eureka (both forms, by IP) and Zipkin to addresses that exist", () => {
            const services = new Map(
                ofKind(declared.objects, "Service").map((s) => [s.metadata.name, (s.spec as { ports: { port: number }[] }).ports[0]!.port]),
            );
            const resolves = (url: string, what: string) => {
                const m = /^(?:optional:configserver:)?http:\/\/([a-z-]+):(\d+)/.exec(url);
                assert.ok(m, `${what}: ${url}`);
                assert.equal(services.get(m[1]!), Number(m[2]), `${what} points at Service ${m[1]}:${m[2]}`);
            };
            for (const { name } of MANUAL_SERVICES) {
                const env = envOf(workload(find(declared.objects, "Deployment", name)).template.spec.containers[0]!);
                // Found on live pods: the Eureka server has no config client, and with the
                // variable set it read the configserver: address as a file and did not start.
                if (name === "cloud-config" || name === "service-discovery") {
                    assert.equal(env.SPRING_CONFIG_IMPORT, undefined, `${name} imports no configuration`);
                } else {
                    assert.match(env.SPRING_CONFIG_IMPORT!, /^optional:configserver:/);
                    resolves(env.SPRING_CONFIG_IMPORT!, `${name} config import`);
                    assert.equal(env.SPRING_CONFIG_IMPORT!.split(":").slice(-2)[0], "//cloud-config");
                }
                resolves(env.EUREKA_CLIENT_SERVICE_URL_DEFAULTZONE!, `${name} eureka`);
                assert.equal(env.EUREKA_CLIENT_SERVICE_URL_DEFAULTZONE, env.EUREKA_CLIENT_SERVICEURL_MYZONE);
                assert.equal(env.EUREKA_CLIENT_AVAILABILITYZONES_DEFAULT, "myzone");
                assert.equal(env.EUREKA_CLIENT_REGION, "default");
                assert.equal(env.EUREKA_INSTANCE_PREFER_IP_ADDRESS, "true");
                // The probes read /actuator/health/{liveness,readiness}, which Spring serves outside Kubernetes only when asked.
                assert.equal(env.MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED, "true", name);
                assert.match(env.EUREKA_CLIENT_SERVICE_URL_DEFAULTZONE!, /^http:\/\/service-discovery:8761\/eureka$/);
                assert.equal(env.SPRING_ZIPKIN_BASE_URL, "http://zipkin:9411/");
                assert.equal(env.SPRING_PROFILES_ACTIVE, "dev");
            }
        });

        it("runs every container unprivileged and non-root", () => {
            for (const deployment of MANUAL_SERVICES.map((m) => find(declared.objects, "Deployment", m.name))) {
                const pod = workload(deployment).template.spec;
                assert.equal(pod.securityContext?.runAsNonRoot, true);
                assert.equal(pod.automountServiceAccountToken, false);
                for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
                    assert.equal(c.securityContext?.allowPrivilegeEscalation, false, `${deployment.metadata.name}/${c.name}`);
                    assert.deepEqual((c.securityContext?.capabilities as { drop: string[] }).drop, ["ALL"]);
                    assert.ok(c.resources?.limits?.memory, `${c.name} has a memory limit`);
                }
            }
        });

        it("labels everything with the standard app.kubernetes.io labels", () => {
            for (const o of declared.objects.filter((x) => x.kind !== "Namespace")) {
                const labels = (o.metadata.labels ?? {}) as Record<string, string>;
                assert.equal(labels["app.kubernetes.io/part-of"], "ecommerce", o.metadata.name);
                assert.equal(labels["app.kubernetes.io/managed-by"], "pulumi");
                assert.equal(labels["app.kubernetes.io/instance"], stack);
                assert.ok(labels["app.kubernetes.io/name"]);
            }
        });

        it("reaches the API Gateway, and only it, through an Ingress of the configured class and host", () => {
            const ingresses = ofKind(declared.objects, "Ingress");
            assert.equal(ingresses.length, 1);
            const spec = ingresses[0]!.spec as {
                ingressClassName: string;
                rules: { host?: string; http: { paths: { backend: { service: { name: string; port: { number: number } } } }[] } }[];
            };
            assert.equal(spec.ingressClassName, "nginx");
            assert.equal(spec.rules[0]!.host, stackFile(stack)["ecommerce:ingressHost"]);
            const backend = spec.rules[0]!.http.paths[0]!.backend.service;
            assert.deepEqual(backend, { name: "api-gateway", port: { number: MANUAL_SERVICES.find((s) => s.name === "api-gateway")!.port } });
            const host = stackFile(stack)["ecommerce:ingressHost"];
            const certificate = stackFile(stack)["ecommerce:ingressTlsSecretName"];
            assert.equal(declared.outputs.gatewayUrl, `${certificate ? "https" : "http"}://${host}`);
            const tls = (ingresses[0]!.spec as { tls?: { hosts: string[]; secretName: string }[] }).tls;
            assert.deepEqual(tls, certificate ? [{ hosts: [host], secretName: certificate }] : undefined);
        });

        it("exports each service's in-cluster URL", () => {
            const urls = declared.outputs.serviceUrls as Record<string, string>;
            for (const { name, port } of MANUAL_SERVICES) {
                assert.equal(urls[name], `http://${name}:${port}`);
            }
        });
    });
}

describe("application tier: what a service's replica settings and the pod shape decide", () => {
    const pinned = (replicas: number) => declare({ stack: "prod", config: { services: { "order-service": { autoscaling: { enabled: false }, replicas } } } });
    const pod = (d: Declared, name: string) => workload(find(d.objects, "Deployment", name)).template.spec;
    const spreads = (d: Declared, name: string) => (pod(d, name) as { topologySpreadConstraints?: unknown[] }).topologySpreadConstraints;
    const budget = (d: Declared, name: string) => d.objects.find((o) => o.kind === "PodDisruptionBudget" && o.metadata.name === name);

    it("spreads and budgets a pinned service by its own count: several pods yes, one pod no", async () => {
        const three = await pinned(3);
        assert.equal(workload(find(three.objects, "Deployment", "order-service")).replicas, 3);
        assert.ok((spreads(three, "order-service") ?? []).length > 0, "three pods are spread over nodes");
        assert.ok(budget(three, "order-service"), "three pods get a disruption budget");
        const one = await pinned(1);
        assert.equal(spreads(one, "order-service"), undefined, "one pod: no spread constraint at all, not an empty list");
        assert.equal(budget(one, "order-service"), undefined, "one pod: a budget would block every drain");
        // The whole stack switched off leaves no empty list behind either.
        const off = await declare({ stack: "prod", config: { spreadAcrossNodes: false } });
        assert.equal(spreads(off, "order-service"), undefined);
    });

    it("rolls out a new pod before taking an old one away", async () => {
        const prod = await declare({ stack: "prod" });
        for (const { name } of MANUAL_SERVICES) {
            const strategy = (find(prod.objects, "Deployment", name).spec as { strategy: { type: string; rollingUpdate: { maxSurge: number; maxUnavailable: number } } }).strategy;
            assert.equal(strategy.type, "RollingUpdate", name);
            assert.equal(strategy.rollingUpdate.maxUnavailable, 0, name);
            assert.ok(strategy.rollingUpdate.maxSurge >= 1, name);
        }
    });

    it("gives each service a writable /tmp on its read-only root, with room for a heap dump", async () => {
        const prod = await declare({ stack: "prod" });
        for (const { name } of MANUAL_SERVICES) {
            const spec = pod(prod, name);
            const container = spec.containers[0]!;
            assert.equal(container.securityContext?.readOnlyRootFilesystem, true, name);
            const tmp = container.volumeMounts?.find((m) => m.mountPath === "/tmp");
            assert.ok(tmp, `${name} mounts /tmp`);
            const volume = spec.volumes?.find((v) => v.name === tmp.name) as { emptyDir?: { sizeLimit: string } } | undefined;
            assert.ok(volume?.emptyDir, `${name}: /tmp is an emptyDir of the pod`);
            // A heap dump is as large as the heap, which may reach the memory limit (manual 5.1).
            assert.ok(parseMemory(volume.emptyDir.sizeLimit)! > parseMemory(container.resources!.limits!.memory!)!, `${name}: ${volume.emptyDir.sizeLimit}`);
            for (const mount of container.volumeMounts ?? []) {
                assert.ok(spec.volumes?.some((v) => v.name === mount.name), `${name}: ${mount.name} is a volume of the pod`);
            }
        }
    });

    it("names each service's port, and its Service targets that name", async () => {
        const prod = await declare({ stack: "prod" });
        for (const { name, port } of MANUAL_SERVICES) {
            const ports = pod(prod, name).containers[0]!.ports!;
            assert.equal(ports.length, 1, name);
            // IANA_SVC_NAME, what Kubernetes requires of a port name.
            assert.match(ports[0]!.name ?? "", /^(?=.*[a-z])[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/, name);
            assert.equal(ports[0]!.containerPort, port, name);
            const servicePorts = (find(prod.objects, "Service", name).spec as { type: string; ports: { port: number; targetPort: string }[] });
            assert.equal(servicePorts.type, "ClusterIP", name);
            assert.deepEqual(servicePorts.ports.map((p) => [p.port, p.targetPort]), [[port, ports[0]!.name]], name);
        }
    });

    it("gives every service an identity of its own that carries no API token", async () => {
        const prod = await declare({ stack: "prod" });
        for (const { name } of MANUAL_SERVICES) {
            const account = find(prod.objects, "ServiceAccount", name) as { automountServiceAccountToken?: boolean };
            assert.equal(account.automountServiceAccountToken, false, name);
            assert.equal(pod(prod, name).serviceAccountName, name);
        }
    });

    it("scales on CPU utilisation, as the manual's 70% target says", async () => {
        const prod = await declare({ stack: "prod" });
        for (const hpa of ofKind(prod.objects, "HorizontalPodAutoscaler")) {
            const metrics = (hpa.spec as { metrics: unknown[] }).metrics;
            assert.deepEqual(metrics, [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: MANUAL_HPA.cpu } } }], hpa.metadata.name);
        }
    });

    it("routes every path to the gateway, and declares no Ingress when it is turned off", async () => {
        const prod = await declare({ stack: "prod" });
        const paths = (find(prod.objects, "Ingress", "api-gateway").spec as { rules: { http: { paths: { path: string; pathType: string }[] } }[] }).rules[0]!.http.paths;
        assert.deepEqual(paths.map((p) => [p.path, p.pathType]), [["/", "Prefix"]]);
        const off = await declare({ stack: "prod", config: { ingressEnabled: false, ingressTlsSecretName: "" } });
        assert.equal(ofKind(off.objects, "Ingress").length, 0);
        assert.equal(off.outputs.gatewayUrl, undefined);
        const noHost = await declare({ stack: "dev", config: { ingressHost: "" } });
        assert.equal(ofKind(noHost.objects, "Ingress").length, 1);
        assert.equal(noHost.outputs.gatewayUrl, undefined, "no host, no external URL to give");
        const front = await declare({ stack: "prod", config: { ingressTlsSecretName: "", ingressTlsTerminatedElsewhere: true } });
        assert.equal(front.outputs.gatewayUrl, "https://shop.example.com");
    });

    it("makes each Deployment depend on every workload its init containers wait for", async () => {
        // pulumi up awaits a rollout while holding one of its --parallel slots (8 on 2 CPUs):
        // a pod that waits in the cluster for a workload Pulumi has not created yet holds its
        // slot until the rollout timeout. Seen on the node: eight slots, eight Deployments
        // waiting for cloud-config, whose own Deployment never started.
        for (const stack of ["dev", "prod"]) {
            const d = await declare({ stack, config: { datasource: "postgres", imageRegistry: "registry.example.com/shop", postgres: { backup: { beforeUpgrade: false } } } });
            const workloads = d.resources.filter((r) => ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"].includes(r.type));
            let gates = 0;
            for (const deployment of d.resources.filter((r) => r.type === "kubernetes:apps/v1:Deployment")) {
                const pod = (deployment.inputs.spec as { template: { spec: { initContainers?: { name: string }[] } } }).template.spec;
                const waitsFor = (pod.initContainers ?? []).map((c) => c.name.replace(/^wait-for-/, ""));
                const dependsOn = workloads.filter((w) => deployment.dependencies.includes(w.name)).map((w) => objectName(w));
                for (const target of waitsFor) {
                    assert.ok(dependsOn.includes(target), `${stack}: ${objectName(deployment)} waits for ${target} but depends on ${dependsOn.join(", ") || "no workload"}`);
                    gates++;
                }
            }
            assert.ok(gates >= 20, `${stack}: ${gates} gates`);
        }
    });

    it("creates the Ingress after the gateway's Service and each HPA after its Deployment", async () => {
        const prod = await declare({ stack: "prod" });
        // A child registers once its parent has, and the parent once what it depends on exists.
        const upstream = (urn: string): string[] => {
            const r = prod.resources.find((x) => x.urn === urn);
            return r ? [...r.dependencies, ...upstream(r.parent)] : [];
        };
        const ingress = recorded(prod.resources, "kubernetes:networking.k8s.io/v1:Ingress", "api-gateway")!;
        const before = prod.resources.filter((r) => [...ingress.dependencies, ...upstream(ingress.parent)].includes(r.name));
        assert.ok(before.some((r) => r.type === "kubernetes:core/v1:Service" && (r.inputs.metadata as { name: string }).name === "api-gateway"), before.map((r) => r.name).join(", "));
        for (const hpa of prod.resources.filter((r) => r.type === "kubernetes:autoscaling/v2:HorizontalPodAutoscaler")) {
            const deployments = prod.resources.filter((r) => hpa.dependencies.includes(r.name) && r.type === "kubernetes:apps/v1:Deployment");
            assert.deepEqual(deployments.map((r) => r.inputs.metadata && (r.inputs.metadata as { name: string }).name), [(hpa.inputs.metadata as { name: string }).name]);
        }
    });
});

