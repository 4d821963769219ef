/** The end: `pulumi destroy` leaves nothing of the stack, and the node takes the next run. */
import { strict as assert } from "assert";
import { waitUntilGone } from "../../e2e/cluster";
import { ok } from "../../e2e/workspace";
import { figure, system } from "./fixture";

describe("8. destroy", function () {
    it("pulumi destroy leaves no namespace, volume or Pulumi state behind", async function () {
        const { live, ws, stack } = system(this);
        if (process.env.SYSTEM_KEEP) this.skip();
        const volumesBefore = JSON.parse(live.kubectl(["get", "pv", "-o", "json"])) as { items: { spec: { claimRef?: { namespace?: string } } }[] };
        assert.ok(volumesBefore.items.some((v) => v.spec.claimRef?.namespace === live.namespace), "the stack had no volume to remove");
        const destroy = ok(await ws.pulumi(["destroy", "-s", stack, "--yes", "--skip-preview"], 900), "destroy");
        await waitUntilGone(live.target, [live.namespace], 300);
        figure("destroy", "pulumi destroy, then the namespace gone", `${destroy.seconds.toFixed(0)} s`);
        const left = () => (JSON.parse(live.kubectl(["get", "pv", "-o", "json"])) as typeof volumesBefore).items.filter((v) => v.spec.claimRef?.namespace === live.namespace);
        const end = Date.now() + 120_000;
        while (left().length > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 3000));
        assert.equal(left().length, 0, "PersistentVolumes of the namespace left behind");
        const stacks = await ws.pulumi(["stack", "ls", "--json"]);
        const resources = (JSON.parse(stacks.stdout) as { name: string; resourceCount?: number }[]).find((s) => s.name === stack)?.resourceCount ?? 0;
        assert.equal(resources, 0, "resources left in the stack's state");
    });
});
