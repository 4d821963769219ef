/** The GitHub workflows, checked by a real workflow validator (@action-validator/cli). */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");
const VALIDATOR = path.join(ROOT, "node_modules", ".bin", "action-validator");

function validate(file: string) {
    return spawnSync(VALIDATOR, [file], { encoding: "utf8" });
}

describe("GitHub workflows", () => {
    const files = fs.readdirSync(WORKFLOWS).filter((f) => f.endsWith(".yml"));

    it("has the PR preview, the kind end-to-end and the drift workflows", () => {
        assert.deepEqual(files.sort(), ["drift.yml", "e2e-kind.yml", "preview.yml"]);
    });

    for (const file of files) {
        it(`${file} passes the validator`, () => {
            const result = validate(path.join(WORKFLOWS, file));
            assert.equal(result.status, 0, result.stdout + result.stderr);
        });
    }

    it("the validator rejects a malformed workflow, so the checks above can fail", () => {
        const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "wf-")), "bad.yml");
        fs.writeFileSync(bad, "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        run: both\n");
        assert.notEqual(validate(bad).status, 0);
    });

    it("previews every stack with the policy pack and that stack's policy config, and comments on the PR", () => {
        const wf = parse(fs.readFileSync(path.join(WORKFLOWS, "preview.yml"), "utf8")) as {
            jobs: { preview: { strategy: { matrix: { stack: string[] } }; steps: { uses?: string; with?: Record<string, unknown> }[] } };
        };
        const stacks = fs.readdirSync(ROOT).map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter((s) => s === "dev" || s === "prod");
        assert.deepEqual(wf.jobs.preview.strategy.matrix.stack.sort(), stacks.sort());
        const step = wf.jobs.preview.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
        assert.equal(step.with!.command, "preview");
        assert.equal(step.with!["comment-on-pr"], true);
        assert.equal(step.with!.policyPacks, "policy");
        assert.equal(step.with!.policyPackConfigs, "policy/${{ matrix.stack }}.json");
        for (const stack of stacks) {
            assert.ok(fs.existsSync(path.join(ROOT, "policy", `${stack}.json`)), `policy/${stack}.json`);
        }
        assert.ok(fs.existsSync(path.join(ROOT, "policy", "PulumiPolicy.yaml")));
    });

    it("installs for the PR's npm test the same Debian packages as .ci/run, from the one list", () => {
        const list = fs.readFileSync(path.join(ROOT, ".ci", "debian-packages"), "utf8").split("\n").filter((l) => l && !l.startsWith("#"));
        assert.ok(list.includes("prometheus-alertmanager") && list.includes("postgresql"));
        const wf = parse(fs.readFileSync(path.join(WORKFLOWS, "preview.yml"), "utf8")) as { jobs: { test: { steps: { run?: string }[] } } };
        const install = wf.jobs.test.steps.find((s) => s.run?.includes("apt-get install"));
        assert.ok(install?.run?.includes(".ci/debian-packages"), "the workflow installs its own list");
        assert.match(fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8"), /\.ci\/debian-packages \| xargs apt-get install/);
    });

    it("builds for the PR's npm test the same Go tools as .ci/run (the same promtool checks the scrape config)", () => {
        const built = (text: string) => [...text.matchAll(/build-go-tool\.sh (\w+)/g)].map((m) => m[1]).sort();
        const ci = built(fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8"));
        const wf = parse(fs.readFileSync(path.join(WORKFLOWS, "preview.yml"), "utf8")) as { jobs: { test: { steps: { run?: string }[] } } };
        const pr = built(wf.jobs.test.steps.map((s) => s.run ?? "").join("\n"));
        assert.ok(ci.includes("promtool") && ci.includes("versitygw"), ci.join(", "));
        assert.deepEqual(pr, ci);
    });

    it("comments what each stack requests before and after the change, from npm run capacity", () => {
        type Step = { uses?: string; run?: string; with?: Record<string, unknown>; "working-directory"?: string };
        const wf = parse(fs.readFileSync(path.join(WORKFLOWS, "preview.yml"), "utf8")) as { jobs: { capacity: { steps: Step[] } } };
        const steps = wf.jobs.capacity.steps;
        const checkouts = steps.filter((s) => s.uses?.startsWith("actions/checkout@"));
        assert.deepEqual(checkouts.map((s) => s.with?.path).sort(), ["base", "head"]);
        assert.equal(checkouts.find((s) => s.with?.path === "base")!.with!.ref, "${{ github.event.pull_request.base.sha }}");
        const base = steps.find((s) => s["working-directory"] === "base")!;
        const head = steps.find((s) => s["working-directory"] === "head")!;
        assert.match(base.run!, /npm run capacity -- --json "\$RUNNER_TEMP\/before\.json"/);
        assert.match(head.run!, /npm run capacity -- --compare "\$RUNNER_TEMP\/before\.json" --out "\$RUNNER_TEMP\/capacity\.md"/);
        const comment = steps.find((s) => s.uses?.startsWith("actions/github-script@"))!;
        assert.match(String(comment.with!.script), /updateComment[\s\S]*createComment/);
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
        assert.ok(pkg.scripts.capacity, "package.json has the capacity script");
    });

    it("checks every deployed stack for drift on a schedule, failing with the list", () => {
        type Step = { uses?: string; run?: string };
        const wf = parse(fs.readFileSync(path.join(WORKFLOWS, "drift.yml"), "utf8")) as {
            on: { schedule: { cron: string }[]; workflow_dispatch?: unknown };
            permissions: Record<string, string>;
            jobs: { drift: { strategy: { matrix: { stack: string[] } }; steps: Step[] } };
        };
        assert.ok(wf.on.schedule.length > 0 && "workflow_dispatch" in wf.on);
        assert.deepEqual(wf.permissions, { contents: "read" }, "a drift check changes nothing");
        const preview = parse(fs.readFileSync(path.join(WORKFLOWS, "preview.yml"), "utf8")) as { jobs: { preview: { strategy: { matrix: { stack: string[] } } } } };
        assert.deepEqual(wf.jobs.drift.strategy.matrix.stack, preview.jobs.preview.strategy.matrix.stack);
        const steps = wf.jobs.drift.steps.map((s) => s.run ?? "");
        const refresh = steps.findIndex((r) => /pulumi preview --refresh --json/.test(r) && !/\bup\b|--yes/.test(r));
        const report = steps.findIndex((r) => /npm run --silent drift -- --preview "\$RUNNER_TEMP\/preview\.json"/.test(r));
        assert.ok(refresh >= 0 && report > refresh, steps.join("\n"));
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
        assert.match(pkg.scripts.drift!, /scripts\/drift\.ts/);
    });

    it("brings dev up on kind with the smoke test and always destroys it", () => {
        const text = fs.readFileSync(path.join(WORKFLOWS, "e2e-kind.yml"), "utf8");
        const wf = parse(text) as { jobs: { e2e: { steps: { uses?: string; run?: string; if?: string; name?: string }[] } } };
        const steps = wf.jobs.e2e.steps;
        assert.ok(steps.some((s) => s.uses?.startsWith("helm/kind-action@")));
        assert.ok(steps.some((s) => s.run?.includes("pulumi config set smokeTest true")));
        const up = steps.findIndex((s) => s.run?.includes("pulumi up"));
        const destroy = steps.findIndex((s) => s.run?.includes("pulumi destroy"));
        assert.ok(up >= 0 && destroy > up && steps[destroy]!.if === "always()");
        const policy = steps.findIndex((s) => /pulumi preview .*--policy-pack policy --policy-pack-config policy\/dev\.json/.test(s.run ?? ""));
        assert.ok(policy >= 0 && policy < up, "the policy pack judges the stack before it goes up");
    });
});
