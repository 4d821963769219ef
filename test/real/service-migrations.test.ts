/**
 * The PostgreSQL migrations the project adds to the services' sources (scripts/node/images/
 * services/postgresql), run by a real PostgreSQL in Flyway's order, and written to as
 * Hibernate writes: every column named, NULL where the entity has no value. H2's
 * NULL_TO_DEFAULT hid that the services never set created_at; the trigger must do it here.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { databaseOwners } from "../../catalog";
import { requireInstalled } from "./installed";
import { psql } from "./pg-scripts";
import { postgresBinDir, startPostgres, type PgServer } from "./postgres-server";

const PATCH = path.resolve(__dirname, "..", "..", "scripts", "node", "images", "services", "postgresql");
const FUNCTION_FILE = "V0_1__null_to_default.sql";

/** Flyway's order: by version, where 0_1 is 0.1 and 10 comes after 9. */
function flywayOrder(files: string[]): string[] {
    const version = (f: string) => f.slice(1, f.indexOf("__")).split("_").map(Number);
    return [...files].sort((a, b) => {
        const [x, y] = [version(a), version(b)];
        for (let i = 0; i < Math.max(x.length, y.length); i++) {
            const d = (x[i] ?? 0) - (y[i] ?? 0);
            if (d !== 0) return d;
        }
        return 0;
    });
}

function migrationsOf(service: string): string[] {
    return flywayOrder([FUNCTION_FILE, ...fs.readdirSync(path.join(PATCH, service)).filter((f) => f.endsWith(".sql"))]);
}

function fileOf(service: string, file: string): string {
    return file === FUNCTION_FILE ? path.join(PATCH, file) : path.join(PATCH, service, file);
}

describe("the services' PostgreSQL migrations on a real server", function () {
    this.timeout(120_000);
    let server: PgServer;
    const bin = postgresBinDir();

    before(async function () {
        requireInstalled(this, bin, "PostgreSQL", "postgresql");
        server = await startPostgres(bin);
    });
    after(() => server?.stop());

    it("there is a folder for each business service of the catalog, and for nothing else", () => {
        const folders = fs.readdirSync(PATCH).filter((f) => fs.statSync(path.join(PATCH, f)).isDirectory());
        assert.deepEqual(folders.sort(), databaseOwners().map((s) => s.name).sort());
    });

    for (const owner of databaseOwners()) {
        describe(owner.name, () => {
            const db = `${owner.database}_migrations`;
            let tables: string[] = [];

            before(() => {
                psql(server, "postgres", `CREATE DATABASE ${db}`);
                for (const file of migrationsOf(owner.name)) {
                    const result = spawnSync("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db, "-f", fileOf(owner.name, file)], {
                        env: { ...process.env, ...server.env },
                        encoding: "utf8",
                    });
                    assert.equal(result.status, 0, `${file}: ${result.stderr}`);
                }
                tables = psql(server, db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").split("\n").filter(Boolean);
            });

            it("creates its tables with no H2-only syntax", () => {
                assert.ok(tables.length > 0);
                for (const file of migrationsOf(owner.name)) {
                    assert.doesNotMatch(fs.readFileSync(fileOf(owner.name, file), "utf8"), /AUTO_INCREMENT|NULL_TO_DEFAULT|INT\(11\)/, file);
                }
            });

            it("has no numeric column: the entities hold amounts as Double, which Hibernate's validation does not match to numeric", () => {
                // Found on live pods: order-service and product-service stopped at start with
                // "wrong column type ... found [numeric], but expecting [decimal (Types#DOUBLE)]".
                const numeric = psql(server, db, "SELECT string_agg(table_name || '.' || column_name, ',') FROM information_schema.columns WHERE table_schema = 'public' AND data_type = 'numeric'");
                assert.equal(numeric, "");
            });

            it("an explicit NULL in a defaulted timestamp becomes the time of the insert, and an update with NULL keeps it", () => {
                for (const table of tables) {
                    const defaulted = psql(
                        server,
                        db,
                        `SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns
                         WHERE table_name = '${table}' AND is_nullable = 'NO' AND column_default ILIKE '%localtimestamp%'`,
                    ).split(",");
                    assert.ok(defaulted.includes("created_at"), `${table}: created_at has no default`);
                    const keys = psql(
                        server,
                        db,
                        `SELECT string_agg(a.attname, ',') FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                         WHERE i.indrelid = '${table}'::regclass AND i.indisprimary`,
                    ).split(",");
                    const serial = keys.length === 1 && !defaulted.includes(keys[0]!);
                    // Hibernate names every column; a generated key is left to the database.
                    const columns = [...(serial ? [] : keys.filter((k) => !defaulted.includes(k))), ...defaulted];
                    const values = columns.map((c) => (defaulted.includes(c) ? "NULL" : "7"));
                    const id = psql(server, db, `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${values.join(", ")}) RETURNING ${keys[0]}`);
                    assert.match(id, /^\d+$/, `${table}: no key returned`);
                    const where = `${keys[0]} = ${id}`;
                    const stamped = psql(server, db, `SELECT created_at FROM ${table} WHERE ${where}`);
                    assert.match(stamped, /^\d{4}-\d\d-\d\d \d\d:\d\d/, `${table}: created_at is '${stamped}'`);
                    psql(server, db, `UPDATE ${table} SET created_at = NULL, updated_at = LOCALTIMESTAMP WHERE ${where}`);
                    assert.equal(psql(server, db, `SELECT created_at FROM ${table} WHERE ${where}`), stamped, `${table}: the update lost created_at`);
                }
            });
        });
    }
});

