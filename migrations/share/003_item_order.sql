-- share 003: the items a page shows, found without reading every item of
-- the couple. A couple's rows lie spread through the table (they arrive a
-- day at a time among everyone's), so reading all of a year's items costs
-- a page each: the archive reads its newest items in order and stops at a
-- page's worth (share_items_created); /us and /share list what is still
-- open, a few items, from an index of those alone (share_items_open).
CREATE INDEX share_items_created ON share_items (couple_id, created_at);
CREATE INDEX share_items_open ON share_items (couple_id, created_at) WHERE revealed_at IS NULL;
