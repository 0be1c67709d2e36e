-- Text search of the inbox: a full-text index of every post's text with its
-- author's handle and name (word prefixes, case and accents folded). It holds
-- no copy of the text (contentless); the row id is the post's id.
CREATE VIRTUAL TABLE post_search USING fts5(body, content = '', tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER posts_search_index AFTER INSERT ON posts BEGIN
    INSERT INTO post_search (rowid, body)
    SELECT NEW.id, NEW.text || ' ' || a.handle || ' ' || COALESCE(a.display_name, '') FROM authors a WHERE a.id = NEW.author_id;
END;
INSERT INTO post_search (rowid, body)
SELECT p.id, p.text || ' ' || a.handle || ' ' || COALESCE(a.display_name, '') FROM posts p JOIN authors a ON a.id = p.author_id;
