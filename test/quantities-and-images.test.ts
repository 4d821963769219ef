import { strict as assert } from "assert";
import { capacity, podRequests } from "../offline/capacity";
import type { KubeObject } from "../offline/manifests";
import { cronProblem } from "../lib/cron";
import { maxHeapOf, parseJvmSize, parsePrometheusDuration } from "../lib/durations";
import { canonicalRepository, parseImageRef, registryOf, unpinnedReason } from "../lib/image";
import { formatCpu, formatMemory, parseCpu, parseMemory } from "../lib/quantity";

describe("quantities", () => {
    it("reads memory the way the API server does", () => {
        assert.equal(parseMemory("512Mi"), 512 * 1024 * 1024);
        assert.equal(parseMemory("1Gi"), 1024 ** 3);
        assert.equal(parseMemory("1G"), 1e9);
        assert.equal(parseMemory("128974848"), 128974848);
        assert.equal(parseMemory("512MB"), undefined);
        assert.equal(parseMemory("500m"), undefined, "milli-bytes are never meant");
        assert.equal(parseMemory(""), undefined);
    });

    it("reads CPU in cores", () => {
        assert.equal(parseCpu("500m"), 0.5);
        assert.equal(parseCpu("1000m"), parseCpu("1"));
        assert.equal(parseCpu("0.25"), 0.25);
        assert.equal(parseCpu("1Gi"), undefined);
        assert.equal(parseCpu("one"), undefined);
    });

    it("formats totals without float noise", () => {
        assert.equal(formatCpu(0.1 * 3), "300m");
        assert.equal(formatCpu(0.1 * 10), "1");
        assert.equal(formatMemory(384 * 2 ** 20 * 10), "3.75Gi");
        assert.equal(formatMemory(768 * 2 ** 20), "768Mi");
    });
});

describe("image references", () => {
    it("splits registry, repository, tag and digest", () => {
        assert.deepEqual(parseImageRef("docker.io/selimhorri/api-gateway-ecommerce-boot:0.1.0"), {
            repository: "docker.io/selimhorri/api-gateway-ecommerce-boot",
            tag: "0.1.0",
            digest: undefined,
        });
        assert.equal(parseImageRef("localhost:5000/app")?.tag, undefined);
        assert.equal(registryOf(parseImageRef("localhost:5000/app:1")!), "localhost:5000");
        assert.equal(registryOf(parseImageRef("busybox:1.36.1")!), "docker.io");
        assert.equal(registryOf(parseImageRef("ghcr.io/org/app:1")!), "ghcr.io");
        assert.equal(parseImageRef("Not An Image"), undefined);
    });

    it("calls untagged and latest images unpinned, and digests pinned", () => {
        assert.match(unpinnedReason(parseImageRef("busybox")!)!, /no tag/);
        assert.match(unpinnedReason(parseImageRef("busybox:latest")!)!, /latest/);
        assert.equal(unpinnedReason(parseImageRef("busybox:1.36.1")!), undefined);
        assert.equal(unpinnedReason(parseImageRef(`busybox@sha256:${"a".repeat(64)}`)!), undefined);
    });
});

describe("image names as the runtimes resolve them", () => {
    it("gives every spelling of a Docker Hub repository one name", () => {
        const canonical = (ref: string) => canonicalRepository(parseImageRef(ref)!);
        for (const ref of ["selimhorri/app:1", "docker.io/selimhorri/app:1", "index.docker.io/selimhorri/app:1", "registry-1.docker.io/selimhorri/app:1"]) {
            assert.equal(canonical(ref), "docker.io/selimhorri/app", ref);
        }
        assert.equal(canonical("busybox:1.36.1"), "docker.io/library/busybox");
        assert.equal(canonical("localhost:5000/app:1"), "localhost:5000/app");
        assert.equal(canonical("ghcr.io/org/app:1"), "ghcr.io/org/app");
    });

    it("takes the digest algorithms the spec allows and refuses malformed names", () => {
        assert.ok(parseImageRef(`app@sha512:${"a".repeat(128)}`));
        assert.equal(parseImageRef("app@sha256:short"), undefined);
        assert.equal(parseImageRef("Upper/app:1")?.repository, "Upper/app");
        assert.equal(parseImageRef("upper/App:1"), undefined);
        assert.equal(parseImageRef(`${"a".repeat(256)}:1`), undefined);
    });
});

