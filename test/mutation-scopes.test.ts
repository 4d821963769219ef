/** The mutation scopes cover the modules issue 18 names, each once, and their scores add up as Stryker's do. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { score, summarize } from "../mutation/report";
import { covers, SCOPES } from "../mutation/scopes";
import { NAMED_MUTANTS } from "../mutation/named";
import { forgetStaticSurvivors, mutated, reportFile, strykerConfig } from "../scripts/mutation";

const ROOT = path.resolve(__dirname, "..");

function tsFiles(dir: string): string[] {
    return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
        const rel = `${dir}/${entry.name}`;
        return entry.isDirectory() ? tsFiles(rel) : rel.endsWith(".ts") ? [rel] : [];
    });
}

function scopesOf(file: string): string[] {
    return SCOPES.filter((s) => covers(s, file)).map((s) => s.name);
}

describe("mutation scopes", () => {
    it("put every component and every policy rule in exactly one scope", () => {
        for (const file of [...tsFiles("components"), ...tsFiles("policy/rules")]) {
            assert.equal(scopesOf(file).length, 1, `${file} is in ${JSON.stringify(scopesOf(file))}`);
        }
    });

    it("put the stack config's validation in one scope", () => {
        for (const file of ["stacks/schema.ts", "stacks/settings.ts", "stacks/sense.ts"]) {
            assert.deepEqual(scopesOf(file), ["validation"], file);
        }
    });

    it("name modules and tests that exist", () => {
        for (const scope of SCOPES) {
            for (const p of [...scope.modules.map((m) => m.replace(/^!/, "")), ...scope.tests]) {
                assert.ok(fs.existsSync(path.join(ROOT, p)), `${scope.name}: ${p} does not exist`);
            }
            assert.ok(scope.tests.length > 0, scope.name);
        }
    });

    it("leave no program run in a before-all hook of a scope's tests, where Stryker would credit it to another test", () => {
        // Stryker's dry run names the running test in a root beforeEach; code a before() hook
        // runs is credited to the previous test, so the tests that read its result never run
        // against the mutants it covers. beforeEach (cached outside Stryker) is credited right.
        for (const file of new Set(SCOPES.flatMap((s) => s.tests))) {
            const source = fs.readFileSync(path.join(ROOT, file), "utf8");
            assert.doesNotMatch(source, /\bbefore\(/, `${file}: load in beforeEach or in the test`);
        }
    });

    it("give each scope its own incremental file and report, so one scope's run keeps the others'", () => {
        const configs = SCOPES.map((s) => strykerConfig(s, 2));
        assert.equal(new Set(configs.map((c) => c.incrementalFile)).size, SCOPES.length);
        assert.equal(new Set(SCOPES.map(reportFile)).size, SCOPES.length);
        assert.deepEqual(strykerConfig(SCOPES.find((s) => s.name === "components-postgres")!, 2).mutate, ["components/postgres/**/*.ts"]);
        for (const config of configs) {
            // First, so the program's module-level code is loaded where Stryker sees it as static.
            assert.equal((config.mochaOptions as { spec: string[] }).spec[0], "mutation/load-program.ts");
        }
        assert.deepEqual(strykerConfig(SCOPES.find((s) => s.name === "components-observability")!, 2).mutate, [
            "components/observability/**/*.ts",
            "!components/observability/alertmanager-config.ts",
        ]);
    });

    it("score as Stryker does: killed and timed out over all but invalid and ignored mutants", () => {
        const status = (s: string): { status: string } => ({ status: s });
        const summary = summarize({
            files: {
                "a.ts": { mutants: ["Killed", "Killed", "Survived", "Timeout", "CompileError"].map(status) },
                "b.ts": { mutants: ["NoCoverage", "Ignored", "Killed", "RuntimeError"].map(status) },
            },
        });
        assert.deepEqual(summary.total, { killed: 3, survived: 1, noCoverage: 1, timeout: 1, invalid: 2 });
        // 4 detected (3 killed, 1 timeout) of 6 valid.
        assert.equal(score(summary.total)!.toFixed(4), (400 / 6).toFixed(4));
        assert.equal(score(summary.files.get("b.ts")!), 50);
        assert.equal(score({ killed: 0, survived: 0, noCoverage: 0, timeout: 0, invalid: 3 }), undefined);
    });

    it("keep issue 18's named mutants applicable: each change occurs once in its file, and its tests exist", () => {
        assert.ok(NAMED_MUTANTS.length >= 12);
        for (const mutant of NAMED_MUTANTS) {
            const source = fs.readFileSync(path.join(ROOT, mutant.file), "utf8");
            const changed = mutated(source, mutant);
            assert.notEqual(changed, source, mutant.about);
            for (const test of mutant.tests) assert.ok(fs.existsSync(path.join(ROOT, test)), `${mutant.about}: ${test}`);
        }
        assert.throws(() => mutated("a a", { about: "twice", file: "x", from: "a", to: "b", tests: [] }), /occurs 2 times/);
        assert.throws(() => mutated("a", { about: "absent", file: "x", from: /z/, to: "b", tests: [] }), /occurs 0 times/);
        assert.equal(mutated("x $ y", { about: "literal", file: "x", from: "$", to: "$&$1", tests: [] }), "x $&$1 y");
        assert.equal(mutated('"2m", next', { about: "group", file: "x", from: /"2m",( next)/, to: '"2h",$1', tests: [] }), '"2h", next');
    });

    it("forget, for --static, only static mutants whose survival may be stale: never a kill, never a mutant tests cover one by one", () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "incremental-")), "report.json");
        const m = (status: string, isStatic: boolean) => ({ id: `${status}-${isStatic}`, status, ...(isStatic ? { static: true } : {}) });
        fs.writeFileSync(file, JSON.stringify({ files: { "a.ts": { mutants: [m("Survived", true), m("NoCoverage", true), m("Killed", true), m("Timeout", true), m("Survived", false)] } } }));
        assert.equal(forgetStaticSurvivors(file), 2);
        const left = (JSON.parse(fs.readFileSync(file, "utf8")) as { files: Record<string, { mutants: { id: string }[] }> }).files["a.ts"]!.mutants.map((x) => x.id);
        assert.deepEqual(left, ["Killed-true", "Timeout-true", "Survived-false"]);
        assert.equal(forgetStaticSurvivors(file), 0);
        assert.equal(forgetStaticSurvivors(path.join(path.dirname(file), "absent.json")), 0);
    });
});
