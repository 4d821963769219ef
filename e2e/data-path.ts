/**
 * The data path the live suites walk on either target: a product and an order written
 * through the gateway (as the services' APIs take them), read back through it, and counted
 * where they land, with psql in the PostgreSQL container or pod.
 */
import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import { serviceSpec } from "../catalog";

/** What a run wrote, to find again later (after a restart, a backup and restore). */
export interface Written {
    readonly sku: string;
    readonly orderDesc: string;
}

export function newWritten(prefix: string): Written {
    return { sku: `${prefix}-${randomBytes(4).toString("hex")}`, orderDesc: `${prefix}-${randomBytes(4).toString("hex")}` };
}

/** The services' date format (AppConstant.LOCAL_DATE_TIME_FORMAT: dd-MM-yyyy__HH:mm:ss:SSSSSS). */
function serviceDate(d: Date): string {
    const p = (n: number, w = 2) => String(n).padStart(w, "0");
    return `${p(d.getUTCDate())}-${p(d.getUTCMonth() + 1)}-${d.getUTCFullYear()}__${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}:${p(d.getUTCMilliseconds() * 1000, 6)}`;
}

export async function call(url: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
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

/** POSTs a product and an order through the gateway at `gateway` (its base URL) and reads both back; their ids. */
export async function writeThroughGateway(gateway: string, written: Written): Promise<{ product: number; order: number }> {
    const product = await call(`${gateway}/product-service/api/products`, {
        method: "POST",
        body: JSON.stringify({ productTitle: "live test", imageUrl: "none", sku: written.sku, priceUnit: 9.5, quantity: 3, category: { categoryId: 1 } }),
    });
    assert.equal(product.status, 200, `POST product: ${JSON.stringify(product.body)}`);
    const order = await call(`${gateway}/order-service/api/orders`, {
        method: "POST",
        body: JSON.stringify({ orderDate: serviceDate(new Date()), orderDesc: written.orderDesc, orderFee: 12.25, cart: { cartId: 1 } }),
    });
    assert.equal(order.status, 200, `POST order: ${JSON.stringify(order.body)}`);
    const ids = { product: product.body.productId as number, order: order.body.orderId as number };
    const readProduct = await call(`${gateway}/product-service/api/products/${ids.product}`);
    assert.equal(readProduct.body.sku, written.sku);
    const readOrder = await call(`${gateway}/order-service/api/orders/${ids.order}`);
    assert.equal(readOrder.body.orderDesc, written.orderDesc);
    return ids;
}

/** Rows the run wrote, counted by `psql(database, sql)` wherever PostgreSQL runs. */
export function writtenRows(written: Written, psql: (database: string, sql: string) => string): { products: number; orders: number } {
    return {
        products: Number(psql(serviceSpec("product-service").database!, `SELECT count(*) FROM products WHERE sku = '${written.sku}'`)),
        orders: Number(psql(serviceSpec("order-service").database!, `SELECT count(*) FROM orders WHERE order_desc = '${written.orderDesc}'`)),
    };
}
