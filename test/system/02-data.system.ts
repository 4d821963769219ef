/**
 * The data path: a write through the gateway lands in the owning service's PostgreSQL
 * database and reads back through the gateway, and survives the PostgreSQL pod's deletion.
 */
import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import { POSTGRES, serviceSpec } from "../../catalog";
import { until } from "../../e2e/live";
import { figure, system } from "./fixture";

/** What the scenarios wrote, for the later ones (backup and restore) to find again. */
export const WRITTEN = { sku: `system-${randomBytes(4).toString("hex")}`, orderDesc: `system-${randomBytes(4).toString("hex")}` };

/** The services' date format (AppConstant.LOCAL_DATE_TIME_FORMAT: dd-MM-yyyy__HH:mm:ss:SSSSSS). */
function serviceDate(d: Date): string {
    const p = (n: number, w = 2) => String(n).padStart(w, "0");
    return `${p(d.getUTCDate())}-${p(d.getUTCMonth() + 1)}-${d.getUTCFullYear()}__${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}:${p(d.getUTCMilliseconds() * 1000, 6)}`;
}

async function call(url: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(url, { ...init, headers: { "content-type": "application/json", accept: "application/json" }, signal: AbortSignal.timeout(30_000) });
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
        body = JSON.parse(text) as Record<string, unknown>;
    } catch {
        body = { text };
    }
    return { status: response.status, body };
}

/** Rows the scenario wrote, counted with psql in postgres-0. */
export function writtenRows(live: { psql(db: string, sql: string): string }): { products: number; orders: number } {
    return {
        products: Number(live.psql(serviceSpec("product-service").database!, `SELECT count(*) FROM products WHERE sku = '${WRITTEN.sku}'`)),
        orders: Number(live.psql(serviceSpec("order-service").database!, `SELECT count(*) FROM orders WHERE order_desc = '${WRITTEN.orderDesc}'`)),
    };
}

describe("2. the data path", function () {
    const ids: { product?: number; order?: number } = {};

    it("a product and an order written through the gateway land in their databases and read back", async function () {
        const { live } = system(this);
        const gateway = serviceSpec("api-gateway");
        const forward = await live.forward(gateway.name, gateway.port);
        try {
            const product = await call(`${forward.url}/product-service/api/products`, {
                method: "POST",
                body: JSON.stringify({ productTitle: "system test", imageUrl: "none", sku: WRITTEN.sku, priceUnit: 9.5, quantity: 3, category: { categoryId: 1 } }),
            });
            assert.equal(product.status, 200, `POST product: ${JSON.stringify(product.body)}`);
            ids.product = product.body.productId as number;
            const order = await call(`${forward.url}/order-service/api/orders`, {
                method: "POST",
                body: JSON.stringify({ orderDate: serviceDate(new Date()), orderDesc: WRITTEN.orderDesc, orderFee: 12.25, cart: { cartId: 1 } }),
            });
            assert.equal(order.status, 200, `POST order: ${JSON.stringify(order.body)}`);
            ids.order = order.body.orderId as number;

            assert.deepEqual(writtenRows(live), { products: 1, orders: 1 }, "rows in PostgreSQL after the writes");
            const readProduct = await call(`${forward.url}/product-service/api/products/${ids.product}`);
            assert.equal(readProduct.body.sku, WRITTEN.sku);
            const readOrder = await call(`${forward.url}/order-service/api/orders/${ids.order}`);
            assert.equal(readOrder.body.orderDesc, WRITTEN.orderDesc);
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
