/**
 * scripts/postgres/wait-for-server.sh, which provision.sh, backup.sh and restore.sh source
 * before they connect, run by a real shell with `pg_isready` and `sleep` stood in for.
 * Found on live pods: a new Job pod's first connections were refused until the
 * NetworkPolicy enforcer knew its address, and each retry was a new pod, so the pre-upgrade
 * backup failed every try.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const SCRIPTS = path.resolve(__dirname, "..", "scripts", "postgres");

/**
 * Sources the helper with a pg_isready that answers after `refusals` refusals, and a psql
 * that refuses the password `authRefusals` times before it accepts it.
 */
function waitWith(refusals: number, waitSeconds?: string, authRefusals = 0) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wait-for-server-"));
    try {
        const calls = path.join(dir, "calls");
        fs.writeFileSync(calls, "");
        fs.writeFileSync(
            path.join(dir, "pg_isready"),
            `#!/bin/sh\necho x >> "${calls}"\n[ "$(wc -l < "${calls}")" -gt ${refusals} ] || exit 2\n`,
            { mode: 0o755 },
        );
        const queries = path.join(dir, "queries");
        fs.writeFileSync(queries, "");
        fs.writeFileSync(
            path.join(dir, "psql"),
            `#!/bin/sh\necho "$*" >> "${queries}"\n[ "$(wc -l < "${queries}")" -gt ${authRefusals} ] && exit 0\n` +
                `echo 'psql: error: FATAL:  password authentication failed for user "postgres"' >&2\nexit 2\n`,
            { mode: 0o755 },
        );
        fs.writeFileSync(path.join(dir, "sleep"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
        const result = spawnSync("sh", ["-c", `. "${SCRIPTS}/wait-for-server.sh" && echo connected`], {
            env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, PGHOST: "postgres-service", PGUSER: "postgres", ...(waitSeconds ? { WAIT_SECONDS: waitSeconds } : {}) },
            encoding: "utf8",
        });
        const lines = (file: string) => fs.readFileSync(file, "utf8").split("\n").filter(Boolean);
        return { ...result, calls: lines(calls).length, queries: lines(queries) };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe("waiting for PostgreSQL before connecting", () => {
    it("goes on as soon as the server answers, however many refusals came first", () => {
        const r = waitWith(3);
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout.trim(), "connected");
        assert.equal(r.calls, 4);
    });

    it("does not ask twice when the server answers at once", () => {
        assert.equal(waitWith(0).calls, 1);
    });

    it("gives up after WAIT_SECONDS, naming the server", () => {
        const r = waitWith(1000, "6");
        assert.notEqual(r.status, 0);
        assert.doesNotMatch(r.stdout, /connected/);
        assert.match(r.stderr, /PostgreSQL at postgres-service not ready after 6s/);
        assert.equal(r.calls, 4, "asks at 0, 2, 4 and 6 s, then stops");
    });

    it("then waits until the server accepts the password, as after a rotation, with one query each time", () => {
        const r = waitWith(0, undefined, 3);
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout.trim(), "connected");
        assert.equal(r.queries.length, 4);
        assert.ok(r.queries.every((q) => q.includes("SELECT 1")), r.queries.join("; "));
    });

    it("asks no query while the server does not answer, and counts both waits against WAIT_SECONDS", () => {
        const r = waitWith(2, "6", 1000);
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /PostgreSQL at postgres-service still refuses postgres after 6s: .*password authentication failed/);
        assert.equal(r.calls, 3);
        assert.equal(r.queries.length, 2, "asks at 4 and 6 s, after the server answered");
    });

    for (const script of ["provision.sh", "backup.sh", "restore.sh"]) {
        it(`${script} waits before it first connects`, () => {
            const text = fs.readFileSync(path.join(SCRIPTS, script), "utf8");
            const wait = text.indexOf('. "$(dirname "$0")/wait-for-server.sh"');
            assert.ok(wait > 0, `${script} does not source wait-for-server.sh`);
            const firstClient = text.search(/^[^#\n]*\b(psql|pg_dumpall)\b/m);
            assert.ok(firstClient < 0 || wait < firstClient, `${script} connects before it waits`);
        });
    }
});
