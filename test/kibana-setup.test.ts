/** Issue 16: Kibana gets the manual's data view and searches from the program, on both targets. */
import { strict as assert } from "assert";
import { canConnect, podsOf } from "./network-eval";
import { declare, dependenciesOf, find, podTemplate, recorded, type Declared } from "./support";

for (const stack of ["dev", "prod"]) {
    describe(`${stack} stack: Kibana setup`, () => {
        let d: Declared;
        beforeEach(async () => {
            d = await declare({ stack });
        });

        it("runs a Job with the stack's wait image once Kibana is declared, reading its requests from a ConfigMap", () => {
            const job = find(d.objects, "Job", "kibana-setup");
            const pod = podTemplate(job)!;
            const container = pod.spec.containers[0]!;
            const waitImage = find(d.objects, "Deployment", "api-gateway");
            assert.equal(container.image, podTemplate(waitImage)!.spec.initContainers![0]!.image);
            assert.deepEqual(container.command!.slice(0, 2), ["sh", "-c"]);
            assert.equal(pod.spec.restartPolicy, "Never");
            const files = Object.keys(find(d.objects, "ConfigMap", "kibana-setup").data as Record<string, string>);
            for (const file of files) {
                assert.ok(container.command![2]!.includes(`'${file}'`), `the script posts ${file}`);
            }
            assert.ok(files.includes("data-view.json"));
            const declared = recorded(d.resources, "kubernetes:batch/v1:Job", "kibana-setup")!;
            assert.ok(dependenciesOf(d.resources, declared).includes("kibana"), dependenciesOf(d.resources, declared).join(", "));
        });

        it("may reach Kibana and nothing else", () => {
            const pods = new Map(podsOf(d.objects).map((p) => [p.name, p]));
            assert.ok(canConnect(d.objects, pods.get("kibana-setup")!, pods.get("kibana")!, 5601));
            assert.ok(!canConnect(d.objects, pods.get("kibana-setup")!, pods.get("elasticsearch")!, 9200));
        });
    });
}

describe("Kibana setup elsewhere", () => {
    it("goes with logging", async () => {
        const d = await declare({ stack: "prod", config: { observability: { logging: { enabled: false } } } });
        assert.equal(d.objects.filter((o) => o.metadata.name === "kibana-setup").length, 0);
    });

    it("runs once on the local stack, after Kibana is healthy, with the same requests", async () => {
        const d = await declare({ stack: "local" });
        const setup = recorded(d.resources, "docker:index/container:Container", "kibana-setup");
        assert.ok(setup, "a kibana-setup container");
        assert.equal(setup.inputs.restart, "no");
        assert.ok(dependenciesOf(d.resources, setup).includes("kibana"));
        const uploads = (setup.inputs.uploads as { file: string }[]).map((u) => u.file.replace("/setup/", "")).sort();
        const k8s = Object.keys(find((await declare({ stack: "dev" })).objects, "ConfigMap", "kibana-setup").data as Record<string, string>).sort();
        assert.deepEqual(uploads, k8s);
    });
});
