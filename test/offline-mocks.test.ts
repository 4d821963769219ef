/** The mocks refuse what the engine refuses: two resources with one URN. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { RecordingMocks, urnOf } from "../offline/mocks";
import { ProgramFailure, runProgram } from "../offline/run";

describe("offline mocks", () => {
    it("name a resource's URN as the engine does: its parents' types, its type, its name", () => {
        const stackUrn = "urn:pulumi:dev::ecommerce::pulumi:pulumi:Stack::ecommerce-dev";
        const tier = urnOf("ecommerce", "dev", stackUrn, "ecommerce:k8s:ApplicationTier", "application");
        assert.equal(tier, "urn:pulumi:dev::ecommerce::ecommerce:k8s:ApplicationTier::application");
        const svc = urnOf("ecommerce", "dev", urnOf("ecommerce", "dev", tier, "ecommerce:k8s:Microservice", "order-service"), "kubernetes:core/v1:Service", "order-service");
        // Parents' names are not in it: that is why two components of one type must name their children apart.
        assert.equal(svc, "urn:pulumi:dev::ecommerce::ecommerce:k8s:ApplicationTier$ecommerce:k8s:Microservice$kubernetes:core/v1:Service::order-service");
    });

    it("record a second resource with a URN already taken, even under another parent of the same type", async () => {
        const mocks = new RecordingMocks();
        await mocks.install("p", "s");
        const first = new pulumi.ComponentResource("test:index:Part", "first");
        const second = new pulumi.ComponentResource("test:index:Part", "second");
        const other = new pulumi.ComponentResource("test:index:Other", "other");
        new pulumi.ComponentResource("test:index:Leaf", "leaf", {}, { parent: first });
        new pulumi.ComponentResource("test:index:Leaf", "leaf", {}, { parent: second });
        new pulumi.ComponentResource("test:index:Leaf", "leaf", {}, { parent: other });
        await new Promise((resolve) => setTimeout(resolve, 200));
        await pulumi.runtime.disconnect();
        assert.deepEqual(mocks.duplicateUrns, ["urn:pulumi:s::p::test:index:Part$test:index:Leaf::leaf"]);
    });

    it("leave the program's errors pointing at its TypeScript lines, though traces are formatted plainly during a run", async () => {
        const failure = await runProgram({ stack: "dev", config: { replicas: 3 } }).then(
            () => assert.fail("a key the schema does not know is refused"),
            (error: unknown) => error,
        );
        assert.ok(failure instanceof ProgramFailure);
        const stack = failure.cause instanceof Error ? failure.cause.stack ?? "" : "";
        const frame = /\((.*stacks\/settings\.ts):(\d+):\d+\)/.exec(stack);
        assert.ok(frame, stack);
        // Mapped back, the frame's line is the one that throws; unmapped it is the transpiled one.
        const line = fs.readFileSync(frame[1]!, "utf8").split("\n")[Number(frame[2]) - 1];
        assert.match(line ?? "", /throw new ConfigError/, stack);
    });
});
