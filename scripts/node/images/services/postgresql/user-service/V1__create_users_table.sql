CREATE TABLE users (
	user_id SERIAL PRIMARY KEY,
	first_name VARCHAR(255),
	last_name VARCHAR(255),
	image_url VARCHAR(255) DEFAULT 'https://bootdey.com/img/Content/avatar/avatar7.png',
	email VARCHAR(255) DEFAULT 'springxyzabcboot@gmail.com',
	phone VARCHAR(255) DEFAULT '+21622125144',
	created_at TIMESTAMP DEFAULT LOCALTIMESTAMP NOT NULL,
	updated_at TIMESTAMP
);
CREATE TRIGGER users_null_to_default BEFORE INSERT OR UPDATE ON users
	FOR EACH ROW EXECUTE FUNCTION null_to_default('created_at');
