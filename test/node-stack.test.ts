/**
 * The node stack (Pulumi.node.yaml) against the one-node cluster scripts/node builds: every
 * image it runs is one scripts/node/images.sh builds, and at its autoscalers' maximum all
 * its pods still fit the node's two cores, so `pulumi up` never waits on a Pending pod.
 */
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { SERVICE_NAMES } from "../catalog";
import { capacity } from "../offline/capacity";
import { parseCpu } from "../lib/quantity";
import { declare } from "./support";

const ROOT = path.resolve(__dirname, "..");
/** The node's CPU (this kind of machine: 2 cores) less what its own CoreDNS pod requests. */
const NODE_CPU = 2 - (parseCpu("50m") ?? 0);

/** `images.sh list`: name and reference per image, each of the services' on a line of its own. */
function builtImages(): Set<string> {
    const out = execFileSync("bash", [path.join(ROOT, "scripts", "node", "images.sh"), "list"], { encoding: "utf8" });
    return new Set(out.trim().split("\n").map((l) => l.split(" ")[1]!));
}

interface PodTemplate {
    spec: { containers: { image: string }[]; initContainers?: { image: string }[] };
}

describe("the node stack on the one-node cluster", () => {
    it("runs only images that scripts/node/images.sh builds", async () => {
        const { objects } = await declare({ stack: "node" });
        const built = builtImages();
        const templates = objects.flatMap((o): PodTemplate[] => {
            const spec = o.spec as { template?: PodTemplate; jobTemplate?: { spec: { template: PodTemplate } } } | undefined;
            return [spec?.template, spec?.jobTemplate?.spec.template].filter((t): t is PodTemplate => t !== undefined);
        });
        assert.ok(templates.length > 10, `only ${templates.length} pod templates`);
        const images = new Set(templates.flatMap((t) => [...t.spec.containers, ...(t.spec.initContainers ?? [])].map((c) => c.image)));
        assert.deepEqual([...images].filter((i) => !built.has(i)), [], "images the node cannot have");
    });

    it("fits every pod on the node's two cores at the autoscalers' maximum", async () => {
        const { objects } = await declare({ stack: "node" });
        const most = capacity(objects, "max");
        assert.ok(most.cpu <= NODE_CPU, `the node stack requests ${most.cpu} CPU at most, the node has ${NODE_CPU} for it`);
    });

    it("runs no Grafana (observability.metrics.grafana.enabled: false), and no rule lets anything reach it", async () => {
        const { objects } = await declare({ stack: "node" });
        assert.deepEqual(objects.filter((o) => o.metadata.name.includes("grafana")).map((o) => `${o.kind}/${o.metadata.name}`), []);
        assert.ok(objects.some((o) => o.metadata.name === "prometheus"), "Prometheus still runs");
        const policies = JSON.stringify(objects.filter((o) => o.kind === "NetworkPolicy"));
        assert.doesNotMatch(policies, /grafana/);
    });

    it("names the ten services' images the way the stacks refer to them", () => {
        const built = builtImages();
        for (const service of SERVICE_NAMES) {
            assert.ok(built.has(`ecommerce.local/${service}-ecommerce-boot:0.1.0-postgresql`), service);
        }
    });
});

describe("the one-node cluster's network (scripts/node)", () => {
    const script = (name: string) => fs.readFileSync(path.join(ROOT, "scripts", "node", name), "utf8");

    it("makes a ClusterIP kube-proxy did not DNAT unreachable for pods, from before kube-proxy starts, and down.sh undoes it (found on live pods: cloud-config got 404 from outside for good)", () => {
        const up = script("up.sh");
        // Routing comes after kube-proxy's DNAT, and no filter chain (kube-router's accepts first) is in the way.
        const rule = up.indexOf('ip rule add iif ecnode0 to "$SERVICE_CIDR" lookup "$UNPROGRAMMED_TABLE"');
        const route = up.indexOf('ip route replace unreachable "$SERVICE_CIDR" table "$UNPROGRAMMED_TABLE"');
        assert.ok(rule > 0 && route > 0, "no unreachable route for the service range in up.sh");
        assert.ok(rule < up.indexOf('launch kube-proxy "$BIN/kube-proxy"') && route < up.indexOf('launch kube-proxy "$BIN/kube-proxy"'), "the route comes after kube-proxy starts");
        const lib = script("lib.sh");
        assert.match(lib, /^SERVICE_CIDR="10\.96\.0\.0\/12"$/m);
        assert.match(lib, /^UNPROGRAMMED_TABLE=\d+$/m);
        const down = script("down.sh");
        assert.match(down, /ip rule del lookup "\$UNPROGRAMMED_TABLE"/);
        assert.match(down, /ip route flush table "\$UNPROGRAMMED_TABLE"/);
    });
});
