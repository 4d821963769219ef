/** The critical path `npm run bench:system` compares the start from empty with. */
import { strict as assert } from "assert";
import type { ServiceName } from "../catalog";
import { criticalPath } from "../scripts/bench-system";

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
});
