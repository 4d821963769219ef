/**
 * No password on a command line: each PostgreSQL script run against the real server under
 * strace (test/real/argv.ts), and no password in the argument list of any program it starts.
 * A command line is public on the node (`ps`, `/proc/<pid>/cmdline`); a file or a process's
 * own environment is not. The off-site key is checked where offsite.sh runs, in offsite.test.ts.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { requireInstalled } from "./installed";
import { execLines, exposed, STRACE, straceArgs, traced, tracedInBackground } from "./argv";
import { DATABASES, SCRIPTS, accepts, passwordEnv, psql, replaceFile, within20s } from "./pg-scripts";
import { postgresBinDir, startPostgres, type PgServer } from "./postgres-server";

const bin = postgresBinDir();

describe("no password on a command line (the PostgreSQL scripts under strace)", function () {
    this.timeout(120_000);
    let server: PgServer;
    let dir: string;
    /** Every password a script here is given, by name. */
    let secrets: Record<string, string>;

    before(async function () {
        requireInstalled(this, bin, "PostgreSQL", "postgresql");
        requireInstalled(this, STRACE, "strace", "strace", "records the command lines the scripts start");
        server = await startPostgres(bin);
        secrets = { superuser: server.password, ...passwordEnv };
    });
    after(() => server?.stop());
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "argv-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** Each value as a file, as the cluster mounts the Secret: NAME_FILE for NAME. */
    const asFiles = (values: Record<string, string>) =>
        Object.fromEntries(
            Object.entries(values).map(([name, value]) => {
                const file = path.join(dir, name);
                fs.writeFileSync(file, value, { mode: 0o400 });
                return [`${name}_FILE`, file];
            }),
        );

    it("provision.sh, with the passwords in its environment (Docker) and in files (Kubernetes)", () => {
        for (const given of [{ ...server.env, ...passwordEnv }, { ...serverEnvWithout(server), ...asFiles({ PGPASSWORD: server.password, ...passwordEnv }) }]) {
            const run = traced("provision.sh", { ...given, APP_DATABASES: DATABASES.join(" ") });
            assert.equal(run.status, 0, run.stderr);
            // The tracer sees the arguments: the role names are there, the passwords are not.
            assert.ok(run.execs.some((l) => l.includes(`role=${DATABASES[0]}`)), `no psql with its role among ${run.execs.length} programs`);
            assert.deepEqual(exposed(run.execs, secrets), [], run.execs.filter((l) => l.includes("psql")).join("\n"));
        }
        for (const db of DATABASES) {
            assert.equal(psql(server, db, "SELECT current_user", db, passwordEnv[`${db.toUpperCase()}_PASSWORD`]), db);
        }
    });

    it("backup.sh and restore.sh", () => {
        const env = { ...serverEnvWithout(server), ...asFiles({ PGPASSWORD: server.password }) };
        const backups = path.join(dir, "backups");
        fs.mkdirSync(backups);
        const backup = traced("backup.sh", { ...env, BACKUP_DIR: backups, BACKUP_RETENTION: "2" });
        assert.equal(backup.status, 0, backup.stderr);
        assert.ok(backup.execs.some((l) => l.includes("pg_dumpall")), "pg_dumpall not seen");
        const name = fs.readFileSync(path.join(backups, ".latest"), "utf8").trim();
        const restore = traced("restore.sh", { ...env, RESTORE_FILE: path.join(backups, name) });
        assert.equal(restore.status, 0, restore.stderr);
        assert.deepEqual(exposed([...backup.execs, ...restore.execs], secrets), []);
    });

    it("sync-superuser-password.sh, setting a rotated password on the running server and back", async () => {
        const file = path.join(dir, "postgres-password");
        replaceFile(file, server.password);
        const trace = path.join(dir, "trace");
        const rotated = "RotatedUnderStrace0123456789";
        const sync = tracedInBackground("sync-superuser-password.sh", { ...serverEnvWithout(server), PGHOST: server.dir, POSTGRES_PASSWORD_FILE: file, SYNC_SECONDS: "1", HEARTBEAT: path.join(dir, "beat") }, trace);
        try {
            await within20s("the script starts", () => sync.log().includes("watching"), sync.log);
            replaceFile(file, rotated);
            await within20s("the rotated password is accepted", () => accepts(server, rotated), sync.log);
            replaceFile(file, server.password);
            await within20s("the password written back is accepted", () => accepts(server, server.password), sync.log);
        } finally {
            sync.stop();
        }
        const execs = execLines(trace);
        assert.ok(execs.filter((l) => l.includes("psql")).length >= 2, "psql not seen twice");
        assert.deepEqual(exposed(execs, { ...secrets, rotated }), []);
    });

    it("set-superuser-password.sh, in single-user mode before the server starts", () => {
        const trace = path.join(server.dir, "single-user-trace");
        server.whileStopped((data, asOwner) => asOwner("strace", [...straceArgs(trace), "sh", path.join(SCRIPTS, "set-superuser-password.sh")], { PGDATA: data, POSTGRES_PASSWORD: server.password }));
        const execs = execLines(trace);
        assert.ok(execs.some((l) => l.includes("--single")), "postgres --single not seen");
        assert.deepEqual(exposed(execs, secrets), []);
    });
});

/** libpq's environment for the test server without the superuser password, for a script that reads it from a file. */
function serverEnvWithout(server: PgServer): NodeJS.ProcessEnv {
    const { PGPASSWORD: _password, ...rest } = server.env;
    return rest;
}
