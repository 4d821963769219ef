/** The critical path `npm run bench:system` compares the start from empty with. */
import { strict as assert } from "assert";
import type { ServiceName } from "../catalog";
import { cpuFloor, criticalPath, gateServices, manualSerialPath } from "../scripts/bench-system";

describe("bench:system: the critical path of solo starts", () => {
    const solo = (entries: [ServiceName, number][]) => new Map<ServiceName, number>(entries);

    it("follows the manual's start order through the slowest chain", () => {
        // cloud-config 10 + discovery 10 + gateway 30 + proxy-client 5 = 55, longer than
        // cloud-config + discovery + the slowest business service (10 + 10 + 20 = 40).
        const found = criticalPath(solo([["cloud-config", 10], ["service-discovery", 10], ["api-gateway", 30], ["user-service", 20], ["proxy-client", 5]]));
        assert.equal(found.seconds, 55);
        assert.deepEqual(found.path, ["cloud-config", "service-discovery", "api-gateway", "proxy-client"]);
    });

    it("ends in a business service when one starts slower than the gateway and the web client together", () => {
        const found = criticalPath(solo([["cloud-config", 10], ["service-discovery", 10], ["api-gateway", 10], ["order-service", 40], ["proxy-client", 5]]));
        assert.equal(found.seconds, 60);
        assert.deepEqual(found.path, ["cloud-config", "service-discovery", "order-service"]);
    });

    it("in the manual's order one after another, adds the slowest of the rest after the gateway", () => {
        // 10 + 10 + 30, then order-service (40) rather than proxy-client (5) or user-service (20).
        const found = manualSerialPath(solo([["cloud-config", 10], ["service-discovery", 10], ["api-gateway", 30], ["user-service", 20], ["order-service", 40], ["proxy-client", 5]]));
        assert.equal(found.seconds, 90);
        assert.deepEqual(found.path, ["cloud-config", "service-discovery", "api-gateway", "order-service"]);
    });

    it("starts cloud-config and service-discovery alone: every other service waits for both", () => {
        assert.deepEqual(gateServices(), ["cloud-config", "service-discovery"]);
    });

    it("puts the floor at the gates one after another, then the rest's CPU on every core", () => {
        // 5 s before the first pod, 30 + 30 s of gates, then 8 services of 40 core-s on 2 cores: 160 s.
        const startCpu = new Map<ServiceName, number>([["cloud-config", 99], ["service-discovery", 99]]);
        for (const name of ["api-gateway", "user-service", "product-service", "order-service", "payment-service", "shipping-service", "favourite-service", "proxy-client"] as const) {
            startCpu.set(name, 40);
        }
        const floor = cpuFloor({ before: 5, solo: solo([["cloud-config", 30], ["service-discovery", 30]]), startCpu, cores: 2 });
        assert.equal(floor, 5 + 30 + 30 + 160);
    });
});
