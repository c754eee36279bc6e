-- The role views' rows are found by entry through their primary key (role, entry_id), with every role named
-- (ViewsProjection.refreshRoleRows): the separate index on entry_id alone cost a third of each row's index upkeep
-- and answered nothing else (issue 9: the role views' inserts were a third of the server's time in a bulk load).
DROP INDEX IF EXISTS view_role_entry_entry_idx;
