/** The mocks refuse what the engine refuses: two resources with one URN. */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { RecordingMocks, urnOf } from "../offline/mocks";

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
});
