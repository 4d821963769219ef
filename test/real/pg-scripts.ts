/**
 * What the tests of the PostgreSQL scripts share: running a script as the cluster runs it
 * (under busybox), psql as a given role, the business databases with data in them, and a
 * fingerprint (row counts and checksums of every table) to compare before and after.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { databaseOwners } from "../../catalog";
import { busyboxShell } from "./busybox";
import type { PgServer } from "./postgres-server";

export const SCRIPTS = path.resolve(__dirname, "..", "..", "scripts", "postgres");
export const DATABASES = databaseOwners().map((s) => s.database);

export function sh(script: string, env: NodeJS.ProcessEnv, args: readonly string[] = []) {
    const shell = busyboxShell(env);
    return spawnSync(shell.command, [...shell.prefix, path.join(SCRIPTS, script), ...args], { env: shell.env, encoding: "utf8" });
}

export function psql(server: PgServer, db: string, sql: string, user = "postgres", password = server.password): string {
    const result = spawnSync("psql", ["-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql], {
        env: { ...process.env, ...server.env, PGUSER: user, PGPASSWORD: password },
        encoding: "utf8",
    });
    if (result.status !== 0) {
        throw new Error(`psql ${db}: ${result.stderr}`);
    }
    return result.stdout.trim();
}

/** Replaces a file as the kubelet updates a Secret volume: a new file renamed over the old. */
export function replaceFile(file: string, value: string): void {
    fs.writeFileSync(`${file}.new`, value);
    fs.renameSync(`${file}.new`, file);
}

/** Whether the server accepts `password` for its superuser. */
export function accepts(server: PgServer, password: string): boolean {
    try {
        return psql(server, "postgres", "SELECT 1", "postgres", password) === "1";
    } catch {
        return false;
    }
}

/** Polls `check` every 250 ms for up to 20 s; fails with `what` and what `log` says. */
export async function within20s(what: string, check: () => boolean, log: () => string): Promise<void> {
    for (const end = Date.now() + 20_000; Date.now() < end; await new Promise((r) => setTimeout(r, 250))) {
        if (check()) return;
    }
    throw new Error(`${what} within 20 s; the script said: ${log().trim() || "(nothing)"}`);
}

export const passwordOf = (db: string) => `pw-${db}-0123456789`;
export const passwordEnv = Object.fromEntries(DATABASES.map((db) => [`${db.toUpperCase()}_PASSWORD`, passwordOf(db)]));

/** Row count and an order-independent checksum of every table in a database. */
export function fingerprint(server: PgServer, db: string): Record<string, string> {
    const tables = psql(server, db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").split("\n").filter(Boolean);
    return Object.fromEntries(
        tables.map((t) => [
            t,
            psql(server, db, `SELECT count(*) || ':' || coalesce(md5(string_agg(md5(x::text), '' ORDER BY md5(x::text))), '-') FROM ${t} x`),
        ]),
    );
}

/** Provisions every business database and fills it with two tables of rows (again, if run twice). */
export function seed(server: PgServer): void {
    const provisioned = sh("provision.sh", { ...server.env, APP_DATABASES: DATABASES.join(" "), ...passwordEnv });
    if (provisioned.status !== 0) {
        throw new Error(`provision.sh: ${provisioned.stderr}`);
    }
    DATABASES.forEach((db, i) => {
        const sql = [
            "DROP TABLE IF EXISTS items, events",
            "CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL, price numeric(10,2), created timestamptz DEFAULT now())",
            `INSERT INTO items (name, price) SELECT '${db} item ' || g, g * 1.5 FROM generate_series(1, ${50 + i * 7}) g`,
            "CREATE TABLE events (id bigserial PRIMARY KEY, payload jsonb)",
            `INSERT INTO events (payload) SELECT jsonb_build_object('n', g, 'db', '${db}') FROM generate_series(1, ${20 + i}) g`,
        ].join("; ");
        psql(server, db, sql, db, passwordOf(db));
    });
}

/** The fingerprint of every business database. */
export function fingerprints(server: PgServer): Record<string, Record<string, string>> {
    return Object.fromEntries(DATABASES.map((db) => [db, fingerprint(server, db)]));
}
