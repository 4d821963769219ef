/**
 * Every object each stack declares is valid against the Kubernetes OpenAPI schema (checked
 * by kubernetes-models, independent of the Pulumi SDK's types), plus what a schema
 * cannot see: names, port names, and references between objects.
 */
import { strict as assert } from "assert";
import { objectId, type KubeObject } from "../offline/manifests";
import { stackNames } from "../offline/stack-config";
import { LONG_RUNNING, declare, ofKind, podTemplate, workload, type ContainerView, type Declared } from "./support";

interface Validatable {
    validate(): void;
}
type ModelClass = new (data: unknown) => Validatable;

function modelFor(o: KubeObject): ModelClass {
    // kubernetes-models lays out one module per group/version: "v1", "apps/v1", "networking.k8s.io/v1".
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const group = require(`kubernetes-models/${o.apiVersion}`) as Record<string, ModelClass | undefined>;
    const model = group[o.kind];
    if (!model) {
        throw new Error(`kubernetes-models has no ${o.apiVersion} ${o.kind}`);
    }
    return model;
}

const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const IANA_SVC_NAME = /^(?=.*[a-z])[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
    return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

const stacks = stackNames().filter((s) => s === "dev" || s === "prod");

describe("declared Kubernetes objects", () => {
    it("covers the dev and prod stacks", () => {
        assert.deepEqual(stacks, ["dev", "prod"]);
    });

    for (const stack of stacks) {
        describe(`${stack} stack`, () => {
            let declared: Declared;
            beforeEach(async () => {
                declared = await declare({ stack });
            });

            it("validates every object against the Kubernetes OpenAPI schema", () => {
                assert.ok(ofKind(declared.objects, "Deployment").length >= 10 && ofKind(declared.objects, "Service").length >= 10);
                for (const o of declared.objects) {
                    const Model = modelFor(o);
                    assert.doesNotThrow(() => new Model(o).validate(), `${objectId(o)}`);
                }
            });

            it("uses DNS-1123 names, and no two objects share kind, namespace and name", () => {
                const seen = new Set<string>();
                for (const o of declared.objects) {
                    const pattern = o.kind === "Service" || o.kind === "Namespace" ? DNS_1123_LABEL : DNS_1123_SUBDOMAIN;
                    assert.match(o.metadata.name, pattern, objectId(o));
                    assert.ok(o.metadata.name.length <= (pattern === DNS_1123_LABEL ? 63 : 253));
                    assert.ok(!seen.has(objectId(o)), `duplicate ${objectId(o)}`);
                    seen.add(objectId(o));
                }
            });

            it("names containers and ports validly: port names at most 15 characters, IANA service-name syntax", () => {
                for (const o of declared.objects) {
                    const pod = podTemplate(o)?.spec;
                    for (const c of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
                        assert.match(c.name, DNS_1123_LABEL);
                        for (const p of c.ports ?? []) {
                            assert.ok(p.name && p.name.length <= 15 && IANA_SVC_NAME.test(p.name), `${objectId(o)} port ${p.name}`);
                        }
                    }
                }
                for (const s of ofKind(declared.objects, "Service")) {
                    for (const p of (s.spec as { ports: { name?: string }[] }).ports) {
                        assert.ok(p.name && p.name.length <= 15 && IANA_SVC_NAME.test(p.name), `${s.metadata.name} port ${p.name}`);
                    }
                }
            });

            it("selects each workload's own pods and only its own", () => {
                const workloads = declared.objects.filter((o) => LONG_RUNNING.includes(o.kind));
                for (const d of workloads) {
                    const { selector, template } = workload(d);
                    assert.ok(matches(selector.matchLabels, template.metadata.labels), `${d.metadata.name} selector`);
                    const others = declared.objects.filter((x) => x !== d && podTemplate(x) && matches(selector.matchLabels, podTemplate(x)!.metadata.labels));
                    assert.deepEqual(others.map(objectId), [], `${d.metadata.name} selector also matches`);
                }
            });

            it("points every Service at exactly one workload's pods, on a container port", () => {
                for (const s of ofKind(declared.objects, "Service")) {
                    const spec = s.spec as { selector: Record<string, string>; ports: { targetPort: string | number }[] };
                    const targets = declared.objects.filter((o) => podTemplate(o) && matches(spec.selector, podTemplate(o)!.metadata.labels));
                    assert.deepEqual(targets.map((t) => t.kind).filter((k) => LONG_RUNNING.includes(k)).length, 1, `Service ${s.metadata.name} targets ${targets.map(objectId)}`);
                    assert.equal(targets.length, 1, `Service ${s.metadata.name} also selects ${targets.map(objectId)}`);
                    const ports = podTemplate(targets[0]!)!.spec.containers.flatMap((c) => c.ports ?? []);
                    for (const { targetPort } of spec.ports) {
                        assert.ok(
                            ports.some((p) => p.name === targetPort || p.containerPort === targetPort),
                            `Service ${s.metadata.name} targetPort ${targetPort} is not a container port`,
                        );
                    }
                }
            });

            it("runs every pod non-root and unprivileged, every container with requests and a memory limit", () => {
                for (const o of declared.objects.filter((x) => podTemplate(x))) {
                    const pod = podTemplate(o)!.spec;
                    // The one exception: the log shipper reads other containers' log files on the node.
                    const rootAllowed = o.kind === "DaemonSet" && o.metadata.name === "log-shipper";
                    assert.equal(pod.securityContext?.runAsNonRoot, !rootAllowed, objectId(o));
                    for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
                        const where = `${objectId(o)}/${c.name}`;
                        assert.equal(c.securityContext?.allowPrivilegeEscalation, false, where);
                        assert.ok(c.resources?.requests?.cpu && c.resources.requests.memory, `${where} requests`);
                        assert.ok(c.resources?.limits?.memory, `${where} memory limit`);
                    }
                }
            });

            it("mounts only ConfigMaps, Secrets and claims that the stack declares", () => {
                const declaredNames = (kind: string) => new Set(ofKind(declared.objects, kind).map((o) => o.metadata.name));
                const configMaps = declaredNames("ConfigMap");
                const claims = declaredNames("PersistentVolumeClaim");
                const secrets = declaredNames("Secret");
                for (const o of declared.objects.filter((x) => podTemplate(x))) {
                    const pod = podTemplate(o)!.spec as { volumes?: { configMap?: { name: string }; persistentVolumeClaim?: { claimName: string }; secret?: { secretName: string } }[] };
                    for (const v of pod.volumes ?? []) {
                        if (v.configMap) assert.ok(configMaps.has(v.configMap.name), `${objectId(o)} ConfigMap ${v.configMap.name}`);
                        if (v.persistentVolumeClaim) assert.ok(claims.has(v.persistentVolumeClaim.claimName), `${objectId(o)} claim ${v.persistentVolumeClaim.claimName}`);
                        if (v.secret) assert.ok(secrets.has(v.secret.secretName), `${objectId(o)} Secret ${v.secret.secretName}`);
                    }
                    for (const c of podTemplate(o)!.spec.containers) {
                        for (const e of (c.env ?? []) as { valueFrom?: { secretKeyRef?: { name: string; key: string } } }[]) {
                            const ref = e.valueFrom?.secretKeyRef;
                            if (ref) {
                                const secret = ofKind(declared.objects, "Secret").find((x) => x.metadata.name === ref.name);
                                assert.ok(secret, `${objectId(o)} refers to Secret ${ref.name}`);
                                assert.ok(ref.key in (secret.stringData as object), `${objectId(o)} refers to missing key ${ref.name}/${ref.key}`);
                            }
                        }
                    }
                }
            });

            it("aims every HPA and PodDisruptionBudget at an existing Deployment", () => {
                const deployments = ofKind(declared.objects, "Deployment");
                for (const hpa of ofKind(declared.objects, "HorizontalPodAutoscaler")) {
                    const ref = (hpa.spec as { scaleTargetRef: { kind: string; name: string } }).scaleTargetRef;
                    assert.equal(ref.kind, "Deployment");
                    assert.ok(deployments.some((d) => d.metadata.name === ref.name), `HPA ${hpa.metadata.name} -> ${ref.name}`);
                }
                for (const pdb of ofKind(declared.objects, "PodDisruptionBudget")) {
                    const selector = (pdb.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
                    const hits = declared.objects.filter((d) => LONG_RUNNING.includes(d.kind) && matches(selector, workload(d).template.metadata.labels));
                    assert.equal(hits.length, 1, `PDB ${pdb.metadata.name}`);
                }
            });

            it("routes every Ingress backend to a declared Service port", () => {
                for (const ing of ofKind(declared.objects, "Ingress")) {
                    const rules = (ing.spec as { rules: { http: { paths: { backend: { service: { name: string; port: { number: number } } } }[] } }[] }).rules;
                    for (const path of rules.flatMap((r) => r.http.paths)) {
                        const svc = ofKind(declared.objects, "Service").find((s) => s.metadata.name === path.backend.service.name);
                        assert.ok(svc, `Ingress backend ${path.backend.service.name}`);
                        assert.ok((svc.spec as { ports: { port: number }[] }).ports.some((p) => p.port === path.backend.service.port.number));
                    }
                }
            });
        });
    }
});

describe("scaling by config", () => {
    it("changing one service's maxReplicas changes exactly that HPA", async () => {
        const before = await declare({ stack: "prod" });
        const after = await declare({ stack: "prod", config: { services: { "order-service": { autoscaling: { maxReplicas: 6 } } } } });
        const changed = diff(before.objects, after.objects);
        assert.deepEqual(changed, ["HorizontalPodAutoscaler/prod/order-service"]);
        const hpa = after.objects.find((o) => objectId(o) === changed[0])!;
        assert.equal((hpa.spec as { maxReplicas: number }).maxReplicas, 6);
    });

    it("changing one service's resources changes exactly that Deployment", async () => {
        const before = await declare({ stack: "dev" });
        const after = await declare({ stack: "dev", config: { services: { "user-service": { resources: { limits: { memory: "1Gi" } } } } } });
        assert.deepEqual(diff(before.objects, after.objects), ["Deployment/dev/user-service"]);
    });
});

function diff(a: readonly KubeObject[], b: readonly KubeObject[]): string[] {
    const index = (objects: readonly KubeObject[]) => new Map(objects.map((o) => [objectId(o), JSON.stringify(o)]));
    const before = index(a);
    const after = index(b);
    const ids = new Set([...before.keys(), ...after.keys()]);
    return [...ids].filter((id) => before.get(id) !== after.get(id)).sort();
}

describe("probes", () => {
    for (const stack of ["dev", "prod"]) {
        it(`${stack}: every long-running container has a readiness and a liveness or startup probe`, async () => {
            const declared = await declare({ stack });
            for (const o of declared.objects.filter((x) => LONG_RUNNING.includes(x.kind))) {
                for (const c of podTemplate(o)!.spec.containers) {
                    assert.ok(c.readinessProbe, `${objectId(o)}/${c.name} readiness`);
                    assert.ok(c.livenessProbe || c.startupProbe, `${objectId(o)}/${c.name} liveness`);
                }
            }
        });
    }
});

describe("labels", () => {
    const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

    it("stay valid label values when an image is pinned by digest", async () => {
        const digest = `docker.io/selimhorri/order-service-ecommerce-boot@sha256:${"ab".repeat(32)}`;
        const declared = await declare({ stack: "prod", config: { services: { "order-service": { image: digest } } } });
        for (const o of declared.objects) {
            const all = [o.metadata.labels, podTemplate(o)?.metadata.labels].filter((l): l is Record<string, string> => l !== undefined);
            for (const labels of all) {
                for (const [key, value] of Object.entries(labels)) {
                    assert.match(value, LABEL_VALUE, `${objectId(o)} ${key}=${value}`);
                }
            }
        }
        const order = declared.objects.find((o) => o.kind === "Deployment" && o.metadata.name === "order-service")!;
        assert.equal((order.metadata.labels as Record<string, string>)["app.kubernetes.io/version"], undefined);
        assert.equal(podTemplate(order)!.spec.containers[0]!.image, digest);
    });
});

describe("local disk is bounded", () => {
    for (const stack of ["dev", "prod"]) {
        it(`${stack}: every container requests and limits ephemeral storage, and every emptyDir has a size limit`, async () => {
            // The smoke test runs while the services do; the restore Job while they are stopped.
            const running = await declare({ stack, config: { smokeTest: true } });
            const restoring = await declare({ stack, config: { scaleToZero: true, postgres: { restoreFrom: "full_backup_20250101T020000Z.sql.gz" } } });
            const objects = [...running.objects, ...restoring.objects.filter((o) => o.kind === "Job")];
            assert.ok(objects.some((o) => o.kind === "Job" && o.metadata.name === "smoke-test") && objects.some((o) => o.metadata.name === "postgres-restore"));
            const unbounded: string[] = [];
            let containers = 0;
            for (const o of objects) {
                const spec = podTemplate(o)?.spec as { containers?: ContainerView[]; initContainers?: ContainerView[]; volumes?: { name: string; emptyDir?: { sizeLimit?: string } }[] } | undefined;
                if (!spec) continue;
                for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
                    containers++;
                    if (!c.resources?.requests?.["ephemeral-storage"] || !c.resources?.limits?.["ephemeral-storage"]) unbounded.push(`${objectId(o)} container ${c.name}`);
                }
                for (const v of spec.volumes ?? []) {
                    if (v.emptyDir && !v.emptyDir.sizeLimit) unbounded.push(`${objectId(o)} emptyDir ${v.name}`);
                }
            }
            assert.deepEqual(unbounded, []);
            assert.ok(containers > 30, `only ${containers} containers looked at`);
        });
    }
});

