/** Issue 16: drift detection. What the scheduled workflow reports, and why up can take a hand edit back. */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { driftLines } from "../lib/preview-steps";
import { DRIFTED_PREVIEW } from "./fixtures/drift-preview";
import { declare } from "./support";

const ROOT = path.resolve(__dirname, "..");

function runDrift(preview: unknown) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drift-"));
    const file = path.join(dir, "preview.json");
    // As the CLI writes it: warnings may come before the document.
    fs.writeFileSync(file, `warning: something on stdout first\n${JSON.stringify(preview)}`);
    const result = spawnSync(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", "scripts/drift.ts", "--preview", file], { cwd: ROOT, encoding: "utf8" });
    fs.rmSync(dir, { recursive: true, force: true });
    return result;
}

describe("drift detection", () => {
    it("names what a refresh found changed by hand, and nothing the refresh merely read", () => {
        assert.deepEqual(driftLines(DRIFTED_PREVIEW), ["Deployment/service-discovery: update (spec.replicas)"]);
    });

    it("npm run drift fails listing the drift, and passes on a stack that matches", () => {
        const drifted = runDrift(DRIFTED_PREVIEW);
        assert.equal(drifted.status, 1, drifted.stderr);
        assert.match(drifted.stdout, /^- Deployment\/service-discovery: update \(spec\.replicas\)$/m);
        const clean = runDrift({ ...DRIFTED_PREVIEW, steps: DRIFTED_PREVIEW.steps.filter((s) => s.op !== "update") });
        assert.equal(clean.status, 0, clean.stdout + clean.stderr);
        assert.match(clean.stdout, /No drift/);
    });

    it("lets pulumi up take back a field changed by hand, instead of failing on the apply conflict", async () => {
        // The real engine showed a hand `kubectl scale` makes preview and up fail with a
        // server-side apply conflict unless the provider forces (issue 16, e2e drift scenario).
        for (const stack of ["dev", "prod"]) {
            const providers = (await declare({ stack })).resources.filter((r) => r.type === "pulumi:providers:kubernetes");
            assert.equal(providers.length, 1, stack);
            assert.ok(["true", true].includes(providers[0]!.inputs.enablePatchForce as string | boolean), `${stack}: ${JSON.stringify(providers[0]!.inputs)}`);
        }
    });

    it("lets pulumi up adopt an object an interrupted up created but never recorded", async () => {
        // The real engine showed a SIGKILLed first up leaves a created ServiceAccount the state
        // does not hold, and the re-run then fails with "already exists" (issue 17's e2e faults).
        for (const stack of ["dev", "prod"]) {
            const provider = (await declare({ stack })).resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
            assert.ok(["true", true].includes(provider.inputs.upsertExistingObjects as string | boolean), `${stack}: ${JSON.stringify(provider.inputs)}`);
        }
    });
});
