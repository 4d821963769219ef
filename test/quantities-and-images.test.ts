import { strict as assert } from "assert";
import { capacity, podRequests } from "../offline/capacity";
import type { KubeObject } from "../offline/manifests";
import { cronProblem } from "../lib/cron";
import { maxHeapOf, parseJvmSize, parsePrometheusDuration } from "../lib/durations";
import { formatCpu, formatMemory } from "../lib/quantity";

describe("quantities", () => {
    it("formats totals without float noise", () => {
        assert.equal(formatCpu(0.1 * 3), "300m");
        assert.equal(formatCpu(0.1 * 10), "1");
        assert.equal(formatMemory(384 * 2 ** 20 * 10), "3.75Gi");
        assert.equal(formatMemory(768 * 2 ** 20), "768Mi");
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