describe("cron as Kubernetes parses it", () => {
    it("accepts names, ranges, steps, ? and descriptors", () => {
        for (const ok of ["0 2 * * MON", "0 2 1-15/2 jan-jun ?", "@weekly", "@every 1h30m"]) assert.equal(cronProblem(ok), undefined, ok);
    });

    it("refuses out-of-range values, reversed ranges, zero steps and six fields", () => {
        assert.match(cronProblem("0 0 0 * *")!, /day of month field: 0 is outside 1-31/);
        assert.match(cronProblem("0 0 * 13 *")!, /month field: 13 is outside 1-12/);
        assert.match(cronProblem("0 5-2 * * *")!, /range 5-2 starts after it ends/);
        assert.match(cronProblem("*/0 * * * *")!, /step "0"/);
        assert.match(cronProblem("0 0 * * * *")!, /has 6 fields/);
        assert.match(cronProblem("0 0 * * FUN")!, /"FUN" is not a number or a name/);
    });
});

describe("durations and JVM sizes", () => {
    it("reads Prometheus durations, compound ones included, largest unit first", () => {
        assert.equal(parsePrometheusDuration("1h30m"), 90 * 60_000);
        assert.equal(parsePrometheusDuration("15d"), 15 * 86_400_000);
        assert.equal(parsePrometheusDuration("30m1h"), undefined);
        assert.equal(parsePrometheusDuration("15 d"), undefined);
    });

    it("reads JVM sizes in either case, and the -Xmx the JVM applies (the last)", () => {
        assert.equal(parseJvmSize("512M"), 512 * 2 ** 20);
        assert.equal(parseJvmSize("1g"), 2 ** 30);
        assert.equal(parseJvmSize("1GB"), undefined);
        assert.equal(maxHeapOf("-Xmx256m -XX:+UseG1GC -Xmx1g"), 2 ** 30);
        assert.equal(maxHeapOf("-XX:MaxRAMPercentage=75"), undefined);
    });
});

describe("capacity", () => {
    const container = (cpu: string, memory: string) => ({ resources: { requests: { cpu, memory } } });

    it("counts a pod's request as the larger of its containers' sum and its largest init container", () => {
        assert.deepEqual(podRequests({ containers: [container("100m", "64Mi"), container("200m", "64Mi")], initContainers: [container("500m", "16Mi")] }), {
            cpu: 0.5,
            memory: 128 * 2 ** 20,
        });
    });

    it("multiplies by the HPA's range, or the fixed replica count", () => {
        const pod = { containers: [container("250m", "256Mi")] };
        const objects: KubeObject[] = [
            { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "a", namespace: "x" }, spec: { template: { spec: pod } } },
            { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "b", namespace: "x" }, spec: { replicas: 3, template: { spec: pod } } },
            {
                apiVersion: "autoscaling/v2",
                kind: "HorizontalPodAutoscaler",
                metadata: { name: "a", namespace: "x" },
                spec: { scaleTargetRef: { kind: "Deployment", name: "a" }, minReplicas: 2, maxReplicas: 5 },
            },
        ];
        assert.deepEqual(capacity(objects, "min"), { cpu: 1.25, memory: 5 * 256 * 2 ** 20, pods: 5 });
        assert.deepEqual(capacity(objects, "max"), { cpu: 2, memory: 8 * 256 * 2 ** 20, pods: 8 });
    });
});
