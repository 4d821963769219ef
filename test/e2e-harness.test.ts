/** The end-to-end suite's own guard rails and parsing, checked offline. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readiness, RefusedTarget } from "../e2e/prerequisites";
import { changed, parsePreview, resourceOf } from "../lib/preview-steps";

function kubeconfig(contexts: string[], current: string): string {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "kubeconfig-")), "config");
    const body = [
        "apiVersion: v1",
        "kind: Config",
        "contexts:",
        ...contexts.map((c) => `- name: ${c}\n  context: {cluster: c, user: u}`),
        `current-context: ${current}`,
    ].join("\n");
    fs.writeFileSync(file, body);
    return file;
}

const tools = () => true;

describe("end-to-end suite guard", () => {
    it("skips, saying why, without the CLI or a kubeconfig", () => {
        assert.deepEqual(readiness({}, (c) => c !== "pulumi"), { ready: false, skip: 'no pulumi on PATH (README: "End-to-end tests" says how to get one)' });
        const none = readiness({}, tools);
        assert.ok(!none.ready && /KUBECONFIG is not set/.test(none.skip));
    });

    it("refuses a cluster it was not pointed at by name, even the current context", () => {
        const file = kubeconfig(["production", "local"], "production");
        assert.throws(() => readiness({ KUBECONFIG: file }, tools), (e: Error) => e instanceof RefusedTarget && /set E2E_KUBE_CONTEXT.*production, local/.test(e.message));
        assert.throws(() => readiness({ KUBECONFIG: file, E2E_KUBE_CONTEXT: "kind-e2e" }, tools), /kind-e2e is not a context/);
    });

    it("runs against the named context, not the current one", () => {
        const file = kubeconfig(["production", "local"], "production");
        assert.deepEqual(readiness({ KUBECONFIG: file, E2E_KUBE_CONTEXT: "local" }, tools), { ready: true, target: { kubeconfig: file, context: "local" } });
    });
});

describe("reading pulumi preview --json", () => {
    const urn = (type: string, name: string) => `urn:pulumi:dev::ecommerce::ecommerce:k8s:ApplicationTier$ecommerce:k8s:Microservice$${type}::${name}`;

    it("names each resource by its type's kind and its name", () => {
        assert.deepEqual(resourceOf(urn("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "order-service")), {
            type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
            kind: "HorizontalPodAutoscaler",
            name: "order-service",
        });
    });

    it("lists what changes, not what stays or what only the engine owns", () => {
        const preview = parsePreview(
            "warning: something\n" +
                JSON.stringify({
                    steps: [
                        { op: "same", urn: urn("kubernetes:apps/v1:Deployment", "user-service") },
                        { op: "update", urn: urn("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "order-service") },
                        { op: "replace", urn: urn("random:index/randomPassword:RandomPassword", "grafana-admin") },
                        { op: "update", urn: "urn:pulumi:dev::ecommerce::pulumi:providers:kubernetes::dev" },
                    ],
                }),
        );
        assert.deepEqual(changed(preview), ["HorizontalPodAutoscaler/order-service", "RandomPassword/grafana-admin"]);
        assert.deepEqual(changed(preview, (t) => t.startsWith("kubernetes:")), ["HorizontalPodAutoscaler/order-service"]);
    });

    it("names a Kubernetes object as kubectl does, whatever its Pulumi name, also when it is deleted", () => {
        const named = (name: string) => ({ metadata: { name, namespace: "dev" } });
        const preview = {
            steps: [
                { op: "update", urn: urn("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "application-order-service"), newState: { inputs: named("order-service") } },
                { op: "delete", urn: urn("kubernetes:core/v1:Service", "application-user-service"), oldState: { inputs: named("user-service"), outputs: named("user-service") } },
                { op: "replace", urn: urn("random:index/randomPassword:RandomPassword", "observability-metrics-grafana-admin"), newState: { inputs: { length: 24 } } },
            ],
        };
        assert.deepEqual(changed(preview), ["HorizontalPodAutoscaler/order-service", "RandomPassword/observability-metrics-grafana-admin", "Service/user-service"]);
    });
});

describe("e2e fault tally: what counts as lost", () => {
    it("counts a data-tier object gone or replaced (a new uid), not one added", async () => {
        const { lost } = await import("../e2e/faults");
        const before = new Map([["StatefulSet/postgres", "u1"], ["PersistentVolumeClaim/data-postgres-0", "u2"], ["PersistentVolumeClaim/postgres-backups", "u3"]]);
        const after = new Map([["StatefulSet/postgres", "u9"], ["PersistentVolumeClaim/data-postgres-0", "u2"], ["PersistentVolumeClaim/new", "u4"]]);
        assert.deepEqual(lost(before, after).sort(), ["PersistentVolumeClaim/postgres-backups", "StatefulSet/postgres"]);
        assert.deepEqual(lost(before, new Map(before)), []);
    });
});

describe("e2e workspace: a checkpoint torn by a kill", () => {
    it("deletes the stack's empty .attrs sidecars, and nothing else", async () => {
        const { Workspace } = await import("../e2e/workspace");
        const ws = Workspace.create({ kubeconfig: "/dev/null", context: "none" }, undefined, { copy: false });
        try {
            const dir = path.join(ws.root, "state", ".pulumi", "stacks", ws.project);
            fs.mkdirSync(dir, { recursive: true });
            const files = { "dev.json": "{}", "dev.json.attrs": "", "dev.json.bak.attrs": "{\"x\":1}", "prod.json.attrs": "" };
            for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
            assert.deepEqual(ws.repairEmptyStateAttributes("dev"), ["dev.json.attrs"]);
            assert.deepEqual(fs.readdirSync(dir).sort(), ["dev.json", "dev.json.bak.attrs", "prod.json.attrs"]);
        } finally {
            ws.dispose();
        }
    });
});