describe("StatefulSets and their headless Services", () => {
    it("names a headless Service that selects each StatefulSet's pods, and never replaces an existing one for it", async () => {
        const d = await declare({ stack: "prod" });
        const sets = ofKind(d.objects, "StatefulSet");
        assert.ok(sets.length >= 4);
        for (const set of sets) {
            const spec = set.spec as { serviceName: string; selector: { matchLabels: Record<string, string> } };
            const service = d.objects.find((o) => o.kind === "Service" && o.metadata.name === spec.serviceName);
            assert.ok(service, `${objectId(set)} names ${spec.serviceName}, which is not declared`);
            const svc = service.spec as { clusterIP?: string; selector: Record<string, string> };
            assert.equal(svc.clusterIP, "None", `${spec.serviceName} is not headless`);
            assert.deepEqual(svc.selector, spec.selector.matchLabels);
            // serviceName is immutable: stacks created with the old name keep it rather than replace the StatefulSet.
            const recorded = d.resources.find((r) => r.type === "kubernetes:apps/v1:StatefulSet" && (r.inputs.metadata as { name: string }).name === set.metadata.name)!;
            assert.deepEqual(recorded.ignoreChanges, ["spec.serviceName"], objectId(set));
        }
    });
});

describe("passwords as files", () => {
    for (const stack of ["dev", "prod"]) {
        it(`${stack}: no password in any pod's environment or command line, but the Spring services' datasource`, async () => {
            const { objects } = await declare({ stack, config: { datasource: "postgres", imageRegistry: "registry.example.com/shop", imageTag: "1.0.0-pg", smokeTest: true } });
            const exposed: string[] = [];
            for (const o of objects) {
                const spec = podTemplate(o)?.spec;
                for (const c of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])]) {
                    const env = (c.env ?? []) as { name: string; valueFrom?: { secretKeyRef?: object } }[];
                    // Spring Boot reads no *_FILE variables: the services' own datasource password stays a reference.
                    exposed.push(...env.filter((e) => e.valueFrom?.secretKeyRef && e.name !== "SPRING_DATASOURCE_PASSWORD").map((e) => `${objectId(o)} ${c.name} env ${e.name}`));
                    if (/PASSWORD/.test((c.command ?? []).join(" ").replace(/[A-Z_]*PASSWORD_?_FILE/g, ""))) exposed.push(`${objectId(o)} ${c.name} command`);
                }
            }
            assert.deepEqual(exposed, []);
        });
    }
});

describe("the stack's own provider", () => {
    for (const stack of ["dev", "prod"]) {
        it(`${stack}: every Kubernetes resource goes through the one provider bound to the stack's context and namespace`, async () => {
            const d = await declare({ stack });
            const providers = d.resources.filter((r) => r.type === "pulumi:providers:kubernetes");
            assert.equal(providers.length, 1);
            const kubernetes = d.resources.filter((r) => r.type.startsWith("kubernetes:"));
            assert.ok(kubernetes.length > 100);
            const without = kubernetes.filter((r) => !r.provider?.includes(`pulumi:providers:kubernetes::${providers[0]!.name}::`));
            // Without it a resource would go to whatever kubeconfig context is current.
            assert.deepEqual(without.map((r) => `${r.type}/${r.name}`), []);
            assert.equal(providers[0]!.inputs.namespace, stack === "dev" ? "dev" : "prod");
        });
    }
});
