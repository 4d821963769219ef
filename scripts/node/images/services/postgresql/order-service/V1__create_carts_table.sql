CREATE TABLE carts (
	cart_id SERIAL PRIMARY KEY,
	user_id INTEGER,
	created_at TIMESTAMP DEFAULT LOCALTIMESTAMP NOT NULL,
	updated_at TIMESTAMP
);
CREATE TRIGGER carts_null_to_default BEFORE INSERT OR UPDATE ON carts
	FOR EACH ROW EXECUTE FUNCTION null_to_default('created_at');
