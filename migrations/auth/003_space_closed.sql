-- auth 003: a person whose partner ended their couple (by leaving, or by
-- deleting their account) sees one neutral line on /pair, "This shared
-- space has closed.", until they pair again. Nothing says who or why.
ALTER TABLE users ADD COLUMN space_closed INTEGER NOT NULL DEFAULT 0;
