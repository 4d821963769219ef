CREATE OR REPLACE FUNCTION null_to_default() RETURNS trigger LANGUAGE plpgsql AS $$
-- What H2's null-to-default columns did for the services: a NULL written to one of the named
-- columns becomes the column default on INSERT (LOCALTIMESTAMP) and the old value on UPDATE.
DECLARE
    col text;
    patch jsonb := '{}';
BEGIN
    FOREACH col IN ARRAY TG_ARGV LOOP
        IF to_jsonb(NEW) -> col = 'null'::jsonb THEN
            patch := patch || jsonb_build_object(col, CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(OLD) -> col ELSE to_jsonb(LOCALTIMESTAMP) END);
        END IF;
    END LOOP;
    RETURN jsonb_populate_record(NEW, patch);
END
$$;

