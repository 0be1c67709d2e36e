-- Text search of the inbox: a full-text index of every post's text with its
-- author's handle and name (word prefixes; anything but letters and digits
-- separates words, as on SQLite).
CREATE TABLE post_search (
    post_id BIGINT PRIMARY KEY REFERENCES posts(id),
    doc TSVECTOR NOT NULL
);
CREATE INDEX post_search_doc ON post_search USING GIN (doc);
CREATE FUNCTION posts_search_index() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO post_search (post_id, doc)
    SELECT NEW.id, to_tsvector('simple', regexp_replace(NEW.text || ' ' || a.handle || ' ' || COALESCE(a.display_name, ''), '[^[:alnum:]]+', ' ', 'g'))
    FROM authors a WHERE a.id = NEW.author_id;
    RETURN NEW;
END
$$;
CREATE TRIGGER posts_search_index AFTER INSERT ON posts FOR EACH ROW EXECUTE FUNCTION posts_search_index();
INSERT INTO post_search (post_id, doc)
SELECT p.id, to_tsvector('simple', regexp_replace(p.text || ' ' || a.handle || ' ' || COALESCE(a.display_name, ''), '[^[:alnum:]]+', ' ', 'g'))
FROM posts p JOIN authors a ON a.id = p.author_id;
