/** The catalog against the source documents, and its internal consistency. */
import { strict as assert } from "assert";
import { SERVICES, actuatorPath, serviceSpec, type ServiceName } from "../catalog";
import { MANUAL_SERVICES, MANUAL_START_ORDER, REFERENCE_SERVICES } from "./sources";

describe("service catalog", () => {
    it("holds exactly the manual's ten services, with the manual's names and ports", () => {
        assert.deepEqual(
            SERVICES.map((s) => [s.name, s.port, s.title]).sort(),
            MANUAL_SERVICES.map((s) => [s.name, s.port, s.title]).sort(),
        );
    });

    it("has the images' context paths from the reference notes", () => {
        for (const ref of REFERENCE_SERVICES) {
            assert.equal(serviceSpec(ref.name as ServiceName).contextPath, ref.contextPath, ref.name);
            assert.equal(actuatorPath(serviceSpec(ref.name as ServiceName), "health"), `${ref.contextPath}/actuator/health`);
        }
    });

    it("orders start-up without cycles, in the manual's order for the critical services", () => {
        const rank = new Map<ServiceName, number>();
        const visit = (name: ServiceName, path: ServiceName[]): number => {
            assert.ok(!path.includes(name), `start-up cycle: ${[...path, name].join(" -> ")}`);
            const known = rank.get(name);
            if (known !== undefined) {
                return known;
            }
            const deps = serviceSpec(name).startsAfter;
            const r = deps.length === 0 ? 0 : 1 + Math.max(...deps.map((d) => visit(d, [...path, name])));
            rank.set(name, r);
            return r;
        };
        SERVICES.forEach((s) => visit(s.name, []));
        const critical = MANUAL_START_ORDER.map((n) => rank.get(n as ServiceName)!);
        assert.deepEqual(critical, [...critical].sort((a, b) => a - b));
        assert.equal(new Set(critical).size, critical.length, "critical services start one after another");
        for (const s of SERVICES.filter((x) => !MANUAL_START_ORDER.includes(x.name))) {
            assert.ok(rank.get(s.name)! >= rank.get("service-discovery")!, `${s.name} starts after discovery`);
        }
    });

    it("lets only Eureka and the config server be singletons", () => {
        assert.deepEqual(SERVICES.filter((s) => s.scaling === "singleton").map((s) => s.name).sort(), ["cloud-config", "service-discovery"]);
    });

    it("routes the gateway to every business service, and names only known services as callees", () => {
        const names = new Set(SERVICES.map((s) => s.name));
        for (const s of SERVICES) {
            s.calls.forEach((c) => assert.ok(names.has(c), `${s.name} calls unknown ${c}`));
        }
        const business = SERVICES.filter((s) => s.tier === "business").map((s) => s.name);
        assert.equal(business.length, 6);
        business.forEach((b) => assert.ok(serviceSpec("api-gateway").calls.includes(b), b));
    });
});
