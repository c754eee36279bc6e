-- AN ENTRY'S HISTORY STARTS AT ITS FIRST CHANGE (ADR 30, extending ADR 28). An entry that was never changed is fully
-- described by its view_entry row, so it no longer has a history row of its own: the read of its history answers
-- version 1 from view_entry, and the first change (an amendment, entered in error, a sensitivity change) writes the
-- version-1 row from view_entry before it changes that row. Nearly every entry is never changed, so this takes one
-- row and two index entries per entry off every write, import and rebuild (about a tenth of an imported record's
-- database). The one fact the history row had that view_entry lacked is the author's role.
ALTER TABLE view_entry ADD COLUMN author_role varchar(40);

UPDATE view_entry e SET author_role = h.by_role
FROM view_entry_history h
WHERE h.entry_id = e.entry_id AND h.seq = 1;

DELETE FROM view_entry_history h
WHERE h.seq = 1 AND h.change = 'RECORDED'
  AND NOT EXISTS (SELECT 1 FROM view_entry_history x WHERE x.entry_id = h.entry_id AND x.seq > 1);

ALTER TABLE view_entry ALTER COLUMN author_role SET NOT NULL;
