/**
 * The smoke test's script (manual 9.1), run by a real shell with `wget` and `sleep` stood in
 * for: every check passes, or the first one that stays down fails the Job naming it, after
 * six tries, and nothing after it runs.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { smokeChecks, smokeScript } from "../components/application/smoke-test";
import { MANUAL_SERVICES } from "./sources";

const BUSINESS = MANUAL_SERVICES.map((s) => s.name).filter((n) => /^(user|product|order|payment|shipping|favourite)-service$/.test(n));

interface Run {
    status: number | null;
    stdout: string;
    stderr: string;
    fetched: string[];
    terminationLog: string;
}

/** Runs the script with a wget that fails for URLs containing `failing`, and a sleep that returns at once. */
function run(failing?: string): Run {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "smoke-"));
    try {
        const bin = path.join(dir, "bin");
        fs.mkdirSync(bin);
        const fetched = path.join(dir, "fetched");
        fs.writeFileSync(
            path.join(bin, "wget"),
            `#!/bin/sh\nfor url; do :; done\necho "$url" >> "${fetched}"\ncase "$url" in *"${failing ?? "no url has this"}"*) exit 4;; esac\nexit 0\n`,
            { mode: 0o755 },
        );
        fs.writeFileSync(path.join(bin, "sleep"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
        const terminationLog = path.join(dir, "termination-log");
        // The kubelet's file in the pod; a file of the test here.
        const script = smokeScript(smokeChecks()).split("/dev/termination-log").join(terminationLog);
        const result = spawnSync("sh", ["-c", script], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, encoding: "utf8" });
        const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, "utf8") : "");
        return { status: result.status, stdout: result.stdout, stderr: result.stderr, fetched: read(fetched).split("\n").filter(Boolean), terminationLog: read(terminationLog) };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe("smoke test script", () => {
    it("checks each service and each business service through the gateway once, and says all passed", () => {
        const r = run();
        assert.equal(r.status, 0, r.stderr);
        const checks = MANUAL_SERVICES.length + BUSINESS.length;
        assert.equal(r.fetched.length, checks);
        for (const { name } of MANUAL_SERVICES) {
            assert.match(r.stdout, new RegExp(`^healthy: ${name}$`, "m"));
        }
        for (const name of BUSINESS) {
            assert.match(r.stdout, new RegExp(`^healthy: ${name} via api-gateway$`, "m"));
            assert.ok(r.fetched.includes(`http://api-gateway:8080/${name}/actuator/health`), name);
        }
        assert.match(r.stdout, new RegExp(`^all ${checks} checks healthy$`, "m"));
        assert.equal(r.terminationLog, "");
    });

    it("fails on the first check that stays down, after six tries, naming it where kubectl shows it", () => {
        const down = "http://api-gateway:8080/order-service/actuator/health";
        const r = run(down);
        assert.equal(r.status, 1);
        assert.equal(r.fetched.filter((u) => u === down).length, 6);
        assert.equal(r.fetched.at(-1), down, "nothing runs after the failed check");
        const line = `UNHEALTHY: order-service via api-gateway (${down})`;
        assert.equal(r.stderr.trim(), line);
        assert.equal(r.terminationLog.trim(), line);
        assert.doesNotMatch(r.stdout, /checks healthy/);
    });
});
