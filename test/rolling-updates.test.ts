/**
 * What the live system showed (npm run test:system, a rolling update under load): the
 * gateway finds instances through Eureka, so a replaced pod kept receiving requests until
 * three caches turned over, and 5 % of a steady load failed with 500 for up to 90 s. These
 * checks read the rendered objects, not the constants that produced them: a replaced
 * instance must keep serving longer than the caches that keep callers sending to it.
 */
import { strict as assert } from "assert";
import { MANUAL_SERVICES } from "./sources";
import { declare, envOf, find, workload, type ContainerView, type Declared } from "./support";

interface Lifecycle {
    preStop?: { exec?: { command: string[] } };
}

/** Seconds from a Spring duration (`5s`, `500ms`, a bare number of milliseconds). */
function springSeconds(value: string | undefined): number {
    const m = /^(\d+)(ms|s|m)?$/.exec(value ?? "");
    assert.ok(m, `not a duration: ${value}`);
    const n = Number(m[1]);
    return m[2] === "s" ? n : m[2] === "m" ? n * 60 : n / 1000;
}

function container(declared: Declared, name: string): ContainerView & { lifecycle?: Lifecycle } {
    return workload(find(declared.objects, "Deployment", name)).template.spec.containers[0]! as ContainerView & { lifecycle?: Lifecycle };
}

for (const stack of ["dev", "prod", "node"]) {
    describe(`${stack} stack: rolling updates without failed requests`, () => {
        let declared: Declared;
        before(async () => {
            declared = await declare({ stack });
        });

        it("each replaced instance of a scaled service serves longer than callers can keep routing to it", () => {
            const server = envOf(container(declared, "service-discovery"));
            // Defaults when unset: 30 s response cache, 30 s registry fetch, 35 s load-balancer cache.
            const serverCache = Number(server.EUREKA_SERVER_RESPONSECACHEUPDATEINTERVALMS ?? 30000) / 1000;
            const scaled = MANUAL_SERVICES.filter((m) => m.name !== "service-discovery" && m.name !== "cloud-config");
            assert.ok(scaled.length >= 8);
            for (const callee of scaled) {
                const own = container(declared, callee.name);
                const sleep = own.lifecycle?.preStop?.exec?.command;
                assert.ok(sleep && sleep[0] === "sleep", `${callee.name}: no pre-stop sleep`);
                const drain = Number(sleep[1]);
                for (const caller of MANUAL_SERVICES.filter((m) => m.name !== "service-discovery")) {
                    const env = envOf(container(declared, caller.name));
                    const window = serverCache + Number(env.EUREKA_CLIENT_REGISTRYFETCHINTERVALSECONDS ?? 30) + springSeconds(env.SPRING_CLOUD_LOADBALANCER_CACHE_TTL ?? "35s");
                    assert.ok(drain > window, `${callee.name} drains ${drain} s, ${caller.name} may route to it for ${window} s`);
                }
                const grace = (workload(find(declared.objects, "Deployment", callee.name)).template.spec as { terminationGracePeriodSeconds?: number }).terminationGracePeriodSeconds ?? 30;
                assert.ok(grace >= drain + 20, `${callee.name}: ${grace} s of grace leave Spring under 20 s to stop after its ${drain} s drain`);
            }
        });

        it("the gateway retries a failed GET and keeps the upstream image's default filter", () => {
            const env = envOf(container(declared, "api-gateway"));
            const filters = Object.keys(env)
                .filter((k) => /^SPRING_CLOUD_GATEWAY_DEFAULTFILTERS_\d+$/.test(k))
                .sort()
                .map((k) => env[k]);
            // api-gateway/src/main/resources/application.yml at the pinned commit sets this one;
            // a list from the environment replaces the file's, so it must be repeated.
            assert.ok(filters.some((f) => f.startsWith("DedupeResponseHeader=Access-Control-Allow-Credentials Access-Control-Allow-Origin")), filters.join(" | "));
            const retry = filters.find((f) => f.startsWith("Retry="));
            assert.ok(retry, filters.join(" | "));
            assert.ok(Number(retry.slice("Retry=".length)) >= 1, retry);
        });

        it("the singletons stop at once: nobody can take over their requests", () => {
            for (const name of ["service-discovery", "cloud-config"]) {
                assert.equal(container(declared, name).lifecycle, undefined, name);
            }
        });
    });
}
