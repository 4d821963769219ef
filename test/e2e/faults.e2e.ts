/**
 * npm run test:e2e, issue 17: deploys that do not happen in a clean room. The dev stack (in
 * a namespace of its own) is killed part-way through `pulumi up`, has its API server
 * restarted under it, is edited by hand and deployed twice at once; each scenario ends
 * converged (`pulumi preview --expect-no-changes`) with the data tier neither deleted nor
 * replaced, by the recovery README's "When a deploy goes wrong" gives. The tally is printed
 * at the end.
 */
import { strict as assert } from "assert";
import { kubectl, getObject, waitUntilGone } from "../../e2e/cluster";
import { canRestartApiServer, dataTier, lost, objectCount, restartApiServer, TALLY, until } from "../../e2e/faults";
import { readiness, type E2eTarget } from "../../e2e/prerequisites";
import { driftLines, parsePreview } from "../../lib/preview-steps";
import { Workspace, type CliResult } from "../../e2e/workspace";

const NAMESPACE = "faults";
const STACK = "dev";

describe("faults: interrupted deploys, a restarting API server, hand edits, two operators", function () {
    let target: E2eTarget;
    let ws: Workspace;
    let data: Map<string, string>;
    const output = (r: CliResult) => `${r.stdout}\n${r.stderr}`;
    const ok = (r: CliResult, what: string) => {
        assert.equal(r.code, 0, `${what} failed (exit ${r.code}):\n${output(r).slice(-4000)}`);
        return r;
    };
    const up = () => ws.pulumi(["up", "-s", STACK, "--yes", "--skip-preview"]);
    /** A kill that landed between the state file and its metadata: the README's repair, counted. */
    const repairIfTorn = (r: CliResult): boolean => {
        if (!/failed to load checkpoint: EOF/.test(output(r))) return false;
        const removed = ws.repairEmptyStateAttributes(STACK);
        assert.ok(removed.length > 0, "a torn checkpoint without an empty .attrs file");
        console.log(`    (the kill tore the checkpoint's metadata: removed ${removed.join(", ")})`);
        TALLY.tornCheckpoints += 1;
        return true;
    };
    /** The recovery for a killed CLI (README): release the lock it held, then up again. */
    const recover = async () => {
        const cancel = await ws.pulumi(["cancel", "-s", STACK, "--yes"]);
        if (repairIfTorn(cancel)) {
            ok(await ws.pulumi(["cancel", "-s", STACK, "--yes"]), "pulumi cancel after the repair");
        } else {
            ok(cancel, "pulumi cancel");
        }
        ok(await up(), "up after cancel");
    };
    /** Converged: nothing left to do, against the live objects too; the data tier intact. */
    const converged = async (what: string) => {
        ok(await ws.pulumi(["preview", "--refresh", "--expect-no-changes", "-s", STACK]), `${what}: preview --refresh --expect-no-changes`);
        if (data) {
            const gone = lost(data, dataTier(target, NAMESPACE));
            TALLY.dataObjectsLost += gone.length;
            assert.deepEqual(gone, [], `${what}: data-tier objects deleted or replaced`);
        }
        TALLY.converged += 1;
    };
    const roll = (at: string) => ws.setConfig(STACK, { restartedAt: at });

    before(async function () {
        const ready = readiness();
        if (!ready.ready) {
            this.skip();
        }
        target = ready.target;
        ws = Workspace.create(target);
        await ws.initStack(STACK, { skipAwait: true, kubeContext: target.context, namespace: NAMESPACE });
    });

    after(async function () {
        if (!ws) return;
        const destroy = await ws.pulumi(["destroy", "-s", STACK, "--yes", "--skip-preview"]);
        await waitUntilGone(target, [NAMESPACE, `${NAMESPACE}-logging`], 120).catch(() => undefined);
        if (destroy.code !== 0 || process.env.E2E_KEEP) {
            console.log(`  kept ${ws.root} (cli.log has every command and its output)`);
        } else {
            ws.dispose();
        }
        console.log(
            `  faults injected: ${TALLY.injected}, recoveries converged: ${TALLY.converged}, data-tier objects lost: ${TALLY.dataObjectsLost}, torn checkpoints repaired: ${TALLY.tornCheckpoints}`,
        );
    });

    it("a first up killed part-way: pulumi cancel, then up, converges", async () => {
        const run = ws.start(["up", "-s", STACK, "--yes", "--skip-preview"]);
        await until(() => objectCount(target, NAMESPACE) >= 15, 120_000, "the first up created nothing");
        run.kill();
        TALLY.injected += 1;
        await run.done;
        let again = await up();
        if (repairIfTorn(again)) {
            again = await up();
        }
        assert.notEqual(again.code, 0, "an up while the killed one's lock is held");
        assert.match(output(again), /currently locked[\s\S]*pulumi cancel/);
        await recover();
        data = dataTier(target, NAMESPACE);
        assert.ok(data.has("StatefulSet/postgres"), [...data.keys()].join(", "));
        await converged("killed first up");
    });

    it("an update killed part-way: the same recovery, and the data tier untouched", async () => {
        roll("2026-11-26T10:00:00Z");
        const rolled = () =>
            (getObject(target, "deployment", NAMESPACE, "order-service") as { spec: { template: { metadata: { annotations?: Record<string, string> } } } } | undefined)
                ?.spec.template.metadata.annotations?.["ecommerce.io/restartedAt"] === "2026-11-26T10:00:00Z";
        const run = ws.start(["up", "-s", STACK, "--yes", "--skip-preview"]);
        await until(rolled, 120_000, "the update changed no Deployment");
        run.kill();
        TALLY.injected += 1;
        await run.done;
        await recover();
        await converged("killed update");
    });

    it("the API server restarting under an up: it fails or finishes, and a re-run converges", async function () {
        if (!canRestartApiServer()) {
            console.log("    (not the local API server of ../shared/tools: cannot restart it)");
            this.skip();
        }
        roll("2026-11-26T11:00:00Z");
        const run = ws.start(["up", "-s", STACK, "--yes", "--skip-preview"]);
        await new Promise((resolve) => setTimeout(resolve, 1500));
        await restartApiServer(target, 5000);
        TALLY.injected += 1;
        const first = await run.done;
        console.log(`    (the up under the restart: exit ${first.code}${first.code !== 0 ? `: ${/error: .*/.exec(output(first))?.[0] ?? ""}` : ""})`);
        if (first.code !== 0) {
            // A clear error naming the API server, not a hang or a corrupt state.
            assert.match(output(first), /connection refused|connect: |EOF|unable to|failed to/i, output(first).slice(-3000));
        }
        ok(await up(), "up after the API server came back");
        await converged("API server restart");
    });

    it("hand edits: preview --refresh shows them, up --refresh takes them back, HPA replicas are left alone", async () => {
        kubectl(target, ["scale", "deployment/order-service", "-n", NAMESPACE, "--replicas=3"]);
        TALLY.injected += 1;
        // The replica count of an autoscaled Deployment belongs to its HPA: not drift.
        ok(await ws.pulumi(["preview", "--refresh", "--expect-no-changes", "-s", STACK]), "preview after scaling an autoscaled Deployment");

        kubectl(target, ["patch", "configmap/prometheus-config", "-n", NAMESPACE, "--type=merge", "-p", JSON.stringify({ data: { "alerts.yml": "groups: []\n" } })]);
        kubectl(target, ["delete", "service/zipkin", "-n", NAMESPACE]);
        kubectl(target, ["label", "namespace", NAMESPACE, "pod-security.kubernetes.io/enforce=privileged", "--overwrite"]);
        TALLY.injected += 3;
        const preview = parsePreview(ok(await ws.pulumi(["preview", "--refresh", "--json", "-s", STACK]), "preview --refresh --json").stdout);
        const drift = driftLines(preview).join("\n");
        for (const expected of [/^ConfigMap\/prometheus-config: (update|replace)/m, /^Service\/zipkin: create/m, new RegExp(`^Namespace/${NAMESPACE}: update \\([^)]*pod-security`, "m")]) {
            assert.match(drift, expected);
        }
        assert.doesNotMatch(drift, /Deployment\/order-service/);
        ok(await ws.pulumi(["up", "--refresh", "-s", STACK, "--yes", "--skip-preview"]), "up --refresh");
        assert.ok(getObject(target, "service", NAMESPACE, "zipkin"), "Service zipkin is back");
        const labels = (getObject(target, "namespace", undefined, NAMESPACE) as { metadata: { labels: Record<string, string> } }).metadata.labels;
        assert.equal(labels["pod-security.kubernetes.io/enforce"], "restricted");
        await converged("hand edits");
    });

    it("two ups at once: the second is refused by the lock, saying what to do", async () => {
        roll("2026-11-26T12:00:00Z");
        const first = ws.start(["up", "-s", STACK, "--yes", "--skip-preview"]);
        await until(() => ws.locked(STACK), 60_000, "the first up took no lock");
        const second = await up();
        TALLY.injected += 1;
        assert.notEqual(second.code, 0, "the second up ran");
        assert.match(output(second), /currently locked by 1 lock[\s\S]*wait for the other process[\s\S]*pulumi cancel/);
        ok(await first.done, "the first up");
        await converged("two ups at once");
    });
});
