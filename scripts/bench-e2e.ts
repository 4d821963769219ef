/**
 * npm run bench:e2e [-- --runs N --stack dev]
 *
 * On the cluster of KUBECONFIG, context E2E_KUBE_CONTEXT (the end-to-end suite's guard):
 * medians over N runs of `pulumi up` from empty, a no-change `pulumi preview`, `pulumi up`
 * after one config change, and `pulumi destroy`, against the floor of the same objects
 * applied and deleted by `kubectl --server-side`. Prints each figure and each ratio.
 * The stack runs with skipAwait (pods need not run) and its kubeContext set to the target.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { execFileSync } from "child_process";
import { waitUntilGone } from "../e2e/cluster";
import { median } from "../lib/median";
import { readiness, type E2eTarget } from "../e2e/prerequisites";
import { Workspace, type CliResult } from "../e2e/workspace";
import { parseArgs } from "../offline/args";
import { render } from "./render";

function timed(target: E2eTarget, args: readonly string[]): number {
    const start = process.hrtime.bigint();
    execFileSync("kubectl", ["--kubeconfig", target.kubeconfig, "--context", target.context, ...args], { stdio: "ignore", timeout: 600_000 });
    return Number(process.hrtime.bigint() - start) / 1e9;
}

function must(result: CliResult, what: string): number {
    if (result.code !== 0) {
        throw new Error(`${what} failed (exit ${result.code}):\n${(result.stdout + result.stderr).slice(-4000)}`);
    }
    return result.seconds;
}

async function main(): Promise<void> {
    const args = parseArgs(process.argv.slice(2), ["runs", "stack"]);
    const runs = Number(args.runs ?? 3);
    const stack = args.stack ?? "dev";
    if (!Number.isInteger(runs) || runs < 1) {
        throw new Error("--runs must be a whole number of at least 1");
    }
    const ready = readiness();
    if (!ready.ready) {
        console.log(`bench:e2e skipped: ${ready.skip}`);
        return;
    }
    const target = ready.target;
    const base = { skipAwait: true, kubeContext: target.context };

    // The floor: the same objects, rendered offline, applied and deleted by kubectl.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-e2e-"));
    const files = await render(stack, dir, Object.fromEntries(Object.entries(base).map(([k, v]) => [k, String(v)])));
    const namespaces = files.filter((f) => /-namespace-/.test(path.basename(f))).map((f) => path.basename(f).replace(/^\d+-namespace-|\.yaml$/g, ""));
    const apply: number[] = [];
    const del: number[] = [];
    for (let i = 0; i < runs; i++) {
        apply.push(timed(target, ["apply", "--server-side", "--force-conflicts", "-R", "-f", dir]));
        del.push(timed(target, ["delete", "-R", "-f", dir, "--wait=true"]));
        await waitUntilGone(target, namespaces, 300);
    }

    const ws = Workspace.create(target);
    const figures = { up: [] as number[], preview: [] as number[], change: [] as number[], destroy: [] as number[] };
    try {
        await ws.initStack(stack, base);
        for (let i = 0; i < runs; i++) {
            figures.up.push(must(await ws.pulumi(["up", "-s", stack, "--yes", "--skip-preview"]), "pulumi up"));
            figures.preview.push(must(await ws.pulumi(["preview", "-s", stack, "--expect-no-changes"]), "pulumi preview"));
            ws.setConfig(stack, { services: { "order-service": { autoscaling: { maxReplicas: 2 + (i % 2) } } } });
            figures.change.push(must(await ws.pulumi(["up", "-s", stack, "--yes", "--skip-preview"]), "pulumi up after a change"));
            figures.destroy.push(must(await ws.pulumi(["destroy", "-s", stack, "--yes", "--skip-preview"]), "pulumi destroy"));
            ws.setConfig(stack, { services: undefined });
            await waitUntilGone(target, namespaces, 300);
        }
    } finally {
        ws.dispose();
        fs.rmSync(dir, { recursive: true, force: true });
    }

    const floorApply = median(apply);
    const floorDelete = median(del);
    const line = (what: string, values: number[], floor: number, floorName: string) =>
        console.log(`  ${what.padEnd(30)} ${median(values).toFixed(1).padStart(6)} s   ${(median(values) / floor).toFixed(1).padStart(5)}x ${floorName}   (runs: ${values.map((v) => v.toFixed(1)).join(", ")})`);
    console.log(`stack ${stack}: ${files.length} objects, medians of ${runs} runs on context "${target.context}"`);
    console.log(`  ${"kubectl apply --server-side".padEnd(30)} ${floorApply.toFixed(1).padStart(6)} s   (runs: ${apply.map((v) => v.toFixed(1)).join(", ")})`);
    console.log(`  ${"kubectl delete".padEnd(30)} ${floorDelete.toFixed(1).padStart(6)} s   (runs: ${del.map((v) => v.toFixed(1)).join(", ")})`);
    line("pulumi up (from empty)", figures.up, floorApply, "apply");
    line("pulumi preview (no change)", figures.preview, floorApply, "apply");
    line("pulumi up (one config change)", figures.change, floorApply, "apply");
    line("pulumi destroy", figures.destroy, floorDelete, "delete");
}

main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
});
