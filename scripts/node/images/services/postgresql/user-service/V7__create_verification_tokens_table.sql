CREATE TABLE verification_tokens (
	verification_token_id SERIAL PRIMARY KEY,
	credential_id INTEGER,
	verif_token VARCHAR(255),
	expire_date DATE,
	created_at TIMESTAMP DEFAULT LOCALTIMESTAMP NOT NULL,
	updated_at TIMESTAMP
);
CREATE TRIGGER verification_tokens_null_to_default BEFORE INSERT OR UPDATE ON verification_tokens
	FOR EACH ROW EXECUTE FUNCTION null_to_default('created_at');
