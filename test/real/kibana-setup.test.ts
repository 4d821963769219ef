/**
 * Issue 16: the script that gives Kibana the manual's data view and searches, run under
 * busybox (as in the cluster's busybox image) against a stand-in for Kibana's HTTP API
 * that records what it receives.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { SERVICES } from "../../catalog";
import { kibanaRequests, kibanaSetupScript } from "../../components/observability/kibana-objects";
import { MANUAL_KIBANA_QUERIES } from "../sources";
import { configMapFile } from "../observability-files";
import { declare } from "../support";
import { BUSYBOX, runScript } from "./busybox";
import { requireInstalled } from "./installed";

interface Received {
    method: string;
    url: string;
    headers: http.IncomingHttpHeaders;
    body: string;
}

/** Answers /api/status with 503 `unready` times, then 200; refuses POSTs to `refuse`. */
async function fakeKibana(unready: number, refuse?: string): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
    const received: Received[] = [];
    let statusCalls = 0;
    const server = http.createServer((req, res) => {
        let body = "";
        req.on("data", (d: Buffer) => (body += d.toString()));
        req.on("end", () => {
            received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
            if (req.url === "/api/status") {
                res.statusCode = ++statusCalls > unready ? 200 : 503;
            } else {
                res.statusCode = refuse && req.url!.startsWith(refuse) ? 400 : 200;
            }
            res.end("{}");
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe("Kibana setup script (busybox wget against a stand-in Kibana)", function () {
    this.timeout(60_000);
    let dir: string;
    let requests: ReturnType<typeof kibanaRequests>;
    beforeEach(function () {
        requests = kibanaRequests();
        requireInstalled(this, BUSYBOX, "busybox", "busybox", "the Job runs in the busybox image");
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "kibana-setup-"));
        for (const r of requests) {
            fs.writeFileSync(path.join(dir, r.file), JSON.stringify(r.body));
        }
    });
    afterEach(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

    it("waits for Kibana, then sends every request as JSON with the xsrf header, in order", async () => {
        const kibana = await fakeKibana(2);
        const run = await runScript(kibanaSetupScript(kibana.url, dir, requests).replace(/sleep 5/, "sleep 0.2"));
        await kibana.close();
        assert.equal(run.status, 0, run.stdout + run.stderr);
        const status = kibana.received.filter((r) => r.url === "/api/status");
        assert.equal(status.length, 3, "asked until Kibana answered");
        const posts = kibana.received.filter((r) => r.method === "POST");
        assert.deepEqual(posts.map((p) => p.url), requests.map((r) => r.path));
        for (const post of posts) {
            assert.equal(post.headers["kbn-xsrf"], "true");
            assert.equal(post.headers["content-type"], "application/json");
            JSON.parse(post.body);
        }
    });

    it("creates a data view over the indices Logstash writes, on its time field, that a second run overwrites", async () => {
        const kibana = await fakeKibana(0);
        await runScript(kibanaSetupScript(kibana.url, dir, requests));
        await kibana.close();
        const body = JSON.parse(kibana.received.find((r) => r.url === "/api/data_views/data_view")!.body) as {
            override: boolean;
            data_view: { title: string; timeFieldName: string };
        };
        const pipeline = configMapFile(await declare({ stack: "dev" }), "logstash-pipeline", "logstash.conf");
        const index = /index => "([^"%]+)%\{\+YYYY\.MM\.dd\}"/.exec(pipeline)![1]!;
        const todays = `${index}2026.11.26`;
        const pattern = new RegExp(`^${body.data_view.title.replace(/[.]/g, "\\.").replace(/\*/g, ".*")}$`);
        assert.match(todays, pattern, "the data view covers the daily indices");
        assert.equal(body.data_view.timeFieldName, "@timestamp");
        assert.equal(body.override, true, "a second run replaces instead of failing");
        for (const r of kibana.received.filter((x) => x.url.startsWith("/api/saved_objects/"))) {
            assert.match(r.url, /\?overwrite=true$/);
        }
    });

    it("saves the manual's queries as written, the per-service one for every service", async () => {
        const kibana = await fakeKibana(0);
        await runScript(kibanaSetupScript(kibana.url, dir, requests));
        await kibana.close();
        const queries = kibana.received
            .filter((r) => r.url.startsWith("/api/saved_objects/search/"))
            .map((r) => {
                const attributes = (JSON.parse(r.body) as { attributes: { kibanaSavedObjectMeta: { searchSourceJSON: string } } }).attributes;
                return (JSON.parse(attributes.kibanaSavedObjectMeta.searchSourceJSON) as { query: { query: string; language: string } }).query;
            });
        assert.ok(queries.every((q) => q.language === "lucene"), "the manual's range syntax is Lucene");
        const texts = queries.map((q) => q.query);
        assert.ok(texts.includes(MANUAL_KIBANA_QUERIES[0]!), MANUAL_KIBANA_QUERIES[0]);
        assert.ok(texts.includes(MANUAL_KIBANA_QUERIES[1]!), MANUAL_KIBANA_QUERIES[1]);
        assert.ok(texts.includes(MANUAL_KIBANA_QUERIES[2]!.replace("[trace-id]", "<trace-id>")), MANUAL_KIBANA_QUERIES[2]);
        assert.ok(texts.includes('service.name:"user-service" AND level:ERROR'));
    });

    it("makes the data view it creates the default, and has every saved search read it, show the parsed fields, newest first", async () => {
        const kibana = await fakeKibana(0);
        const run = await runScript(kibanaSetupScript(kibana.url, dir, requests));
        await kibana.close();
        const body = (url: string) => JSON.parse(kibana.received.find((r) => r.url === url)!.body) as Record<string, unknown>;
        const view = (body("/api/data_views/data_view") as { data_view: { id: string; name: string; timeFieldName: string } }).data_view;
        assert.ok(view.id && view.name);
        assert.deepEqual(body("/api/data_views/default"), { data_view_id: view.id, force: true });
        const pipeline = configMapFile(await declare({ stack: "dev" }), "logstash-pipeline", "logstash.conf");
        const searches = kibana.received.filter((r) => r.url.startsWith("/api/saved_objects/search/"));
        const ids = searches.map((r) => /search\/([^?]+)\?/.exec(r.url)![1]!);
        assert.equal(new Set(ids).size, ids.length, "one object per search");
        const services = searches.map((r) => JSON.parse(r.body) as { attributes: { title: string } }).filter((b) => / errors/.test(b.attributes.title));
        assert.equal(services.length, SERVICES.length, "a per-service search for every service");
        for (const search of searches) {
            const saved = JSON.parse(search.body) as {
                attributes: { title: string; description: string; columns: string[]; sort: [string, string][]; kibanaSavedObjectMeta: { searchSourceJSON: string } };
                references: { name: string; type: string; id: string }[];
            };
            assert.ok(saved.attributes.title && saved.attributes.description, search.url);
            const source = JSON.parse(saved.attributes.kibanaSavedObjectMeta.searchSourceJSON) as { indexRefName: string; filter: unknown[] };
            assert.deepEqual(saved.references, [{ name: source.indexRefName, type: "index-pattern", id: view.id }], search.url);
            assert.deepEqual(source.filter, [], "the query alone selects");
            // Columns the pipeline fills: the service, level and correlation fields it writes, and the message.
            assert.ok(saved.attributes.columns.length >= 3, search.url);
            for (const column of saved.attributes.columns) {
                const written = column === "message" || pipeline.includes(`"${column.split(".").map((p) => `[${p}]`).join("")}"`);
                assert.ok(written, `${search.url}: column ${column} is a field Logstash writes`);
            }
            assert.deepEqual(saved.attributes.sort, [[view.timeFieldName, "desc"]], search.url);
        }
        assert.match(run.stdout, new RegExp(`Kibana ready: data view ${view.id} and ${searches.length} saved searches`));
    });

    it("fails naming the request Kibana refused", async () => {
        const kibana = await fakeKibana(0, "/api/saved_objects/search/ecommerce-errors-24h");
        const run = await runScript(kibanaSetupScript(kibana.url, dir, requests));
        await kibana.close();
        assert.equal(run.status, 1);
        assert.match(run.stderr, /FAILED: POST \/api\/saved_objects\/search\/ecommerce-errors-24h\?overwrite=true/);
        assert.equal(kibana.received.filter((r) => r.url.startsWith("/api/saved_objects/search/ecommerce-errors-")).length, 1, "stops at the first refusal");
    });
});
