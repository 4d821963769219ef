CREATE TABLE order_items (
	product_id INTEGER NOT NULL,
	order_id INTEGER NOT NULL,
	ordered_quantity INTEGER,
	created_at TIMESTAMP DEFAULT LOCALTIMESTAMP NOT NULL,
	updated_at TIMESTAMP,
	PRIMARY KEY (product_id, order_id)
);
CREATE TRIGGER order_items_null_to_default BEFORE INSERT OR UPDATE ON order_items
	FOR EACH ROW EXECUTE FUNCTION null_to_default('created_at');
