CREATE TABLE credentials (
	credential_id SERIAL PRIMARY KEY,
	user_id INTEGER,
	username VARCHAR(255),
	password VARCHAR(255),
	role VARCHAR(255),
	is_enabled BOOLEAN DEFAULT false,
	is_account_non_expired BOOLEAN DEFAULT true,
	is_account_non_locked BOOLEAN DEFAULT true,
	is_credentials_non_expired BOOLEAN DEFAULT true,
	created_at TIMESTAMP DEFAULT LOCALTIMESTAMP NOT NULL,
	updated_at TIMESTAMP
);
CREATE TRIGGER credentials_null_to_default BEFORE INSERT OR UPDATE ON credentials
	FOR EACH ROW EXECUTE FUNCTION null_to_default('created_at');
