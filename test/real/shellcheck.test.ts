/** The shell scripts, checked by ShellCheck (Debian's `shellcheck`) as POSIX sh, since they run under busybox. */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { requireInstalled } from "./installed";

const ROOT = path.resolve(__dirname, "..", "..");
const available = spawnSync("shellcheck", ["--version"]).status === 0;

describe("shell scripts", function () {
    before(function () {
        requireInstalled(this, available, "shellcheck", "shellcheck");
    });

    const posix = fs.readdirSync(path.join(ROOT, "scripts", "postgres")).filter((f) => f.endsWith(".sh")).map((f) => path.join("scripts", "postgres", f));
    for (const script of posix) {
        it(`${script} passes ShellCheck as POSIX sh`, () => {
            const result = spawnSync("shellcheck", ["-s", "sh", script], { cwd: ROOT, encoding: "utf8" });
            assert.equal(result.status, 0, result.stdout);
        });
    }

    const nodeScripts = fs.readdirSync(path.join(ROOT, "scripts", "node")).filter((f) => f.endsWith(".sh")).map((f) => path.join("scripts", "node", f));
    for (const script of ["scripts/build-go-tool.sh", ".ci/run", ...nodeScripts]) {
        it(`${script} passes ShellCheck`, () => {
            // -x: follow what a script sources (the node scripts share scripts/node/lib.sh).
            const result = spawnSync("shellcheck", ["-x", script], { cwd: ROOT, encoding: "utf8" });
            assert.equal(result.status, 0, result.stdout);
        });
    }

    it("ShellCheck fails a script that has a real problem, so the checks above can fail", () => {
        const result = spawnSync("shellcheck", ["-s", "sh", "-"], { input: "#!/bin/sh\nrm -rf $DIR/*\n", encoding: "utf8" });
        assert.notEqual(result.status, 0);
    });
});
