-- guides 001: public guides and their comments. Articles are Markdown; body_html is
-- rendered once when an article is saved. A comment's email is kept for the
-- operator and never published; its author token (a hash of a cookie of the
-- browser that wrote it) lets that browser see its own held comment.
CREATE TABLE guides (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    practice TEXT NOT NULL,
    body TEXT NOT NULL,
    body_html TEXT NOT NULL,
    published INTEGER NOT NULL,
    published_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    seed_file TEXT UNIQUE -- the content/guides file it was seeded from, if any
) STRICT;
CREATE INDEX guides_published ON guides (published, published_at);

CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    guide_id INTEGER NOT NULL REFERENCES guides (id) ON DELETE CASCADE,
    parent_id INTEGER,
    depth INTEGER NOT NULL, -- 0 for a top-level comment, at most 2
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL, -- approved, pending or spam
    reason TEXT,          -- why it was held, for the operator
    by_site INTEGER NOT NULL DEFAULT 0,
    author_token TEXT,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX comments_guide ON comments (guide_id, status, created_at);
CREATE INDEX comments_status ON comments (status, created_at);
CREATE INDEX comments_email ON comments (email, status);

-- The last comment time per truncated network address (IPv4 /24, IPv6 /48),
-- kept only for the flood check's 15 seconds.
CREATE TABLE comment_floods (
    address TEXT PRIMARY KEY,
    last_at INTEGER NOT NULL
) STRICT;
