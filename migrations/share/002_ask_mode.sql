-- share 002: who answers a question of your own: "both" (each answers, and
-- the answers open when both have) or "partner" (only the one asked
-- answers, and the answer opens to both at once). NULL for the question of
-- the day.
ALTER TABLE share_items ADD COLUMN ask_mode TEXT;
UPDATE share_items SET ask_mode = 'both' WHERE kind = 'ask';
