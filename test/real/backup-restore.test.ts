/**
 * The backup, restore and provisioning scripts that run in the cluster, run here against a
 * real PostgreSQL server. Skipped only where PostgreSQL is not installed and CI is not set;
 * .ci/run installs it, and under CI a missing server fails the run.
 */
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { postgresBinDir, startPostgres, type PgServer } from "./postgres-server";
import { requireInstalled } from "./installed";
import { BUSYBOX, busyboxShell } from "./busybox";
import { DATABASES, SCRIPTS, accepts, fingerprints, passwordEnv, passwordOf, psql, replaceFile, seed, sh, within20s } from "./pg-scripts";

const bin = postgresBinDir();
const dumpsIn = (dir: string) => fs.readdirSync(dir).filter((f) => /^full_backup_.*\.sql\.gz$/.test(f)).sort();

describe("PostgreSQL scripts against a real server", function () {
    let server: PgServer;
    let backups: string;

    before(async function () {
        requireInstalled(this, bin, "PostgreSQL", "postgresql");
        if (!BUSYBOX && process.env.CI) {
            requireInstalled(this, false, "busybox", "busybox", "the scripts run under it in the cluster");
        }
        server = await startPostgres(bin);
    });
    after(() => server?.stop());
    beforeEach(() => {
        backups = fs.mkdtempSync(path.join(os.tmpdir(), "backups-"));
    });
    afterEach(() => fs.rmSync(backups, { recursive: true, force: true }));

    it("provisions one role and database per business service, idempotently", () => {
        assert.equal(DATABASES.length, 6);
        const env = { ...server.env, APP_DATABASES: DATABASES.join(" "), ...passwordEnv };
        for (let i = 0; i < 2; i++) {
            const result = sh("provision.sh", env);
            assert.equal(result.status, 0, result.stderr);
        }
        for (const db of DATABASES) {
            // Each service logs in with its own role and owns its own database.
            assert.equal(psql(server, db, "SELECT current_user", db, passwordOf(db)), db);
            assert.equal(psql(server, db, `SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '${db}'`), db);
        }
        // A rotated password takes effect on the next run.
        const rotated = { ...env, USER_SERVICE_PASSWORD: "rotated-password-42" };
        assert.equal(sh("provision.sh", rotated).status, 0);
        assert.equal(psql(server, "user_service", "SELECT 1", "user_service", "rotated-password-42"), "1");
        assert.equal(sh("provision.sh", env).status, 0);
    });

    it("refuses to provision without a password", () => {
        const result = sh("provision.sh", { ...server.env, APP_DATABASES: "user_service" });
        assert.notEqual(result.status, 0);
        assert.match(result.stderr, /USER_SERVICE_PASSWORD is empty/);
    });

    it("backs up every database, and restores them after they are dropped, row for row", () => {
        seed(server);
        const before = fingerprints(server);
        assert.equal(Object.keys(before.user_service!).length, 2);

        const backup = sh("backup.sh", { ...server.env, BACKUP_DIR: backups, BACKUP_RETENTION: "3" });
        assert.equal(backup.status, 0, backup.stderr);
        const files = dumpsIn(backups);
        assert.equal(files.length, 1);
        assert.match(files[0]!, /^full_backup_\d{8}T\d{6}Z\.sql\.gz$/);
        // Its checksum beside it, in sha256sum's format, and its name for the off-site upload.
        assert.match(fs.readFileSync(path.join(backups, `${files[0]}.sha256`), "utf8"), new RegExp(`^[0-9a-f]{64}  ${files[0]!.replace(/\./g, "\\.")}\n$`));
        assert.equal(fs.readFileSync(path.join(backups, ".latest"), "utf8").trim(), files[0]);

        for (const db of DATABASES) {
            psql(server, "postgres", `DROP DATABASE ${db}`);
        }
        assert.equal(psql(server, "postgres", `SELECT count(*) FROM pg_database WHERE datname LIKE '%_service'`), "0");

        const restore = sh("restore.sh", { ...server.env, BACKUP_DIR: backups, RESTORE_FILE: files[0] });
        assert.equal(restore.status, 0, restore.stderr);
        const after = fingerprints(server);
        assert.deepEqual(after, before);
        // The services' roles still log in with their passwords after the restore.
        assert.equal(psql(server, "order_service", "SELECT count(*) FROM items", "order_service", passwordOf("order_service")), String(50 + 2 * 7));
    });

    it("reads every password from a file when NAME_FILE is set, as the cluster mounts them", () => {
        const secrets = fs.mkdtempSync(path.join(os.tmpdir(), "secrets-"));
        const secretFile = (name: string, value: string) => {
            const file = path.join(secrets, name);
            fs.writeFileSync(file, value, { mode: 0o440 });
            return file;
        };
        const { PGPASSWORD: _inEnvironment, ...withoutPassword } = server.env;
        const fromFiles = { ...withoutPassword, PGPASSWORD_FILE: secretFile("postgres-password", server.password) };
        const provisioned = sh("provision.sh", { ...fromFiles, APP_DATABASES: "favourite_service", FAVOURITE_SERVICE_PASSWORD_FILE: secretFile("favourite", "from-a-file-7") });
        assert.equal(provisioned.status, 0, provisioned.stderr);
        assert.equal(psql(server, "favourite_service", "SELECT current_user", "favourite_service", "from-a-file-7"), "favourite_service");
        const backup = sh("backup.sh", { ...fromFiles, BACKUP_DIR: backups, BACKUP_RETENTION: "2" });
        assert.equal(backup.status, 0, backup.stderr);
        assert.equal(dumpsIn(backups).length, 1);
        // A wrong password in the file fails the backup, once the wait for it is over, and leaves the good one in place.
        const wrong = sh("backup.sh", { ...withoutPassword, PGPASSWORD_FILE: secretFile("wrong", "not-the-password"), BACKUP_DIR: backups, BACKUP_RETENTION: "1", WAIT_SECONDS: "2" });
        assert.notEqual(wrong.status, 0);
        assert.match(wrong.stderr, /still refuses postgres after 2s: .*password authentication failed/);
        assert.equal(dumpsIn(backups).length, 1);
        // A file that is not there stops the script before it connects.
        const missing = sh("backup.sh", { ...withoutPassword, PGPASSWORD_FILE: path.join(secrets, "absent"), BACKUP_DIR: backups, BACKUP_RETENTION: "1" });
        assert.notEqual(missing.status, 0);
        assert.match(missing.stderr, /absent/);
        fs.rmSync(secrets, { recursive: true, force: true });
    });

    it("fails against an unreachable server and keeps the existing backups", () => {
        const old = ["full_backup_20250101T020000Z.sql.gz", "full_backup_20250102T020000Z.sql.gz"];
        for (const f of old) {
            fs.writeFileSync(path.join(backups, f), "an earlier good backup");
        }
        const result = sh("backup.sh", { ...server.env, PGPORT: "1", BACKUP_DIR: backups, BACKUP_RETENTION: "1", WAIT_SECONDS: "2" });
        assert.notEqual(result.status, 0);
        assert.match(result.stderr, /PostgreSQL at 127\.0\.0\.1 not ready after 2s/);
        assert.deepEqual(fs.readdirSync(backups).sort(), old, "no backup deleted, no partial file left");
    });

    it("keeps exactly the N newest backups", () => {
        const old = ["20250101T020000Z", "20250102T020000Z", "20250103T020000Z", "20250104T020000Z"].map((s) => `full_backup_${s}.sql.gz`);
        for (const f of old) {
            fs.writeFileSync(path.join(backups, f), "x");
        }
        fs.writeFileSync(path.join(backups, "notes.txt"), "not a backup");
        const result = sh("backup.sh", { ...server.env, BACKUP_DIR: backups, BACKUP_RETENTION: "3" });
        assert.equal(result.status, 0, result.stderr);
        const kept = dumpsIn(backups);
        assert.equal(kept.length, 3);
        assert.deepEqual(kept.slice(0, 2), old.slice(2), "the two newest old ones survive");
        assert.match(kept[2]!, /^full_backup_2\d{7}T/);
        assert.ok(fs.existsSync(path.join(backups, "notes.txt")), "pruning touches only backups");
    });

    it("labels a backup with what it precedes, counts it in the retention, and restores it", () => {
        const old = ["20250101T020000Z", "20250102T020000Z_pre-upgrade-0a1b2c3d"].map((s) => `full_backup_${s}.sql.gz`);
        for (const f of old) {
            fs.writeFileSync(path.join(backups, f), "x");
        }
        const result = sh("backup.sh", { ...server.env, BACKUP_DIR: backups, BACKUP_RETENTION: "2", BACKUP_LABEL: "pre-upgrade-4e5f6a7b" });
        assert.equal(result.status, 0, result.stderr);
        const kept = dumpsIn(backups);
        assert.equal(kept.length, 2, kept.join(", "));
        assert.equal(kept[0], old[1], "the older unlabelled one is pruned first");
        assert.match(kept[1]!, /^full_backup_\d{8}T\d{6}Z_pre-upgrade-4e5f6a7b\.sql\.gz$/);
        const restore = sh("restore.sh", { ...server.env, BACKUP_DIR: backups, RESTORE_FILE: kept[1] });
        assert.equal(restore.status, 0, restore.stderr);
        const bad = sh("backup.sh", { ...server.env, BACKUP_DIR: backups, BACKUP_RETENTION: "2", BACKUP_LABEL: "Not OK/../x" });
        assert.equal(bad.status, 2);
        assert.match(bad.stderr, /BACKUP_LABEL may hold only/);
    });

    it("rejects a retention of zero before dumping", () => {
        const result = sh("backup.sh", { ...server.env, BACKUP_DIR: backups, BACKUP_RETENTION: "0" });
        assert.equal(result.status, 2);
        assert.deepEqual(fs.readdirSync(backups), []);
    });

    it("refuses to restore a file that is not there, listing what is", () => {
        fs.writeFileSync(path.join(backups, "full_backup_20250101T020000Z.sql.gz"), "x");
        const result = sh("restore.sh", { ...server.env, BACKUP_DIR: backups, RESTORE_FILE: "full_backup_20990101T000000Z.sql.gz" });
        assert.notEqual(result.status, 0);
        assert.match(result.stderr, /no backup at .*full_backup_20990101T000000Z\.sql\.gz/);
        assert.match(result.stderr, /full_backup_20250101T020000Z\.sql\.gz/);
    });

    it("fails a restore whose dump raises errors, naming each, and restores nothing from a truncated or foreign file", () => {
        seed(server);
        const before = fingerprints(server);
        const write = (name: string, content: Buffer) => {
            fs.writeFileSync(path.join(backups, name), content);
            return name;
        };
        // Statements that run and fail, as in a dump made by another version or for another schema.
        const failing = write(
            "full_backup_20250101T020000Z.sql.gz",
            zlib.gzipSync("CREATE TABLE IF NOT EXISTS restore_probe (i int);\nINSERT INTO no_such_table VALUES (1);\nSELECT no_such_function();\n"),
        );
        const run = (name: string) => sh("restore.sh", { ...server.env, BACKUP_DIR: backups, RESTORE_FILE: name });
        const errors = run(failing);
        assert.notEqual(errors.status, 0, "a restore with errors reported success");
        assert.match(errors.stderr, /restore finished with errors/);
        assert.match(errors.stderr, /relation "no_such_table" does not exist/);
        assert.match(errors.stderr, /function no_such_function\(\) does not exist/);
        assert.doesNotMatch(errors.stdout, /^restored /m);

        // A real dump cut short, as by a full disk or an interrupted copy: refused before anything is dropped.
        const dumped = sh("backup.sh", { ...server.env, BACKUP_DIR: backups, BACKUP_RETENTION: "5" });
        assert.equal(dumped.status, 0, dumped.stderr);
        const whole = fs.readFileSync(path.join(backups, fs.readFileSync(path.join(backups, ".latest"), "utf8").trim()));
        const truncated = run(write("full_backup_20250102T020000Z.sql.gz", whole.subarray(0, Math.floor(whole.length / 2))));
        assert.notEqual(truncated.status, 0);
        assert.match(truncated.stderr, /is not a readable gzip file/);

        // Some other gzip file: nothing in it is SQL.
        const foreign = run(write("full_backup_20250103T020000Z.sql.gz", zlib.gzipSync("these are not the statements you are looking for\n")));
        assert.notEqual(foreign.status, 0);
        assert.match(foreign.stderr, /restore finished with errors:\n.*syntax error/);

        assert.deepEqual(fingerprints(server), before, "a failed restore changed the data");
    });

    it("sets a rotated superuser password in single-user mode, before the server starts", () => {
        const script = path.join(SCRIPTS, "set-superuser-password.sh");
        const rotated = "RotatedSuperuser0123456789";
        try {
            server.whileStopped((data, asOwner) => asOwner("sh", [script], { PGDATA: data, POSTGRES_PASSWORD: rotated }));
            assert.equal(psql(server, "postgres", "SELECT 1", "postgres", rotated), "1");
            assert.throws(() => psql(server, "postgres", "SELECT 1"), /password authentication failed/);
        } finally {
            server.whileStopped((data, asOwner) => asOwner("sh", [script], { PGDATA: data, POSTGRES_PASSWORD: server.password }));
        }
    });

    it("sets a rotated superuser password on the running server when the mounted file changes, and back", async function () {
        this.timeout(60_000);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pg-secret-"));
        const file = path.join(dir, "postgres-password");
        replaceFile(file, server.password);
        const shell = busyboxShell({ ...server.env, PGHOST: server.dir, PGPASSWORD: "", POSTGRES_PASSWORD_FILE: file, SYNC_SECONDS: "1", HEARTBEAT: path.join(dir, "beat") });
        const child = spawn(shell.command, [...shell.prefix, path.join(SCRIPTS, "sync-superuser-password.sh")], { env: shell.env });
        let log = "";
        child.stdout.on("data", (d: Buffer) => (log += d.toString()));
        child.stderr.on("data", (d: Buffer) => (log += d.toString()));
        const output = () => log;
        const rotated = "RotatedWhileRunning0123456789";
        try {
            // What it holds as set is what the file said when it started.
            await within20s("the script starts watching", () => log.includes("watching"), output);
            // What the container's probes look at.
            await within20s("the heartbeat is touched", () => fs.existsSync(path.join(dir, "beat")), output);
            replaceFile(file, rotated);
            await within20s("the rotated password is accepted", () => accepts(server, rotated), output);
            assert.ok(!accepts(server, server.password), "the old password still works");
            replaceFile(file, server.password);
            await within20s("the password written back is accepted", () => accepts(server, server.password), output);
            assert.ok(!accepts(server, rotated));
            assert.ok(!log.includes(rotated), `the script printed the password: ${log}`);
        } finally {
            child.kill();
            if (!accepts(server, server.password)) {
                server.whileStopped((data, asOwner) => asOwner("sh", [path.join(SCRIPTS, "set-superuser-password.sh")], { PGDATA: data, POSTGRES_PASSWORD: server.password }));
            }
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("leaves a fresh volume to initdb, and refuses a password it cannot quote safely", () => {
        const empty = fs.mkdtempSync(path.join(os.tmpdir(), "pgdata-"));
        try {
            const fresh = sh("set-superuser-password.sh", { PGDATA: empty, POSTGRES_PASSWORD: "abc" });
            assert.equal(fresh.status, 0, fresh.stderr);
            assert.match(fresh.stdout, /initdb will set the password/);
            fs.writeFileSync(path.join(empty, "PG_VERSION"), "15");
            const quoted = sh("set-superuser-password.sh", { PGDATA: empty, POSTGRES_PASSWORD: "x'; DROP ROLE postgres; --" });
            assert.equal(quoted.status, 2);
        } finally {
            fs.rmSync(empty, { recursive: true, force: true });
        }
    });
});
