CREATE TABLE products (
	product_id SERIAL PRIMARY KEY,
	category_id INTEGER,
	product_title VARCHAR(255),
	image_url VARCHAR(255),
	sku VARCHAR(255),
	-- Double in the entity: Hibernate's schema validation refuses numeric for it.
	price_unit DOUBLE PRECISION,
	quantity INTEGER,
	created_at TIMESTAMP DEFAULT LOCALTIMESTAMP NOT NULL,
	updated_at TIMESTAMP
);
CREATE TRIGGER products_null_to_default BEFORE INSERT OR UPDATE ON products
	FOR EACH ROW EXECUTE FUNCTION null_to_default('created_at');