describe("the PostgreSQL patch applied to a source tree", function () {
    const apply = path.join(PATCH, "apply.sh");

    /** A tree shaped like the services' sources, with what the patch looks for. */
    function fakeTree(change: (tree: string) => void = () => undefined): string {
        const tree = fs.mkdtempSync(path.join(os.tmpdir(), "services-tree-"));
        for (const owner of databaseOwners()) {
            const resources = path.join(tree, owner.name, "src", "main", "resources");
            fs.mkdirSync(path.join(resources, "db", "migration"), { recursive: true });
            fs.writeFileSync(
                path.join(tree, owner.name, "pom.xml"),
                "<dependencies>\n\t\t<dependency>\n\t\t\t<groupId>com.h2database</groupId>\n\t\t\t<artifactId>h2</artifactId>\n\t\t\t<scope>runtime</scope>\n\t\t</dependency>\n</dependencies>\n",
            );
            fs.writeFileSync(path.join(resources, "application.yml"), "server:\n  port: 1\nspring:\n  application:\n    name: X\n");
            fs.writeFileSync(path.join(resources, "application-dev.yml"), "spring:\n  jpa:\n    properties:\n      hibernate:\n        dialect: org.hibernate.dialect.H2Dialect\n        format_sql: true\n");
            for (const file of fs.readdirSync(path.join(PATCH, owner.name))) {
                fs.writeFileSync(path.join(resources, "db", "migration", file), "CREATE TABLE t (id INT(11) NOT NULL PRIMARY KEY AUTO_INCREMENT);\n");
            }
            fs.writeFileSync(path.join(resources, "db", "migration", "V99__insert_rows.sql"), "INSERT INTO t (id) VALUES (1);\n");
        }
        change(tree);
        return tree;
    }
    const run = (tree: string) => spawnSync("bash", [apply, tree], { encoding: "utf8" });

    it("adds the driver, sorts the migrations by database and points Flyway at them", () => {
        const tree = fakeTree();
        const result = run(tree);
        assert.equal(result.status, 0, result.stderr);
        for (const owner of databaseOwners()) {
            const resources = path.join(tree, owner.name, "src", "main", "resources");
            const pom = fs.readFileSync(path.join(tree, owner.name, "pom.xml"), "utf8");
            assert.match(pom, /<groupId>org\.postgresql<\/groupId>\s*<artifactId>postgresql<\/artifactId>\s*<scope>runtime<\/scope>/);
            assert.match(pom, /<artifactId>h2<\/artifactId>/, "H2 stays for the dev profile");
            const migration = path.join(resources, "db", "migration");
            assert.deepEqual(fs.readdirSync(migration).sort(), ["common", "h2", "postgresql"]);
            assert.deepEqual(fs.readdirSync(path.join(migration, "common")), ["V99__insert_rows.sql"]);
            assert.deepEqual(fs.readdirSync(path.join(migration, "h2")).sort(), fs.readdirSync(path.join(PATCH, owner.name)).sort());
            assert.ok(fs.existsSync(path.join(migration, "postgresql", FUNCTION_FILE)));
            assert.match(fs.readFileSync(path.join(resources, "application.yml"), "utf8"), /spring:\n {2}flyway:\n {4}locations: classpath:db\/migration\/common,classpath:db\/migration\/\{vendor\}\n/);
            const dev = fs.readFileSync(path.join(resources, "application-dev.yml"), "utf8");
            assert.doesNotMatch(dev, /H2Dialect/);
            assert.match(dev, /format_sql: true/, "only the dialect line goes");
        }
    });

    it("fails, naming the file, when upstream no longer looks as the patch expects", () => {
        const noH2 = fakeTree((tree) => fs.writeFileSync(path.join(tree, "order-service", "pom.xml"), "<dependencies>\n</dependencies>\n"));
        const r1 = run(noH2);
        assert.notEqual(r1.status, 0);
        assert.match(r1.stderr, /order-service\/pom\.xml: expected one h2 dependency, found 0/);
        const h2Left = fakeTree((tree) =>
            fs.writeFileSync(path.join(tree, "user-service", "src", "main", "resources", "db", "migration", "V98__more.sql"), "CREATE TABLE u (id INT AUTO_INCREMENT);\n"),
        );
        const r2 = run(h2Left);
        assert.notEqual(r2.status, 0);
        assert.match(r2.stderr, /user-service V98__more\.sql: H2-only syntax with no PostgreSQL version/);
    });
});
