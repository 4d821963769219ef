/**
 * components/docker/provider-values.ts writes durations and CPUs as the Docker provider reads
 * them back from the engine. Expected values: Go's time.Duration.String() and the provider's
 * nanoInt64ToDecimalString (pulumi-docker 4.11.2, upstream internal/provider/helpers.go), as
 * their code computes them.
 */
import { strict as assert } from "assert";
import { dockerCpus, goDuration } from "../components/docker/provider-values";
import { containerResources } from "./docker-containers";
import { declare } from "./support";

describe("Docker values as the provider reads them back", () => {
    it("durations as Go prints them", () => {
        assert.equal(goDuration(0), "0s");
        assert.equal(goDuration(5), "5s");
        assert.equal(goDuration(59), "59s");
        assert.equal(goDuration(60), "1m0s");
        assert.equal(goDuration(240), "4m0s");
        assert.equal(goDuration(3661), "1h1m1s");
        assert.throws(() => goDuration(1.5));
    });

    it("CPUs as the provider prints the engine's NanoCPUs, quirks included", () => {
        assert.equal(dockerCpus(1), "1.0");
        assert.equal(dockerCpus(2), "2.0");
        assert.equal(dockerCpus(0.5), "0.5");
        assert.equal(dockerCpus(1.5), "1.5");
        assert.equal(dockerCpus(0.25), "0.25");
        assert.equal(dockerCpus(0.1), "0.1");
        // Exactly nine zeros in "0.050000000": one decimal, rounded.
        assert.equal(dockerCpus(0.05), "0.1");
        // Ten zeros in "10.000000000": trailing zeros dropped, the point kept.
        assert.equal(dockerCpus(10), "10.");
    });

    it("the local stack declares every container so: no swap beyond memory, CPUs and health check timings as read back", async () => {
        const containers = containerResources(await declare({ stack: "local" }));
        assert.ok(containers.length >= 15);
        for (const c of containers) {
            const inputs = c.inputs as { memory: number; memorySwap?: number; cpus?: string; healthcheck?: Record<string, unknown> };
            assert.equal(inputs.memorySwap, inputs.memory, c.name);
            if (inputs.cpus !== undefined) assert.equal(inputs.cpus, dockerCpus(Number(inputs.cpus)), c.name);
            for (const field of ["interval", "timeout", "startPeriod"]) {
                const value = inputs.healthcheck?.[field];
                if (value !== undefined) assert.match(String(value), /^(\d+h)?(\d+m)?\d+s$/, `${c.name} ${field}`);
                if (typeof value === "string" && /^\d+s$/.test(value)) assert.ok(Number(value.slice(0, -1)) < 60, `${c.name} ${field} ${value}: Go prints a minute or more as XmYs`);
            }
        }
    });
});
