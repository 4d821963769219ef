/**
 * The data path: a write through the gateway lands in the owning service's PostgreSQL
 * database and reads back through the gateway, and survives the PostgreSQL pod's deletion.
 */
import { strict as assert } from "assert";
import { POSTGRES, serviceSpec } from "../../catalog";
import { call, newWritten, writeThroughGateway, writtenRows as rowsOf } from "../../e2e/data-path";
import { until } from "../../e2e/live";
import { figure, system } from "./fixture";

/** What the scenarios wrote, for the later ones (backup and restore) to find again. */
export const WRITTEN = newWritten("system");

/** Rows the scenario wrote, counted with psql in postgres-0. */
export function writtenRows(live: { psql(db: string, sql: string): string }): { products: number; orders: number } {
    return rowsOf(WRITTEN, (db, sql) => live.psql(db, sql));
}

describe("2. the data path", function () {
    const ids: { product?: number; order?: number } = {};

    it("a product and an order written through the gateway land in their databases and read back", async function () {
        const { live } = system(this);
        const gateway = serviceSpec("api-gateway");
        const forward = await live.forward(gateway.name, gateway.port);
        try {
            const written = await writeThroughGateway(forward.url, WRITTEN);
            ids.product = written.product;
            ids.order = written.order;
            assert.deepEqual(writtenRows(live), { products: 1, orders: 1 }, "rows in PostgreSQL after the writes");
        } finally {
            forward.close();
        }
    });

    it("the data is still there after the PostgreSQL pod is deleted and comes back", async function () {
        const { live } = system(this);
        const started = Date.now();
        live.kubectl(["delete", "pod", `${POSTGRES.name}-0`, "-n", live.namespace, "--wait=true"]);
        await until("postgres-0 ready again", 300, () => (live.pods().some((p) => p.name === `${POSTGRES.name}-0` && p.ready && !p.deleting) ? true : undefined));
        figure("data", "postgres-0 deleted to ready again", `${((Date.now() - started) / 1000).toFixed(0)} s`);
        assert.deepEqual(writtenRows(live), { products: 1, orders: 1 }, "rows in PostgreSQL after the pod came back");
        const gateway = serviceSpec("api-gateway");
        const forward = await live.forward(gateway.name, gateway.port);
        try {
            // The services' pools hold connections to the old server: the first requests
            // may fail while they are replaced.
            const back = await until("the product reads back through the gateway", 120, async () => {
                const r = await call(`${forward.url}/product-service/api/products/${ids.product}`).catch(() => undefined);
                return r?.status === 200 ? r : undefined;
            });
            assert.equal(back.body.sku, WRITTEN.sku);
            figure("data", "first good read through the gateway after postgres-0 was back", `${((Date.now() - started) / 1000).toFixed(0)} s after the delete`);
        } finally {
            forward.close();
        }
    });
});
