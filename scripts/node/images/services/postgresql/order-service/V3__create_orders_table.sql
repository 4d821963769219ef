CREATE TABLE orders (
	order_id SERIAL PRIMARY KEY,
	cart_id INTEGER,
	order_date TIMESTAMP DEFAULT LOCALTIMESTAMP NOT NULL,
	order_desc VARCHAR(255),
	-- Double in the entity: Hibernate's schema validation refuses numeric for it.
	order_fee DOUBLE PRECISION,
	created_at TIMESTAMP DEFAULT LOCALTIMESTAMP NOT NULL,
	updated_at TIMESTAMP
);
CREATE TRIGGER orders_null_to_default BEFORE INSERT OR UPDATE ON orders
	FOR EACH ROW EXECUTE FUNCTION null_to_default('order_date', 'created_at');
